"""Wrong types and values raise TypeError / ValueError or typed errors, never crash."""

from __future__ import annotations

from typing import Any, Callable

import pytest

import foil

BAD_VALUES: list[Any] = [None, 0, -1, 3.5, b"bytes", "", "\x00", "a\x00b", "x" * 100_000, [], {}, object(),
                         "é🙂", True]


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    try:
        fn(*args, **kwargs)
    except (TypeError, ValueError, foil.FoilError):
        pass


def test_client_methods_with_garbage(client: foil.Foil) -> None:
    for bad in BAD_VALUES:
        _call(client.sessions.get, bad)
        _call(client.sessions.list, limit=bad)
        _call(client.sessions.list, cursor=bad)
        _call(client.sessions.list, verdict=bad)
        _call(lambda: list(client.sessions.iter(search=bad, limit=5)))
        _call(client.sessions.attach_client_user, "sid_x", bad)
        _call(client.fingerprints.list, sort=bad)
        _call(client.fingerprints.get, bad)
        _call(client.organizations.create, name=bad, slug=bad)
        _call(client.organizations.update, "org_x", name=bad)
        _call(client.organizations.api_keys.create, "org_x", name="n", scopes=bad)
        _call(client.webhooks.create_endpoint, "org_x", name="n", url=bad, event_types=bad)
        _call(client.webhooks.update_endpoint, "org_x", "we_x", status=bad)
        _call(client.gate.registry.get, bad)
        _call(client.gate.services.create, id=bad)
        _call(client.gate.sessions.create, service_id="foil", account_name="a", delivery=bad)
        _call(client.gate.sessions.poll, "gate_x", poll_token=bad)
        _call(client.gate.signup, bad)
        _call(client.gate.signup, "foil", metadata=bad)
        _call(client.gate.agent_tokens.verify, agent_token=bad)


