"""The Foil client: foil-server's ``Foil`` with the same namespaces, methods and keyword
arguments, over libfoil's C client (connection pool shared by threads, GIL released
during every request)."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Iterator, List, TypeVar, cast

from . import native as _native
from ._errors import FoilInvalidArgumentError, FoilProtocolError, FoilStateError
from ._model import JsonView, ListResult, Model, json_text
from ._models import (
    AgentTokenVerification,
    ApiKey,
    Event,
    GateDashboardLogin,
    GateDeliveryRequest,
    GateLoginSession,
    GateManagedService,
    GateRegistryEntry,
    GateSessionCreate,
    GateSessionDeliveryAcknowledgement,
    GateSessionPollData,
    IssuedApiKey,
    Organization,
    SessionDetail,
    SessionSummary,
    VisitorFingerprintDetail,
    VisitorFingerprintSummary,
    WebhookEndpoint,
    WebhookTest,
)
from ._version import __version__

if TYPE_CHECKING:
    from ._signup import GateSignup

DEFAULT_BASE_URL: str = _native.FOIL_DEFAULT_BASE_URL
DEFAULT_TIMEOUT = 30.0

M = TypeVar("M", bound=Model)

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "Foil"]

_page_models = _native.py_page_models
_next_page = _native.iter_next_page
_unpack_result = _native.py_result_views


def _limit(limit: int | None) -> int:
    """The page size for the typed list calls, which read 0 as "not given" and check the
    rest: the range and its error are the core's (foil_limit_check) either way."""
    if limit is None:
        return 0
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"limit must be int or None, not {type(limit).__name__}")
    if limit == 0 or not -2**31 <= limit < 2**31:  # values the typed call cannot take
        _native.limit_check(max(-2**63, min(limit, 2**63 - 1)))
    return limit


def _not_objects(what: str) -> FoilProtocolError:
    return FoilProtocolError(f"malformed response: {what} must be JSON objects", code="response.invalid")


def _body(values: Mapping[str, Any]) -> str:
    return json_text({k: v for k, v in values.items() if v is not None})


def _views(items: list[Any]) -> list[Any]:
    """The items of a list response: every one must be an object (a JsonView)."""
    for item in items:
        if type(item) is not JsonView:
            raise _not_objects("list items")
    return items


def _page(page: Any, cls: type[M]) -> ListResult[M]:
    items, limit, has_more, next_cursor, request_id = _page_models(page, cls)
    if items is None:
        raise _not_objects("list items")
    return ListResult(items, limit, has_more, next_cursor, request_id=request_id)


def _one(result: Any, cls: Callable[[dict[str, Any]], M]) -> M:
    data = _unpack_result(result)[0]
    if type(data) is not JsonView:
        raise _not_objects("the result's data")
    return cls(cast("dict[str, Any]", data))


def _many(result: Any, cls: Callable[[dict[str, Any]], M]) -> list[M]:
    data = _unpack_result(result)[0]
    if not isinstance(data, list):
        raise FoilProtocolError("malformed response: the result's data must be a JSON array",
                                code="response.invalid")
    return [cls(cast("dict[str, Any]", item)) for item in _views(data)]


def _walk(client: Foil, start: Callable[[Any], Any], cls: type[M]) -> Iterator[M]:
    """Every item of a cursor-paginated list, one page in memory at a time (items are
    lazy views: a page is freed once no item of it is referenced; the result objects are
    built in C, see py_page_models).

    ``start(handle)`` makes the core's iterator (``foil_sessions_iter`` and the like: the same
    checks as ``list``, run at the first ``next()`` as before). The core follows the cursor and
    requests the next page while this one is read (``Foil(prefetch=False)`` turns that off).
    Each page comes whole from one call of ``foil_iter_next_page`` with the GIL released, on
    the calling thread, and belongs to its Python proxy (freed by ``foil_page_free``).
    """
    it = start(client._handle())
    while True:
        client._handle()  # a client closed mid-walk stops it, as for list()
        page = _next_page(it)
        if page is None:
            return
        items = _page_models(page, cls)[0]
        if items is None:
            raise _not_objects("list items")
        yield from items


