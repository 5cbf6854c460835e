"""Every namespace and method against the embedded emulator."""

from __future__ import annotations

import json
import uuid

import pytest

import foil
from foil.testing import Emulator


def test_sessions(client: foil.Foil) -> None:
    page = client.sessions.list(limit=5)
    assert isinstance(page, foil.ListResult) and len(page.items) == 5 and page.limit == 5
    assert page.has_more and page.next_cursor and page.request_id
    first = page.items[0]
    assert isinstance(first, foil.SessionSummary) and first.object == "session" and first.id.startswith("sid_")
    assert first.latest_decision.verdict in {"bot", "human", "inconclusive"}
    assert isinstance(first.latest_decision.risk_score, int)
    assert first.to_dict()["id"] == first.id and first["id"] == first.id
    nxt = client.sessions.list(limit=5, cursor=page.next_cursor)
    assert {s.id for s in nxt.items}.isdisjoint({s.id for s in page.items})
    bots = client.sessions.list(limit=20, verdict="bot")
    assert all(s.latest_decision.verdict == "bot" for s in bots.items)
    every = list(client.sessions.iter(limit=200))
    assert len(every) == 600 and len({s.id for s in every}) == 600
    detail = client.sessions.get(first.id)
    assert isinstance(detail, foil.SessionDetail) and detail.id == first.id
    assert isinstance(detail.decision, foil.SessionDecision) and detail.request.url
    attached = client.sessions.attach_client_user(first.id, "user_42")
    assert attached.client_user_id == "user_42"
    assert client.sessions.get(first.id).client_user_id == "user_42"
    cleared = client.sessions.clear_client_user(first.id)
    assert cleared.client_user_id is None


def test_fingerprints(client: foil.Foil) -> None:
    page = client.fingerprints.list(limit=10, sort="seen_count")
    assert len(page.items) == 10
    fp = page.items[0]
    assert isinstance(fp, foil.VisitorFingerprintSummary) and fp.id.startswith("vid_")
    assert isinstance(fp.lifecycle.seen_count, int) and isinstance(fp.storage.cookies, bool)
    assert len(list(client.fingerprints.iter(limit=50))) == 130
    detail = client.fingerprints.get(fp.id)
    assert isinstance(detail, foil.VisitorFingerprintDetail) and detail.id == fp.id
    # The contract types the vector as numbers: kept as sent (foil-server truncates to int).
    assert all(type(v) in (int, float) for v in detail.components.vector)
    assert detail.components.vector == detail.to_dict()["components"]["vector"]
    for s in detail.activity.sessions:
        assert s.session_id and s.decision.verdict


def test_organizations_and_api_keys(client: foil.Foil, emulator: Emulator) -> None:
    slug = "acme-" + uuid.uuid4().hex[:8]
    org = client.organizations.create(name="Acme", slug=slug)
    assert isinstance(org, foil.Organization) and org.slug == slug and org.status == "active"
    with pytest.raises(foil.FoilConflictError):
        client.organizations.create(name="Acme again", slug=slug)
    assert client.organizations.get(org.id).name == "Acme"
    assert client.organizations.update(org.id, name="Acme Inc").name == "Acme Inc"
    org_id = emulator.organization_id
    issued = client.organizations.api_keys.create(org_id, name="CI", type="secret", environment="test",
                                                  scopes=["sessions:list", "sessions:read"])
    assert isinstance(issued, foil.IssuedApiKey) and issued.revealed_key.startswith("sk_")
    assert issued.scopes == ["sessions:list", "sessions:read"]
    with foil.Foil(secret_key=issued.revealed_key, base_url=emulator.base_url) as scoped:
        assert scoped.sessions.list(limit=1).items
    listed = client.organizations.api_keys.list(org_id, limit=50)
    assert issued.id in {k.id for k in listed.items}
    assert issued.id in {k.id for k in client.organizations.api_keys.iter(org_id, limit=2)}
    updated = client.organizations.api_keys.update(org_id, issued.id, name="CI renamed")
    assert isinstance(updated, foil.ApiKey) and updated.name == "CI renamed"
    rotated = client.organizations.api_keys.rotate(org_id, issued.id)
    assert rotated.revealed_key != issued.revealed_key
    revoked = client.organizations.api_keys.revoke(org_id, issued.id)
    assert revoked.status == "revoked"