def test_typed_errors_for_wrong_types(client: foil.Foil) -> None:
    with pytest.raises(TypeError):
        client.sessions.get(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.sessions.list(limit="5")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        client.sessions.list(limit=500)
    with pytest.raises(ValueError):
        client.sessions.list(verdict="robot")
    with pytest.raises(ValueError):
        client.sessions.get("sid\x00x")
    with pytest.raises(TypeError):
        foil.Foil(timeout="slow")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        foil.Foil(timeout=-1)
    with pytest.raises(foil.FoilConfigurationError):
        foil.Foil(base_url="ftp://example.com")


def test_helpers_with_garbage() -> None:
    for bad in BAD_VALUES:
        _call(foil.import_delivery_private_key_pkcs8, bad)
        _call(foil.export_delivery_private_key_pkcs8, bad)
        _call(foil.validate_gate_delivery_request, bad)
        _call(foil.encrypt_gate_delivery_payload, bad, bad)
        _call(foil.decrypt_gate_delivery_envelope, bad, bad)
        _call(foil.create_gate_approved_webhook_response, bad)
        _call(foil.validate_gate_approved_webhook_payload, bad)
        _call(foil.validate_encrypted_gate_delivery_envelope, bad)
        _call(foil.verify_foil_token, bad, "sk_x")
        _call(foil.verify_foil_token, "AAAA", bad)
        _call(foil.safe_verify_foil_token, bad, "sk_x")
        _call(foil.parse_webhook_event, bad)
        _call(foil.verify_webhook_signature, secret=bad, timestamp=bad, raw_body=bad, signature=bad)
        _call(foil.derive_gate_agent_token_env_key, bad)
        _call(foil.is_blocked_gate_env_var_key, bad)
        _call(foil.key_id_for_raw_x25519_public_key, bad)
    key = foil.create_delivery_key_pair()
    with pytest.raises(ValueError):
        foil.decrypt_gate_delivery_envelope(key.private_key, {"version": 1})
    with pytest.raises(ValueError):
        foil.parse_webhook_event("{not json")
    with pytest.raises(ValueError):
        foil.parse_webhook_event({"object": "webhook_event", "id": "x", "type": "nope", "created": "t", "data": {}})
    with pytest.raises(foil.FoilTokenVerificationError):
        foil.verify_foil_token("!!!!", "sk_x")
    assert foil.safe_verify_foil_token("", "sk_x").ok is False


def test_emulator_bad_input() -> None:
    from foil.testing import Emulator

    with pytest.raises(TypeError):
        Emulator(port="80")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Emulator(session_count=-1)
    with Emulator() as emu:
        with pytest.raises(foil.FoilNotFoundError):
            emu.approve("gate_missing")
        with pytest.raises(ValueError):
            emu.inject_fault("explode")


def test_what_json_cannot_carry_is_raised_as_python_would(client: foil.Foil) -> None:
    """A lone surrogate, NaN, a non-str key or nesting past the core's 1000 levels: the error
    json.dumps(allow_nan=False) or str.encode gives, raised before anything is sent, never
    the core's refusal of JSON the caller never wrote ("params_json: must be a JSON object")
    nor a silent "1" for the key 1."""
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
        client.sessions.get("sid_\ud800")
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
        client.organizations.api_keys.create("org_x", name="k", type="secret", scopes=["\udfff"])
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
        foil.Foil(secret_key="sk_\ud800", base_url="http://127.0.0.1:9")
    deep: dict[str, Any] = {}
    cur = deep
    for _ in range(1500):
        cur["a"] = {}
        cur = cur["a"]
    bad_metadata: list[tuple[Any, type[Exception], str]] = [
        ({"x": float("nan")}, ValueError, "not JSON compliant: nan"),
        ({"x": [float("-inf")]}, ValueError, "not JSON compliant: -inf"),
        ({"k": "a\ud800"}, UnicodeEncodeError, "surrogates"),
        ({"\udfff": "v"}, UnicodeEncodeError, "surrogates"),
        ({1: "a"}, TypeError, "keys must be str, not int"),
        ({True: "a"}, TypeError, "keys must be str, not bool"),
        ({None: "a"}, TypeError, "keys must be str, not NoneType"),
        (deep, ValueError, "nested deeper than 1000"),
    ]
    for metadata, error, text in bad_metadata:
        with pytest.raises(error, match=text):
            client.gate.signup("foil", metadata=metadata)
    with pytest.raises(ValueError, match="not JSON compliant"):  # the json.dumps path (a dict subclass)
        client.gate.signup("foil", metadata=type("D", (dict,), {})(x=float("nan")))
    with pytest.raises(UnicodeEncodeError):
        client.gate.signup("foil", metadata=type("D", (dict,), {})(x="\ud800"))


def test_a_lone_surrogate_error_hides_the_text(client: foil.Foil) -> None:
    """Python's UnicodeEncodeError carries the whole string, and the string may be a secret:
    the error keeps its type, positions and reason, the characters are hidden."""
    secret = "SECRET_0123456789\ud800tail"
    D = type("D", (dict,), {})
    calls = [
        lambda: foil.Foil(secret_key=secret, base_url="http://127.0.0.1:9"),  # options JSON
        lambda: client.sessions.get(secret),  # params JSON
        lambda: foil.import_delivery_private_key_pkcs8(secret),  # a native str argument
        lambda: foil.verify_webhook_signature(secret=secret, timestamp="0", raw_body="{}",
                                              signature="v1,x"),  # a native str argument
        lambda: foil.verify_webhook_signature(secret="whsec_x", timestamp="0", raw_body=secret,
                                              signature="v1,x"),  # a body argument
        lambda: client.gate.signup("foil", metadata=D(x=secret)),  # the json.dumps path
    ]
    for call in calls:
        with pytest.raises(UnicodeEncodeError, match="surrogates not allowed") as info:
            call()
        shown = repr(info.value) + str(info.value) + str(info.value.args)
        assert "SECRET" not in shown and "tail" not in shown, shown
        assert info.value.end - info.value.start == 1