class _Namespace:
    __slots__ = ("_client",)

    def __init__(self, client: Foil) -> None:
        self._client = client


class SessionsAPI(_Namespace):
    """Bot-detection sessions (``client.sessions``)."""

    __slots__ = ()

    def list(self, *, limit: int | None = None, cursor: str | None = None, verdict: str | None = None,
             search: str | None = None) -> ListResult[SessionSummary]:
        """One page of sessions, newest first; filter by ``verdict`` and ``search``."""
        return _page(_native.sessions_list(self._client._handle(), _limit(limit), cursor, verdict, search),
                     SessionSummary)

    def iter(self, *, limit: int | None = None, verdict: str | None = None,
             search: str | None = None) -> Iterator[SessionSummary]:
        """Every matching session, fetching pages of ``limit`` as needed."""
        n = _limit(limit)
        return _walk(self._client, lambda h: _native.sessions_iter(h, n, verdict, search), SessionSummary)

    def get(self, session_id: str) -> SessionDetail:
        """One session with every analysis block."""
        return _one(_native.sessions_get(self._client._handle(), session_id), SessionDetail)

    def attach_client_user(self, session_id: str, client_user_id: str) -> SessionDetail:
        """Link a session to your user id (at most 256 characters)."""
        if not isinstance(client_user_id, str):
            raise TypeError(f"client_user_id must be str, not {type(client_user_id).__name__}")
        return _one(_native.sessions_attach_client_user(self._client._handle(), session_id, client_user_id),
                    SessionDetail)

    def clear_client_user(self, session_id: str) -> SessionDetail:
        """Remove the user id linked to a session."""
        return _one(_native.sessions_clear_client_user(self._client._handle(), session_id), SessionDetail)


class FingerprintsAPI(_Namespace):
    """Visitor fingerprints (``client.fingerprints``)."""

    __slots__ = ()

    def list(self, *, limit: int | None = None, cursor: str | None = None, search: str | None = None,
             sort: str | None = None) -> ListResult[VisitorFingerprintSummary]:
        """One page of fingerprints; ``sort`` is ``"seen_count"`` or ``"first_seen"``."""
        return _page(_native.fingerprints_list(self._client._handle(), _limit(limit), cursor, search, sort),
                     VisitorFingerprintSummary)

    def iter(self, *, limit: int | None = None, search: str | None = None,
             sort: str | None = None) -> Iterator[VisitorFingerprintSummary]:
        """Every matching fingerprint, fetching pages as needed."""
        n = _limit(limit)
        return _walk(self._client, lambda h: _native.fingerprints_iter(h, n, search, sort),
                     VisitorFingerprintSummary)

    def get(self, visitor_id: str) -> VisitorFingerprintDetail:
        """One fingerprint with components and activity."""
        return _one(_native.fingerprints_get(self._client._handle(), visitor_id), VisitorFingerprintDetail)


