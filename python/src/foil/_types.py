"""Result classes with foil-server's names and attributes.

API results are :class:`~foil._model.Model` wrappers: each attribute is read from the
response JSON on access; ``to_dict()`` gives the complete object; ``repr()`` hides secrets
(revealed keys, signing secrets, poll tokens). Values you build yourself (the
Gate delivery request, envelope and payload, webhook replies) are frozen dataclasses, as in
foil-server.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

from ._model import (
    Field,
    Model,
    as_bool,
    as_dict,
    as_int,
    as_str,
    dict_list,
    int_list,
    model,
    model_list,
    opt_bool,
    opt_dict,
    opt_int,
    opt_model,
    opt_str,
    opt_str_list,
    str_list,
)


# ---- Sessions

class DecisionManipulation(Model):
    """Manipulation assessment of a decision."""
    __slots__ = ()
    score = Field("score", opt_int)
    verdict = Field("verdict", opt_str)


class Decision(Model):
    """The latest bot-detection decision of a session."""
    __slots__ = ()
    event_id = Field("event_id", as_str)
    verdict = Field("verdict", as_str)
    risk_score = Field("risk_score", as_int)
    phase = Field("phase", opt_str)
    is_provisional = Field("is_provisional", opt_bool)
    manipulation = Field("manipulation", opt_model(DecisionManipulation))
    evaluation_duration_ms = Field("evaluation_duration_ms", opt_int)
    evaluated_at = Field("evaluated_at", as_str)


class VisitorFingerprintLink(Model):
    """The visitor fingerprint a session is linked to."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    confidence = Field("confidence", opt_int)
    identified_at = Field("identified_at", opt_str)


class RequestContext(Model):
    """Request facts of a scored session."""
    __slots__ = ()
    user_agent = Field("user_agent", as_str)
    url = Field("url", as_str)
    screen_size = Field("screen_size", opt_str)
    is_touch_capable = Field("is_touch_capable", opt_bool)
    ip_address = Field("ip_address", as_str)


class SessionDetailRequest(Model):
    """The request block of a session detail."""
    __slots__ = ()
    url = Field("url", as_str)
    referrer = Field("referrer", opt_str)
    user_agent = Field("user_agent", as_str)


class SessionDecision(Model):
    """A decision of a session detail."""
    __slots__ = ()
    event_id = Field("event_id", as_str)
    automation_status = Field("automation_status", as_str)
    risk_score = Field("risk_score", as_int)
    evaluation_phase = Field("evaluation_phase", opt_str)
    decision_status = Field("decision_status", as_str)
    evaluated_at = Field("evaluated_at", as_str)


class SessionSummary(Model):
    """A session as listed by ``sessions.list`` / ``sessions.iter``."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    created_at = Field("created_at", opt_str)
    client_user_id = Field("client_user_id", opt_str)
    latest_decision = Field("latest_decision", model(Decision))
    visitor_fingerprint = Field("visitor_fingerprint", opt_model(VisitorFingerprintLink))


class SessionDetail(Model):
    """A session with every analysis block (``sessions.get``)."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    created_at = Field("created_at", opt_str)
    client_user_id = Field("client_user_id", opt_str)
    decision = Field("decision", model(SessionDecision))
    highlights = Field("highlights", dict_list)
    attribution = Field("attribution", opt_dict)
    web_bot_auth = Field("web_bot_auth", opt_dict)
    network = Field("network", as_dict)
    runtime_integrity = Field("runtime_integrity", as_dict)
    native_runtime_integrity = Field("native_runtime_integrity", opt_dict)
    native_app = Field("native_app", opt_dict)
    native_carrier = Field("native_carrier", opt_dict)
    native_motion_print = Field("native_motion_print", opt_dict)
    device_identity = Field("device_identity", opt_dict)
    install_id = Field("install_id", opt_str)
    visitor_fingerprint = Field("visitor_fingerprint", opt_dict)
    connection_fingerprint = Field("connection_fingerprint", as_dict)
    previous_decisions = Field("previous_decisions", model_list(SessionDecision))
    request = Field("request", model(SessionDetailRequest))
    browser = Field("browser", as_dict)
    device = Field("device", as_dict)
    analysis_coverage = Field(
        "analysis_coverage",
        lambda v: {str(k): bool(x) for k, x in v.items()} if isinstance(v, dict) else {},
    )
    signals_fired = Field("signals_fired", dict_list)
    client_telemetry = Field("client_telemetry", as_dict)


