"""The official Python SDK (PyPI foil-server) pointed at the emulator."""

import json
import os
import pathlib
import subprocess
import sys

import httpx
import pytest

HERE = pathlib.Path(__file__).resolve().parent


def test_gate_signup_with_official_sdk_helpers(emulator):
    # foil-server 0.3.x has no Gate API; 0.2.5 (its last release with Gate) is installed
    # separately (pip install --target) and given by FOIL_SERVER_GATE_SDK.
    sdk = os.environ.get("FOIL_SERVER_GATE_SDK", "/work/venv-emulator/foil-server-0.2.5")
    if not (pathlib.Path(sdk) / "foil_server" / "gate_delivery.py").exists():
        pytest.skip(f"foil-server 0.2.x with Gate helpers not found at {sdk} "
                    "(pip install --target DIR 'foil-server==0.2.5'; set FOIL_SERVER_GATE_SDK)")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([sdk, str(HERE)]))
    out = subprocess.run([sys.executable, str(HERE / "gate_sdk_flow.py"), emulator.base_url],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["keys"] == ["FOIL_GATE_AGENT_TOKEN", "FOIL_PUBLISHABLE_KEY", "FOIL_SECRET_KEY"]
    assert result["secret_key_prefix"] == "sk_test_" and result["agent_token_prefix"] == "agt_"
    assert [g[0] for g in result["gone"]] == [410, 410] and all(g[2] for g in result["gone"])


@pytest.fixture(scope="module")
def foil(emulator):
    from foil_server import Foil

    with Foil(secret_key=emulator.secret_key, base_url=emulator.base_url) as client:
        yield client


def test_sessions_and_fingerprints(foil):
    page = foil.sessions.list(limit=25)
    assert len(page.items) == 25 and page.has_more and page.next_cursor
    second = foil.sessions.list(limit=25, cursor=page.next_cursor)
    assert not {s.id for s in page.items} & {s.id for s in second.items}
    every = list(foil.sessions.iter(limit=100))
    assert len(every) == 300 and len({s.id for s in every}) == 300
    bots = foil.sessions.list(verdict="bot", limit=50)
    assert bots.items and {s.latest_decision.verdict for s in bots.items} == {"bot"}
    detail = foil.sessions.get(page.items[0].id)
    assert detail.id == page.items[0].id
    assert foil.sessions.attach_client_user(detail.id, "user_sdk").client_user_id == "user_sdk"
    assert foil.sessions.clear_client_user(detail.id).client_user_id is None
    fps = foil.fingerprints.list(limit=10, sort="seen_count")
    assert len(fps.items) == 10
    assert foil.fingerprints.get(fps.items[0].id).id == fps.items[0].id


def test_errors_through_the_sdk(foil):
    from foil_server import FoilApiError

    with pytest.raises(FoilApiError) as info:
        foil.sessions.get("sid_0123456789abcdefghjkmnpqrs")
    assert info.value.status == 404 and info.value.code == "request.not_found"
    assert info.value.request_id.startswith("req_")
    with pytest.raises(FoilApiError) as info:
        foil.sessions.list(limit=999)
    assert info.value.status == 422 and info.value.field_errors[0]["name"] == "limit"


@pytest.mark.parametrize("version", [1, 2])
def test_minted_sealed_tokens_verify(emulator, foil, version):
    from foil_server import safe_verify_foil_token, verify_foil_token

    sid = foil.sessions.list(limit=1).items[0].id
    r = httpx.post(f"{emulator.base_url}/_emulator/sessions/{sid}/sealed-token",
                   json={"version": version})
    token = r.json()["data"]["sealed_token"]
    verified = verify_foil_token(token, emulator.secret_key)
    assert verified.session_id == sid
    assert verified.decision.verdict == foil.sessions.list(limit=1).items[0].latest_decision.verdict
    if version == 2:
        assert verify_foil_token(token, "sk_test_emulator_secondary").session_id == sid
    assert not safe_verify_foil_token(token, "sk_test_someone_else").ok