class ApiKeysAPI(_Namespace):
    """An organization's API keys (``client.organizations.api_keys``)."""

    __slots__ = ()

    def create(self, organization_id: str, *, name: str, type: str | None = None,
               environment: str | None = None, allowed_origins: list[str] | None = None,
               scopes: list[str] | None = None) -> IssuedApiKey:
        """A new key; ``revealed_key`` is shown only in this result."""
        body = _body({"name": name, "type": type, "environment": environment,
                      "allowed_origins": allowed_origins, "scopes": scopes})
        return _one(_native.api_keys_create(self._client._handle(), organization_id, body), IssuedApiKey)

    def list(self, organization_id: str, *, limit: int | None = None,
             cursor: str | None = None) -> ListResult[ApiKey]:
        """One page of the organization's keys."""
        return _page(_native.api_keys_list(self._client._handle(), organization_id, _limit(limit), cursor),
                     ApiKey)

    def iter(self, organization_id: str, *, limit: int | None = None) -> Iterator[ApiKey]:
        """Every key of the organization, fetching pages as needed."""
        n = _limit(limit)
        return _walk(self._client, lambda h: _native.api_keys_iter(h, organization_id, n), ApiKey)

    def update(self, organization_id: str, key_id: str, *, name: str | None = None,
               allowed_origins: List[str] | None = None, scopes: List[str] | None = None) -> ApiKey:
        """Rename a key or change its origins or scopes."""
        body = _body({"name": name, "allowed_origins": allowed_origins, "scopes": scopes})
        return _one(_native.api_keys_update(self._client._handle(), organization_id, key_id, body), ApiKey)

    def revoke(self, organization_id: str, key_id: str) -> ApiKey:
        """Revoke a key."""
        return _one(_native.api_keys_revoke(self._client._handle(), organization_id, key_id), ApiKey)

    def rotate(self, organization_id: str, key_id: str) -> IssuedApiKey:
        """Rotate a key; the new ``revealed_key`` is shown only in this result."""
        return _one(_native.api_keys_rotate(self._client._handle(), organization_id, key_id), IssuedApiKey)


class OrganizationsAPI(_Namespace):
    """Organizations (``client.organizations``) and their ``api_keys``."""

    __slots__ = ("api_keys",)

    def __init__(self, client: Foil) -> None:
        super().__init__(client)
        self.api_keys = ApiKeysAPI(client)

    def create(self, *, name: str, slug: str) -> Organization:
        """A new organization; a taken slug is a :class:`FoilConflictError`."""
        return _one(_native.organizations_create(self._client._handle(), name, slug), Organization)

    def get(self, organization_id: str) -> Organization:
        """One organization."""
        return _one(_native.organizations_get(self._client._handle(), organization_id), Organization)

    def update(self, organization_id: str, *, name: str | None = None, status: str | None = None) -> Organization:
        """Rename an organization or change its status."""
        body = _body({"name": name, "status": status})
        return _one(_native.organizations_update(self._client._handle(), organization_id, body), Organization)


class WebhooksAPI(_Namespace):
    """Webhook endpoints and events (``client.webhooks``)."""

    __slots__ = ()

    def list_endpoints(self, organization_id: str, *, limit: int | None = None,
                       cursor: str | None = None) -> ListResult[WebhookEndpoint]:
        """One page of the organization's endpoints."""
        return _page(_native.webhooks_list_endpoints(self._client._handle(), organization_id, _limit(limit),
                                                     cursor), WebhookEndpoint)

    def iter_endpoints(self, organization_id: str, *, limit: int | None = None) -> Iterator[WebhookEndpoint]:
        """Every endpoint of the organization."""
        n = _limit(limit)
        return _walk(self._client, lambda h: _native.webhooks_iter_endpoints(h, organization_id, n),
                     WebhookEndpoint)

    def create_endpoint(self, organization_id: str, *, name: str, url: str,
                        event_types: list[str]) -> WebhookEndpoint:
        """A new endpoint; ``signing_secret`` is shown only in this result."""
        body = _body({"name": name, "url": url, "event_types": event_types})
        return _one(_native.webhooks_create_endpoint(self._client._handle(), organization_id, body),
                    WebhookEndpoint)

    def update_endpoint(self, organization_id: str, endpoint_id: str, **body: Any) -> WebhookEndpoint:
        """Change ``name``, ``url``, ``status`` or ``event_types`` of an endpoint."""
        return _one(_native.webhooks_update_endpoint(self._client._handle(), organization_id, endpoint_id,
                                                     json_text(body)), WebhookEndpoint)

    def disable_endpoint(self, organization_id: str, endpoint_id: str) -> WebhookEndpoint:
        """Disable an endpoint."""
        return _one(_native.webhooks_disable_endpoint(self._client._handle(), organization_id, endpoint_id),
                    WebhookEndpoint)

    def rotate_secret(self, organization_id: str, endpoint_id: str) -> WebhookEndpoint:
        """A new signing secret, shown only in this result."""
        return _one(_native.webhooks_rotate_secret(self._client._handle(), organization_id, endpoint_id),
                    WebhookEndpoint)

    def send_test(self, organization_id: str, endpoint_id: str) -> WebhookTest:
        """Enqueue a ``webhook.test`` event to the endpoint."""
        return _one(_native.webhooks_send_test(self._client._handle(), organization_id, endpoint_id),
                    WebhookTest)

    def list_events(self, organization_id: str, *, endpoint_id: str | None = None, type: str | None = None,
                    limit: int | None = None, cursor: str | None = None) -> ListResult[Event]:
        """One page of events, filtered by endpoint and type."""
        return _page(_native.webhooks_list_events(self._client._handle(), organization_id, _limit(limit), cursor,
                                                  endpoint_id, type), Event)

    def iter_events(self, organization_id: str, *, endpoint_id: str | None = None, type: str | None = None,
                    limit: int | None = None) -> Iterator[Event]:
        """Every matching event."""
        n = _limit(limit)
        return _walk(self._client, lambda h: _native.webhooks_iter_events(h, organization_id, n, endpoint_id, type),
                     Event)

    def retrieve_event(self, organization_id: str, event_id: str) -> Event:
        """One event with its webhook deliveries."""
        return _one(_native.webhooks_retrieve_event(self._client._handle(), organization_id, event_id), Event)