# ---- Visitor fingerprints

class VisitorFingerprintLifecycle(Model):
    """First and last sighting of a visitor fingerprint."""
    __slots__ = ()
    first_seen_at = Field("first_seen_at", as_str)
    last_seen_at = Field("last_seen_at", as_str)
    seen_count = Field("seen_count", as_int)
    expires_at = Field("expires_at", as_str)


class VisitorFingerprintLatestRequest(Model):
    """The latest request seen for a fingerprint."""
    __slots__ = ()
    user_agent = Field("user_agent", as_str)
    ip_address = Field("ip_address", as_str)


class VisitorFingerprintStorage(Model):
    """Browser storage mechanisms available to the fingerprint."""
    __slots__ = ()
    cookies = Field("cookies", as_bool)
    local_storage = Field("local_storage", as_bool)
    indexed_db = Field("indexed_db", as_bool)
    service_worker = Field("service_worker", as_bool)
    window_name = Field("window_name", as_bool)


class VisitorFingerprintAnchors(Model):
    """Stable hashes that anchor a fingerprint."""
    __slots__ = ()
    webgl_hash = Field("webgl_hash", opt_str)
    parameters_hash = Field("parameters_hash", opt_str)
    audio_hash = Field("audio_hash", opt_str)


class VisitorFingerprintSummary(Model):
    """A visitor fingerprint as listed by ``fingerprints.list``."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    lifecycle = Field("lifecycle", model(VisitorFingerprintLifecycle))
    latest_request = Field("latest_request", model(VisitorFingerprintLatestRequest))
    storage = Field("storage", model(VisitorFingerprintStorage))
    anchors = Field("anchors", model(VisitorFingerprintAnchors))


class ScoreBreakdown(Model):
    """Risk score by category."""
    __slots__ = ()
    categories = Field(
        "categories",
        lambda v: {str(k): int(x) for k, x in v.items()} if isinstance(v, dict) else {},
    )


class VisitorFingerprintSessionSummary(Model):
    """A session in a fingerprint's activity."""
    __slots__ = ()
    session_id = Field("session_id", as_str)
    decision = Field("decision", model(Decision))
    request = Field("request", model(RequestContext))
    score_breakdown = Field("score_breakdown", model(ScoreBreakdown))


class VisitorFingerprintComponents(Model):
    """The fingerprint's component vector."""
    __slots__ = ()
    vector = Field("vector", int_list)


class VisitorFingerprintActivity(Model):
    """Recent sessions of a fingerprint."""
    __slots__ = ()
    sessions = Field("sessions", model_list(VisitorFingerprintSessionSummary))


class VisitorFingerprintDetail(VisitorFingerprintSummary):
    """A visitor fingerprint with components and activity (``fingerprints.get``)."""
    __slots__ = ()
    components = Field("components", model(VisitorFingerprintComponents))
    activity = Field("activity", model(VisitorFingerprintActivity))


# ---- Organizations and API keys

class Organization(Model):
    """An organization."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    name = Field("name", as_str)
    slug = Field("slug", as_str)
    status = Field("status", as_str)
    created_at = Field("created_at", as_str)
    updated_at = Field("updated_at", opt_str)


class ApiKey(Model):
    """An organization API key (the secret itself is never shown again)."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    type = Field("type", as_str)
    name = Field("name", as_str)
    environment = Field("environment", as_str)
    allowed_origins = Field("allowed_origins", opt_str_list)
    scopes = Field("scopes", opt_str_list)
    rate_limit = Field("rate_limit", opt_int)
    status = Field("status", as_str)
    key_preview = Field("key_preview", as_str)
    display_key = Field("display_key", opt_str)
    last_used_at = Field("last_used_at", opt_str)
    created_at = Field("created_at", as_str)
    rotated_at = Field("rotated_at", opt_str)
    revoked_at = Field("revoked_at", opt_str)
    grace_expires_at = Field("grace_expires_at", opt_str)


