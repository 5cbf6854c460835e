"""Issue 19: each rule is the core's, so Python says what Ruby and Lua say: seconds ->
milliseconds, the limit, the envelope checks, the refused keys' shape, the error record."""

from __future__ import annotations

import pytest

import foil
from foil import native as _native
from foil.testing import Emulator

SECONDS = "must be a number of seconds in (0, 2147483]"


@pytest.mark.parametrize("seconds", [0, -1, 2147484, float("inf"), float("nan"), 10**400])
def test_timeouts_are_the_cores_range_and_error(seconds: float) -> None:
    with pytest.raises(foil.FoilInvalidArgumentError) as err:
        foil.Foil(secret_key="sk_test_x", timeout=seconds)
    assert str(err.value).startswith(f"timeout: {SECONDS}")
    assert err.value.field_errors[0]["name"] == "timeout"
    with pytest.raises(foil.FoilInvalidArgumentError) as err:
        foil.Foil(secret_key="sk_test_x", connect_timeout=seconds)
    assert str(err.value).startswith(f"connect_timeout: {SECONDS}")


def test_wait_arguments_are_the_cores(client: foil.Foil) -> None:
    with client.gate.signup("foil", account_name="demo") as signup:
        for name in ("timeout", "interval"):
            with pytest.raises(foil.FoilInvalidArgumentError, match=f"{name}: must be a number"):
                signup.wait(**{name: 0})
    assert _native.seconds_to_ms("timeout", 0.0001) == 1
    assert _native.seconds_to_ms("timeout", 1.5) == 1500


@pytest.mark.parametrize("limit", [0, -1, 201, 2**70])
def test_limit_is_the_cores_text(client: foil.Foil, limit: int) -> None:
    with pytest.raises(foil.FoilInvalidArgumentError) as err:
        client.sessions.list(limit=limit)
    assert str(err.value).startswith("limit: must be between 1 and 200")


def test_envelope_checks_are_the_cores() -> None:
    pair = foil.create_delivery_key_pair()
    envelope = foil.encrypt_gate_delivery_payload(pair.delivery, {"version": 1, "outputs": {"K": "v"}})
    good = envelope.to_dict()
    assert foil.validate_encrypted_gate_delivery_envelope(good).key_id == pair.delivery.key_id
    for field, bad, message in [("iv", "AAAA", "encrypted_delivery.iv: must be 12 bytes"),
                                ("version", 2, "encrypted_delivery.version: must be 1"),
                                ("tag", "", "encrypted_delivery.tag: is required")]:
        with pytest.raises(foil.FoilValidationError) as err:
            foil.validate_encrypted_gate_delivery_envelope({**good, field: bad})
        assert str(err.value).startswith(message)


def test_refused_is_the_cores_map(emulator: Emulator) -> None:
    emulator.add_service("pypolicy", outputs={"PYPOLICY_API_KEY": "k1", "PATH": "/evil",
                                              "FOIL_AGENT_TOKEN": "x"})
    with emulator.client() as client, client.gate.signup("pypolicy", account_name="demo") as signup:
        emulator.approve(signup.id)
        assert signup.wait(timeout=10, interval=0.05)["PYPOLICY_API_KEY"] == "k1"
        assert signup.refused == {"PATH": "blocked", "FOIL_AGENT_TOKEN": "gate_managed_from_integrator"}


def test_json_text_is_the_cores_writer() -> None:
    text = _native.py_json_text({"s": "a\"\\\n\x1f é", "i": 2**70, "f": 2.0, "g": 0.1, "l": [True, None]})
    assert text == '{"s":"a\\"\\\\\\n\\u001f é","i":1180591620717411303424,"f":2.0,"g":0.1,"l":[true,null]}'