class GateRegistryAPI(_Namespace):
    """The public Gate registry (``client.gate.registry``); no secret key needed."""

    __slots__ = ()

    def list(self) -> list[GateRegistryEntry]:
        """Every discoverable service."""
        return _many(_native.gate_registry_list(self._client._handle()), GateRegistryEntry)

    def get(self, service_id: str) -> GateRegistryEntry:
        """One service."""
        return _one(_native.gate_registry_get(self._client._handle(), service_id), GateRegistryEntry)


class GateServicesAPI(_Namespace):
    """Gate services your organization owns (``client.gate.services``)."""

    __slots__ = ()

    def list(self) -> list[GateManagedService]:
        """Every service of the organization."""
        return _many(_native.gate_services_list(self._client._handle()), GateManagedService)

    def get(self, service_id: str) -> GateManagedService:
        """One service."""
        return _one(_native.gate_services_get(self._client._handle(), service_id), GateManagedService)

    def create(self, **body: Any) -> GateManagedService:
        """A new service (``id``, ``name``, ``description``, ``website``, ``webhook_endpoint_id``, ...)."""
        return _one(_native.gate_services_create(self._client._handle(), json_text(body)),
                    GateManagedService)

    def update(self, service_id: str, **body: Any) -> GateManagedService:
        """Change a service; nested objects and arrays are replaced whole."""
        return _one(_native.gate_services_update(self._client._handle(), service_id,
                                                 json_text(body)), GateManagedService)

    def disable(self, service_id: str) -> GateManagedService:
        """Disable a service."""
        return _one(_native.gate_services_disable(self._client._handle(), service_id), GateManagedService)