def test_webhooks(client: foil.Foil, emulator: Emulator) -> None:
    org_id = emulator.organization_id
    endpoint = client.webhooks.create_endpoint(org_id, name="Alerts", url="https://example.com/hook",
                                               event_types=["session.result.persisted"])
    assert isinstance(endpoint, foil.WebhookEndpoint) and endpoint.signing_secret
    assert endpoint.id in {e.id for e in client.webhooks.list_endpoints(org_id).items}
    assert endpoint.id in {e.id for e in client.webhooks.iter_endpoints(org_id)}
    renamed = client.webhooks.update_endpoint(org_id, endpoint.id, name="Renamed")
    assert renamed.name == "Renamed" and renamed.signing_secret is None
    rotated = client.webhooks.rotate_secret(org_id, endpoint.id)
    assert rotated.signing_secret and rotated.signing_secret != endpoint.signing_secret
    test = client.webhooks.send_test(org_id, endpoint.id)
    assert isinstance(test, foil.WebhookTest) and test.event_id
    events = client.webhooks.list_events(org_id, endpoint_id=endpoint.id, type="webhook.test", limit=10)
    assert test.event_id in {e.id for e in events.items}
    event = client.webhooks.retrieve_event(org_id, test.event_id)
    assert isinstance(event, foil.Event) and event.type == "webhook.test"
    assert all(isinstance(d, foil.WebhookDelivery) for d in event.webhook_deliveries)
    assert test.event_id in {e.id for e in client.webhooks.iter_events(org_id, type="webhook.test")}
    disabled = client.webhooks.disable_endpoint(org_id, endpoint.id)
    assert disabled.status == "disabled"


def test_gate_registry_and_services(client: foil.Foil, emulator: Emulator) -> None:
    entries = client.gate.registry.list()
    assert any(e.id == "foil" for e in entries)
    entry = client.gate.registry.get("foil")
    assert isinstance(entry, foil.GateRegistryEntry) and entry.name == "Foil"
    assert all(isinstance(v, foil.GateServiceEnvVar) for v in entry.env_vars)
    assert isinstance(entry.branding, foil.GateServiceBranding)
    with pytest.raises(foil.FoilNotFoundError):
        client.gate.registry.get("nope-nope")
    endpoint = client.webhooks.create_endpoint(emulator.organization_id, name="Gate",
                                               url="https://example.com/gate",
                                               event_types=["gate.session.approved"])
    service_id = "svc-" + uuid.uuid4().hex[:8]
    created = client.gate.services.create(id=service_id, name="Svc", description="A service",
                                          website="https://example.com", webhook_endpoint_id=endpoint.id)
    assert isinstance(created, foil.GateManagedService) and created.id == service_id
    assert created.webhook_endpoint_id == endpoint.id
    assert service_id in {s.id for s in client.gate.services.list()}
    assert client.gate.services.get(service_id).name == "Svc"
    assert client.gate.services.update(service_id, name="Svc 2").name == "Svc 2"
    assert client.gate.services.disable(service_id).status == "disabled"