class IssuedApiKey(ApiKey):
    """A newly created or rotated key: ``revealed_key`` is shown only this once."""
    __slots__ = ()
    revealed_key = Field("revealed_key", as_str, secret=True)


# ---- Webhooks

class WebhookEndpoint(Model):
    """A webhook endpoint; ``signing_secret`` only on create and rotate."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    name = Field("name", as_str)
    url = Field("url", as_str)
    status = Field("status", as_str)
    event_types = Field("event_types", str_list)
    created_at = Field("created_at", as_str)
    updated_at = Field("updated_at", as_str)
    signing_secret = Field("signing_secret", opt_str, secret=True)


class WebhookDelivery(Model):
    """One delivery attempt record of an event to an endpoint."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    event_id = Field("event_id", as_str)
    endpoint_id = Field("endpoint_id", as_str)
    event_type = Field("event_type", as_str)
    status = Field("status", as_str)
    attempts = Field("attempts", as_int)
    response_status = Field("response_status", opt_int)
    response_body = Field("response_body", opt_str)
    error = Field("error", opt_str)
    created_at = Field("created_at", as_str)
    updated_at = Field("updated_at", as_str)


class EventSubject(Model):
    """What an event is about."""
    __slots__ = ()
    type = Field("type", as_str)
    id = Field("id", as_str)