class GateSessionsAPI(_Namespace):
    """The raw Gate signup-session calls (``client.gate.sessions``); see
    :meth:`GateAPI.signup` for the whole flow."""

    __slots__ = ()

    def create(self, *, service_id: str, account_name: str, delivery: GateDeliveryRequest | Mapping[str, Any],
               metadata: Mapping[str, Any] | None = None) -> GateSessionCreate:
        """Start a signup session (no secret key needed)."""
        delivery_obj = delivery.to_dict() if isinstance(delivery, GateDeliveryRequest) else delivery
        if not isinstance(delivery_obj, Mapping):
            raise TypeError(f"delivery must be a dict, not {type(delivery).__name__}")
        if metadata is not None and not isinstance(metadata, Mapping):
            raise TypeError(f"metadata must be a dict or None, not {type(metadata).__name__}")
        return _one(_native.gate_sessions_create(
            self._client._handle(), service_id, account_name,
            None if metadata is None else json_text(dict(metadata)),
            json_text(delivery_obj if type(delivery_obj) is dict else dict(delivery_obj))), GateSessionCreate)

    def poll(self, gate_session_id: str, *, poll_token: str) -> GateSessionPollData:
        """The session's state; 410 (:class:`FoilGoneError`) once consumed or expired."""
        return _one(_native.gate_sessions_poll(self._client._handle(), gate_session_id, poll_token),
                    GateSessionPollData)

    def acknowledge(self, gate_session_id: str, *, poll_token: str,
                    ack_token: str) -> GateSessionDeliveryAcknowledgement:
        """Acknowledge the delivery: it is then gone for good."""
        return _one(_native.gate_sessions_acknowledge(self._client._handle(), gate_session_id, poll_token,
                                                      ack_token), GateSessionDeliveryAcknowledgement)


class GateLoginSessionsAPI(_Namespace):
    """Dashboard login sessions (``client.gate.login_sessions``)."""

    __slots__ = ()

    def create(self, *, service_id: str, agent_token: str) -> GateLoginSession:
        """Start a dashboard login with an agent token."""
        return _one(_native.gate_login_sessions_create(self._client._handle(), agent_token, service_id),
                    GateLoginSession)

    def consume(self, *, code: str) -> GateDashboardLogin:
        """Exchange a one-time login code (secret key needed)."""
        return _one(_native.gate_login_sessions_consume(self._client._handle(), code), GateDashboardLogin)


class GateAgentTokensAPI(_Namespace):
    """Gate agent tokens (``client.gate.agent_tokens``)."""

    __slots__ = ()

    def verify(self, *, agent_token: str) -> AgentTokenVerification:
        """Check an agent token; an invalid one gives ``valid=False``."""
        return _one(_native.gate_agent_tokens_verify(self._client._handle(), agent_token), AgentTokenVerification)

    def revoke(self, *, agent_token: str) -> None:
        """Revoke an agent token."""
        _native.gate_agent_tokens_revoke(self._client._handle(), agent_token)


class GateAPI(_Namespace):
    """Foil Gate (``client.gate``): registry, services, sessions, login sessions, agent
    tokens, and :meth:`signup` for a whole signup."""

    __slots__ = ("registry", "services", "sessions", "login_sessions", "agent_tokens")

    def __init__(self, client: Foil) -> None:
        super().__init__(client)
        self.registry = GateRegistryAPI(client)
        self.services = GateServicesAPI(client)
        self.sessions = GateSessionsAPI(client)
        self.login_sessions = GateLoginSessionsAPI(client)
        self.agent_tokens = GateAgentTokensAPI(client)

    def signup(self, service_id: str, *, account_name: str | None = None,
               metadata: Mapping[str, Any] | None = None) -> GateSignup:
        """Start a signup: a fresh delivery key pair and a Gate session.

        Show ``signup.consent_url`` to the person, ``signup.wait()`` for the approval, store
        ``signup.outputs`` durably, then ``signup.ack()``. ``account_name`` defaults to the
        name of the current directory.
        """
        from ._signup import GateSignup

        if account_name is None:
            account_name = os.path.basename(os.getcwd()) or "project"
        if metadata is not None and not isinstance(metadata, Mapping):
            raise TypeError(f"metadata must be a dict or None, not {type(metadata).__name__}")
        meta = None if metadata is None else json_text(dict(metadata))
        handle = _native.gate_session_create(self._client._handle(), service_id, account_name, meta)
        return GateSignup._wrap(handle, self._client)