def test_gate_sessions_login_and_agent_tokens(client: foil.Foil, emulator: Emulator) -> None:
    pair = foil.create_delivery_key_pair()
    created = client.gate.sessions.create(service_id="foil", account_name="demo", delivery=pair.delivery,
                                          metadata={"plan": "pro"})
    assert isinstance(created, foil.GateSessionCreate) and created.poll_token.startswith("gtpoll_")
    polled = client.gate.sessions.poll(created.id, poll_token=created.poll_token)
    assert polled.status == "pending" and polled.delivery_bundle is None
    emulator.approve(created.id)
    polled = client.gate.sessions.poll(created.id, poll_token=created.poll_token)
    assert polled.status == "approved" and polled.delivery_bundle is not None
    integrator = foil.decrypt_gate_delivery_envelope(pair.private_key, polled.delivery_bundle.integrator)
    gate = foil.decrypt_gate_delivery_envelope(pair.private_key, polled.delivery_bundle.gate)
    assert "FOIL_SECRET_KEY" in integrator.outputs and gate.ack_token
    agent_token = gate.outputs[foil.derive_gate_agent_token_env_key("foil")]
    ack = client.gate.sessions.acknowledge(created.id, poll_token=created.poll_token, ack_token=gate.ack_token)
    assert isinstance(ack, foil.GateSessionDeliveryAcknowledgement) and ack.status == "acknowledged"
    with pytest.raises(foil.FoilGoneError):
        client.gate.sessions.poll(created.id, poll_token=created.poll_token)

    verified = client.gate.agent_tokens.verify(agent_token=agent_token)
    assert verified.valid and verified.gate_account_id
    login = client.gate.login_sessions.create(service_id="foil", agent_token=agent_token)
    assert isinstance(login, foil.GateLoginSession) and login.consent_url
    code = emulator.approve_login(login.id)
    dashboard = client.gate.login_sessions.consume(code=code)
    assert isinstance(dashboard, foil.GateDashboardLogin) and dashboard.gate_account_id == verified.gate_account_id
    with pytest.raises(foil.FoilGoneError):
        client.gate.login_sessions.consume(code=code)
    assert client.gate.agent_tokens.revoke(agent_token=agent_token) is None
    assert client.gate.agent_tokens.verify(agent_token=agent_token).valid is False


def test_client_options_and_close(emulator: Emulator) -> None:
    c = foil.Foil(secret_key=emulator.secret_key, base_url=emulator.base_url, timeout=5, user_agent="tests/1",
                  max_retries=1, connect_timeout=2)
    assert c.base_url == emulator.base_url and not c.closed
    with c:
        assert c.sessions.list(limit=1).items
    assert c.closed
    c.close()
    with pytest.raises(foil.FoilStateError):
        c.sessions.list()
    with pytest.raises(foil.FoilConfigurationError):
        foil.Foil(base_url="http://example.com")


def test_every_operation_of_the_table_is_a_method(client: foil.Foil) -> None:
    """The namespaces come from the core's operation table: each SDK name is a method
    (a paginated list also has its walk), with the table's parameters as its arguments."""
    import inspect

    from foil import native

    spelled_by_hand = {"sessions.update": ("attach_client_user", "clear_client_user")}
    for i in range(native.operation_count()):
        sdk_name = native.operation_sdk_name(i)
        *path, method = sdk_name.split(".")
        ns: object = client
        for part in path:
            ns = getattr(ns, part)
        names = spelled_by_hand.get(sdk_name, (method,))
        if native.operation_paginated(i):
            names += (method.replace("list", "iter", 1),)
        for name in names:
            assert callable(getattr(ns, name)), f"{sdk_name}: no {'.'.join(path)}.{name}"
        if sdk_name not in spelled_by_hand:
            table = [p["name"] for p in json.loads(native.operation_params(i))]
            assert list(inspect.signature(getattr(ns, method)).parameters) == table, sdk_name


def test_unknown_keywords_and_nullable_parameters(client: foil.Foil, emulator: Emulator) -> None:
    org = emulator.organization_id
    endpoint = client.webhooks.create_endpoint(org, name="E", url="https://example.com/e",
                                               event_types=["gate.session.approved"])
    with pytest.raises(TypeError):
        client.webhooks.update_endpoint(org, endpoint.id, colour="red")  # type: ignore[call-arg]
    service_id = "svc-" + uuid.uuid4().hex[:8]
    client.gate.services.create(id=service_id, name="Svc", description="A service", website="https://example.com",
                                webhook_endpoint_id=endpoint.id, dashboard_login_url="https://example.com/login")
    # Left out: unchanged; None: sent as null, which clears it.
    assert client.gate.services.update(service_id, name="Svc 2").dashboard_login_url == "https://example.com/login"
    assert client.gate.services.update(service_id, dashboard_login_url=None).dashboard_login_url is None