class Event(Model):
    """An event and its webhook deliveries."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    type = Field("type", as_str)
    subject = Field("subject", model(EventSubject))
    data = Field("data", as_dict)
    webhook_deliveries = Field("webhook_deliveries", model_list(WebhookDelivery))
    created_at = Field("created_at", as_str)


class WebhookTest(Model):
    """The result of ``webhooks.send_test``."""
    __slots__ = ()
    object = Field("object", as_str)
    event_id = Field("event_id", as_str)
    delivery_ids = Field("delivery_ids", str_list)
    latest_delivery = Field("latest_delivery", opt_model(WebhookDelivery))


# ---- Sealed tokens

class VerifiedFoilSignal(Model):
    """A signal in a verified token."""
    __slots__ = ()
    id = Field("id", lambda v: "" if v is None else str(v))
    category = Field("category", lambda v: "" if v is None else str(v))
    confidence = Field("confidence", lambda v: "" if v is None else str(v))
    score = Field("score", lambda v: 0 if v is None else int(v))

    @property
    def raw(self) -> dict[str, Any]:
        """The signal object as sealed."""
        return self.to_dict()


class Attribution(Model):
    """Bot attribution of a verified token."""
    __slots__ = ()
    bot = Field("bot", opt_dict)

    @property
    def raw(self) -> dict[str, Any]:
        """The attribution object as sealed."""
        return self.to_dict()


class VerifiedFoilToken(Model):
    """The verified payload of a sealed token."""
    __slots__ = ()
    object = Field("object", lambda v: "" if v is None else str(v))
    session_id = Field("session_id", lambda v: "" if v is None else str(v))
    decision = Field("decision", model(Decision))
    request = Field("request", model(RequestContext))
    visitor_fingerprint = Field("visitor_fingerprint", opt_model(VisitorFingerprintLink))
    signals = Field("signals", model_list(VerifiedFoilSignal))
    score_breakdown = Field("score_breakdown", model(ScoreBreakdown))
    attribution = Field("attribution", model(Attribution))
    embed = Field("embed", opt_dict)

    @property
    def raw(self) -> dict[str, Any]:
        """The whole decrypted payload."""
        return self.to_dict()


@dataclass(frozen=True)
class VerificationResult:
    """Result of :func:`safe_verify_foil_token`: ``ok`` with ``data``, or ``error``."""
    ok: bool
    data: VerifiedFoilToken | None = None
    error: Exception | None = None


# ---- Gate registry and services

class GateServiceEnvVar(Model):
    """An env var a Gate service delivers."""
    __slots__ = ()
    name = Field("name", as_str)
    key = Field("key", as_str)
    secret = Field("secret", as_bool)


class GateServiceSdkInstall(Model):
    """An SDK install hint of a Gate service."""
    __slots__ = ()
    label = Field("label", as_str)
    install = Field("install", as_str)
    url = Field("url", as_str)


class GateServiceBranding(Model):
    """Branding of a Gate service."""
    __slots__ = ()
    verified = Field("verified", as_bool)
    logo_url = Field("logo_url", opt_str)
    primary_color = Field("primary_color", opt_str)
    secondary_color = Field("secondary_color", opt_str)
    ascii_art = Field("ascii_art", opt_str)


class GateServiceConsent(Model):
    """Consent links of a Gate service."""
    __slots__ = ()
    terms_url = Field("terms_url", opt_str)
    privacy_url = Field("privacy_url", opt_str)


class GateRegistryEntry(Model):
    """A public Gate registry entry."""
    __slots__ = ()
    id = Field("id", as_str)
    status = Field("status", as_str)
    discoverable = Field("discoverable", as_bool)
    name = Field("name", as_str)
    description = Field("description", as_str)
    website = Field("website", as_str)
    env_vars = Field("env_vars", model_list(GateServiceEnvVar))
    docs_url = Field("docs_url", as_str)
    sdks = Field("sdks", model_list(GateServiceSdkInstall))
    branding = Field("branding", model(GateServiceBranding))
    consent = Field("consent", model(GateServiceConsent))
    dashboard_login_url = Field("dashboard_login_url", opt_str)


class GateManagedService(GateRegistryEntry):
    """A Gate service owned by your organization."""
    __slots__ = ()
    object = Field("object", as_str)
    webhook_endpoint_id = Field("webhook_endpoint_id", opt_str)
    created_at = Field("created_at", as_str)
    updated_at = Field("updated_at", as_str)


# ---- Gate delivery (values you build or receive; frozen dataclasses as in foil-server)

class _ToDict:
    _names: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        """This value as the JSON object the API uses."""
        names = type(self)._names or _field_names(type(self))
        out = {}
        for name in names:
            value = getattr(self, name)
            if value is not None:  # fields hold JSON data: copy containers, as asdict did
                out[name] = dict(value) if type(value) is dict else list(value) if type(value) is list else value
        return out


def _field_names(cls: type[_ToDict]) -> tuple[str, ...]:
    cls._names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    return cls._names


@dataclass(frozen=True)
class GateDeliveryRequest(_ToDict):
    """The ``delivery`` object of a Gate session: where to encrypt the outputs."""
    version: int
    algorithm: str
    key_id: str
    public_key: str


@dataclass(frozen=True)
class GateDeliveryEnvelope(_ToDict):
    """An encrypted delivery (x25519-hkdf-sha256/aes-256-gcm)."""
    version: int
    algorithm: str
    key_id: str
    ephemeral_public_key: str
    salt: str
    iv: str
    ciphertext: str
    tag: str


@dataclass(frozen=True)
class GateDeliveryBundle:
    """The two envelopes of an approved Gate session."""
    integrator: GateDeliveryEnvelope
    gate: GateDeliveryEnvelope


@dataclass(frozen=True)
class GateDeliveryPayload(_ToDict):
    """A decrypted delivery: ``outputs`` (env var -> value) and the optional ``ack_token``."""
    version: int
    outputs: dict[str, str]
    ack_token: str | None = None


@dataclass(frozen=True)
class GeneratedDeliveryKeyPair:
    """A fresh delivery key pair: the ``delivery`` request and its ``private_key``."""
    delivery: GateDeliveryRequest
    private_key: Any


@dataclass(frozen=True)
class GateEncryptedDeliveryResponse:
    """The integrator's reply to a ``gate.session.approved`` webhook."""
    encrypted_delivery: GateDeliveryEnvelope

    def to_dict(self) -> dict[str, Any]:
        """``{"encrypted_delivery": {...}}``, ready to send as JSON."""
        return {"encrypted_delivery": self.encrypted_delivery.to_dict()}