def _seconds_to_ms(value: float, name: str, *, or_none: bool = False) -> int:
    """Seconds as the core's milliseconds; the range and its error are the core's
    (foil_seconds_to_ms)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        expected = "a number of seconds or None" if or_none else "a number of seconds"
        raise TypeError(f"{name} must be {expected}, not {type(value).__name__}")
    try:
        seconds = float(value)
    except OverflowError:  # an int beyond a double: out of range either way
        seconds = math.inf if value > 0 else -math.inf
    return int(_native.seconds_to_ms(name, seconds))


class Foil:
    """A Foil API client (drop-in for foil-server's ``Foil``).

    ``secret_key`` defaults to ``FOIL_SECRET_KEY``. Extras: ``max_retries`` (opt-in retries
    of idempotent requests, honouring ``Retry-After``), ``ca_bundle`` (PEM file),
    ``proxy`` (URL), ``connect_timeout`` (seconds) and ``prefetch`` (``iter()`` requests the
    next page while the current one is read; default on). One client may be shared by any
    number of threads; use it as a context manager or call :meth:`close`.
    """

    def __init__(
        self,
        *,
        secret_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        user_agent: str | None = None,
        max_retries: int = 0,
        ca_bundle: str | None = None,
        proxy: str | None = None,
        connect_timeout: float | None = None,
        prefetch: bool = True,
    ) -> None:
        handle = _native.client_new()
        if secret_key is not None and not isinstance(secret_key, str):
            raise TypeError(f"secret_key must be str or None, not {type(secret_key).__name__}")
        if secret_key:
            _native.client_set_secret_key(handle, secret_key)
        _native.client_set_base_url(handle, base_url or DEFAULT_BASE_URL)
        _native.client_set_timeout_ms(handle, _seconds_to_ms(timeout, "timeout"))
        if connect_timeout is not None:
            _native.client_set_connect_timeout_ms(handle, _seconds_to_ms(connect_timeout, "connect_timeout"))
        if user_agent:
            _native.client_set_user_agent(handle, user_agent)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int):
            raise TypeError(f"max_retries must be int, not {type(max_retries).__name__}")
        if not 0 <= max_retries < 2**31:
            raise FoilInvalidArgumentError(0, "client.invalid_argument", "max_retries: must be >= 0",
                                           field_errors=[{"name": "max_retries", "issue": "out of range",
                                                          "received": str(max_retries)[:40]}])
        _native.client_set_max_retries(handle, max_retries)
        if not isinstance(prefetch, bool):
            raise TypeError(f"prefetch must be bool, not {type(prefetch).__name__}")
        _native.client_set_prefetch(handle, int(prefetch))
        if ca_bundle is not None:
            _native.client_set_ca_bundle(handle, os.fspath(ca_bundle))
        if proxy is not None:
            _native.client_set_proxy(handle, proxy)
        _native.client_set_client_suffix(
            handle, f"libfoil-python/{__version__} python/{sys.version_info[0]}.{sys.version_info[1]}")
        self._native_client: Any = handle
        self.sessions = SessionsAPI(self)
        self.fingerprints = FingerprintsAPI(self)
        self.organizations = OrganizationsAPI(self)
        self.webhooks = WebhooksAPI(self)
        self.gate = GateAPI(self)

    def _handle(self) -> Any:
        handle = self._native_client
        if handle is None:
            raise FoilStateError("this Foil client is closed", code="client.closed")
        return handle

    @property
    def base_url(self) -> str:
        """The API origin requests go to."""
        return str(_native.client_base_url(self._handle()))

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._native_client is None

    def cancel(self) -> None:
        """Abort every request in flight on this client (from any thread)."""
        _native.client_cancel(self._handle())

    def close(self) -> None:
        """Release the connection pool once requests in flight finish. Idempotent."""
        self._native_client = None

    def __enter__(self) -> Foil:
        return self

    def __exit__(self, *_args: object) -> None:
        self.close()

    def __repr__(self) -> str:
        # Credentials written in base_url (https://user:pw@host) show as ***@.
        state = "closed" if self.closed else _native.client_base_url_redacted(self._handle())
        return f"<foil.Foil {state}>"