@dataclass(frozen=True)
class GateApprovedWebhookFoil:
    """Foil's verdict on the person who approved the signup."""
    verdict: str
    score: float | None


@dataclass(frozen=True)
class GateApprovedWebhookPayload:
    """The ``data`` of a ``gate.session.approved`` webhook event."""
    service_id: str
    gate_session_id: str
    gate_account_id: str
    account_name: str
    metadata: dict[str, Any] | None
    foil: GateApprovedWebhookFoil
    delivery: GateDeliveryRequest


def envelope_from_dict(data: Any) -> GateDeliveryEnvelope:
    d = data if isinstance(data, dict) else {}
    return GateDeliveryEnvelope(
        version=int(d.get("version", 0) or 0),
        algorithm=str(d.get("algorithm", "")),
        key_id=str(d.get("key_id", "")),
        ephemeral_public_key=str(d.get("ephemeral_public_key", "")),
        salt=str(d.get("salt", "")),
        iv=str(d.get("iv", "")),
        ciphertext=str(d.get("ciphertext", "")),
        tag=str(d.get("tag", "")),
    )


def _bundle(v: Any) -> GateDeliveryBundle | None:
    if not isinstance(v, dict):
        return None
    return GateDeliveryBundle(integrator=envelope_from_dict(v.get("integrator")),
                              gate=envelope_from_dict(v.get("gate")))


# ---- Gate sessions, login sessions and agent tokens

class GateSessionCreate(Model):
    """A created Gate signup session (``gate.sessions.create``)."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    status = Field("status", as_str)
    poll_token = Field("poll_token", as_str, secret=True)
    consent_url = Field("consent_url", as_str)
    expires_at = Field("expires_at", as_str)


class GateSessionPollData(Model):
    """A Gate session's state (``gate.sessions.poll``)."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    status = Field("status", as_str)
    expires_at = Field("expires_at", opt_str)
    gate_account_id = Field("gate_account_id", opt_str)
    account_name = Field("account_name", opt_str)
    delivery_bundle = Field("delivery_bundle", _bundle)
    docs_url = Field("docs_url", opt_str)


class GateSessionDeliveryAcknowledgement(Model):
    """The acknowledgement of a Gate delivery."""
    __slots__ = ()
    object = Field("object", as_str)
    gate_session_id = Field("gate_session_id", as_str)
    status = Field("status", as_str)


class GateLoginSession(Model):
    """A dashboard login session (``gate.login_sessions.create``)."""
    __slots__ = ()
    object = Field("object", as_str)
    id = Field("id", as_str)
    status = Field("status", as_str)
    consent_url = Field("consent_url", as_str)
    expires_at = Field("expires_at", as_str)


class GateDashboardLogin(Model):
    """A consumed login code (``gate.login_sessions.consume``)."""
    __slots__ = ()
    object = Field("object", as_str)
    gate_account_id = Field("gate_account_id", as_str)
    account_name = Field("account_name", as_str)


class AgentTokenVerification(Model):
    """The result of ``gate.agent_tokens.verify``."""
    __slots__ = ()
    valid = Field("valid", as_bool)
    gate_account_id = Field("gate_account_id", opt_str)
    status = Field("status", opt_str)
    created_at = Field("created_at", opt_str)
    expires_at = Field("expires_at", opt_str)


# ---- Webhook events

class WebhookEventEnvelope(Model):
    """A parsed webhook event; for ``gate.session.approved`` ``data`` is a
    :class:`GateApprovedWebhookPayload`, otherwise the raw dict."""
    __slots__ = ()
    id = Field("id", as_str)
    object = Field("object", as_str)
    type = Field("type", as_str)
    created = Field("created", as_str)

    @property
    def data(self) -> dict[str, Any] | GateApprovedWebhookPayload:
        """The event's payload."""
        value = self._d.get("data")
        if self._d.get("type") == "gate.session.approved" and isinstance(value, dict):
            from ._delivery import approved_payload_from_dict

            return approved_payload_from_dict(value)
        return value if isinstance(value, dict) else {}


__all__ = [name for name in dir() if name[:1].isupper() and name not in {"Any", "Field", "Model"}]
