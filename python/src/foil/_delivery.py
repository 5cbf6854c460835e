"""Gate delivery crypto helpers (x25519-hkdf-sha256/aes-256-gcm), with foil-server's names.

The key material never leaves libfoil: a :class:`DeliveryPrivateKey` wraps the C key pair,
whose private scalar lives in locked memory that is wiped when the object is collected.
Invalid input raises ``ValueError`` (:class:`foil.FoilValidationError`), as in foil-server.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from . import native as _native
from ._errors import FoilValidationError
from ._model import ValueModel, json_text
from ._models import (
    GateApprovedWebhookPayload,
    GateDeliveryEnvelope,
    GateDeliveryPayload,
    GateDeliveryRequest,
    GateEncryptedDeliveryResponse,
)
from ._types import GeneratedDeliveryKeyPair

GATE_DELIVERY_VERSION: int = _native.FOIL_GATE_DELIVERY_VERSION
GATE_DELIVERY_ALGORITHM: str = _native.FOIL_GATE_DELIVERY_ALGORITHM
GATE_DELIVERY_HKDF_INFO: bytes = _native.FOIL_GATE_DELIVERY_HKDF_INFO.encode()

__all__ = [
    "GATE_DELIVERY_ALGORITHM",
    "GATE_DELIVERY_HKDF_INFO",
    "GATE_DELIVERY_VERSION",
    "DeliveryPrivateKey",
    "create_delivery_key_pair",
    "create_encrypted_delivery_response",
    "create_gate_approved_webhook_response",
    "decrypt_gate_delivery_envelope",
    "encrypt_gate_delivery_payload",
    "export_delivery_private_key_pkcs8",
    "import_delivery_private_key_pkcs8",
    "key_id_for_raw_x25519_public_key",
    "validate_encrypted_gate_delivery_envelope",
    "validate_gate_approved_webhook_payload",
    "validate_gate_delivery_request",
]


class DeliveryPrivateKey:
    """An X25519 delivery private key held by libfoil (never exposed as bytes).

    ``public_key`` and ``key_id`` are base64url strings; ``delivery`` is the request
    object to send when creating a Gate session.
    """

    __slots__ = ("_kp",)

    def __init__(self, handle: Any) -> None:
        self._kp = handle

    @property
    def public_key(self) -> str:
        """Raw 32-byte public key, base64url without padding."""
        return str(_native.delivery_key_pair_public_key(self._kp))

    @property
    def key_id(self) -> str:
        """base64url(SHA-256(public key))."""
        return str(_native.delivery_key_pair_key_id(self._kp))

    @property
    def delivery(self) -> GateDeliveryRequest:
        """The ``delivery`` request object for this key."""
        return GateDeliveryRequest(version=GATE_DELIVERY_VERSION, algorithm=GATE_DELIVERY_ALGORITHM,
                                   key_id=self.key_id, public_key=self.public_key)

    def export_pkcs8(self) -> str:
        """The private key as PKCS#8 DER, base64url: a secret, store it safely."""
        return str(_native.delivery_key_pair_export_pkcs8(self._kp))

    def __repr__(self) -> str:
        return f"DeliveryPrivateKey(key_id={self.key_id!r})"

    def __reduce__(self) -> Any:
        raise TypeError("DeliveryPrivateKey cannot be pickled; use export_pkcs8()")


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _native_key(private_key: Any) -> Any:
    """A C key pair for a DeliveryPrivateKey or a `cryptography` X25519PrivateKey."""
    if isinstance(private_key, DeliveryPrivateKey):
        return private_key._kp
    private_bytes = getattr(private_key, "private_bytes", None)
    if callable(private_bytes):
        from cryptography.hazmat.primitives import serialization

        der = private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
        return _native.delivery_key_pair_import_pkcs8(_b64url(der))
    raise TypeError(f"private_key must be a DeliveryPrivateKey, not {type(private_key).__name__}")


def _as_json_object(value: Any, what: str) -> str:
    if isinstance(value, ValueModel):
        return json_text(value.to_dict())
    if type(value) is not dict:
        if hasattr(value, "to_dict"):
            value = value.to_dict()
        if not isinstance(value, Mapping):
            raise TypeError(f"{what} must be a dict or a {what} object, not {type(value).__name__}")
        value = dict(value)
    return json_text(value)


def create_delivery_key_pair() -> GeneratedDeliveryKeyPair:
    """A fresh X25519 key pair: ``.delivery`` (send it) and ``.private_key`` (keep it)."""
    key = DeliveryPrivateKey(_native.delivery_key_pair_new())
    return GeneratedDeliveryKeyPair(delivery=key.delivery, private_key=key)


def export_delivery_private_key_pkcs8(private_key: Any) -> str:
    """Serialise a private key as PKCS#8 DER, base64url without padding."""
    if isinstance(private_key, DeliveryPrivateKey):
        return private_key.export_pkcs8()
    return str(_native.delivery_key_pair_export_pkcs8(_native_key(private_key)))


def import_delivery_private_key_pkcs8(value: str) -> DeliveryPrivateKey:
    """Load a private key saved with :func:`export_delivery_private_key_pkcs8`."""
    if not isinstance(value, str):
        raise TypeError(f"value must be str, not {type(value).__name__}")
    return DeliveryPrivateKey(_native.delivery_key_pair_import_pkcs8(value))


def key_id_for_raw_x25519_public_key(raw_public_key: bytes) -> str:
    """base64url(SHA-256(raw 32-byte public key))."""
    raw = bytes(raw_public_key)
    if len(raw) != 32:
        raise ValueError("X25519 public key must be 32 bytes")
    return str(_native.gate_delivery_key_id(_b64url(raw)))


def _request_from(value: Any) -> GateDeliveryRequest:
    return GateDeliveryRequest.from_dict(value.to_dict() if hasattr(value, "to_dict") else dict(value))


def validate_gate_delivery_request(value: GateDeliveryRequest | Mapping[str, Any]) -> GateDeliveryRequest:
    """Check a delivery request (version, algorithm, 32-byte key, matching key_id)."""
    _native.gate_delivery_request_validate(_as_json_object(value, "GateDeliveryRequest"))
    return _request_from(value)


def encrypt_gate_delivery_payload(
    delivery: GateDeliveryRequest | Mapping[str, Any],
    payload: GateDeliveryPayload | Mapping[str, Any],
) -> GateDeliveryEnvelope:
    """Encrypt ``payload`` (``{"version": 1, "outputs": {...}}``) to ``delivery``'s key."""
    envelope = _native.gate_delivery_encrypt(_as_json_object(delivery, "GateDeliveryRequest"),
                                             _as_json_object(payload, "GateDeliveryPayload"))
    return GateDeliveryEnvelope.from_dict(json.loads(envelope))


def decrypt_gate_delivery_envelope(
    private_key: Any, envelope: GateDeliveryEnvelope | Mapping[str, Any]
) -> GateDeliveryPayload:
    """Decrypt and check an envelope; raises ``ValueError`` when it is malformed or forged."""
    handle = _native.gate_delivery_decrypt(_native_key(private_key),
                                           _as_json_object(envelope, "GateDeliveryEnvelope"))
    # The core accepts only payload version 1 (foil-server reads int(payload["version"])).
    return GateDeliveryPayload(version=GATE_DELIVERY_VERSION,
                               outputs=_outputs(_native.delivery_payload_outputs(handle)),
                               ack_token=_native.delivery_payload_ack_token(handle))


def _outputs(view: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in view.items()} if isinstance(view, dict) else {}


def create_gate_approved_webhook_response(input: Mapping[str, Any]) -> GateEncryptedDeliveryResponse:
    """Your webhook's reply: ``input`` is ``{"delivery": ..., "outputs": {...}}``."""
    if not isinstance(input, Mapping):
        raise TypeError(f"input must be a dict, not {type(input).__name__}")
    if "delivery" not in input or "outputs" not in input:
        raise FoilValidationError(0, "client.invalid_argument",
                                  "input needs both delivery and outputs")
    outputs = input["outputs"]
    if not isinstance(outputs, Mapping):
        raise TypeError(f"outputs must be a dict, not {type(outputs).__name__}")
    reply = _native.gate_approved_webhook_response(_as_json_object(input["delivery"], "GateDeliveryRequest"),
                                                   json.dumps(dict(outputs), separators=(",", ":")))
    return GateEncryptedDeliveryResponse.from_dict(json.loads(reply))


create_encrypted_delivery_response = create_gate_approved_webhook_response


def validate_encrypted_gate_delivery_envelope(value: GateDeliveryEnvelope | Mapping[str, Any]) -> GateDeliveryEnvelope:
    """Check an envelope's shape (version, algorithm, field presence and lengths): the
    core's checks (foil_gate_delivery_envelope_validate), raising FoilValidationError."""
    text = _as_json_object(value, "GateDeliveryEnvelope")
    _native.gate_delivery_envelope_validate(text)
    return GateDeliveryEnvelope.from_dict(json.loads(text))


def approved_payload_from_dict(d: Mapping[str, Any]) -> GateApprovedWebhookPayload:
    return GateApprovedWebhookPayload.from_dict(d)


def validate_gate_approved_webhook_payload(
    value: GateApprovedWebhookPayload | Mapping[str, Any],
) -> GateApprovedWebhookPayload:
    """Check the ``data`` of a ``gate.session.approved`` event and return it typed."""
    if isinstance(value, GateApprovedWebhookPayload):
        data: dict[str, Any] = value.to_dict()
        data.setdefault("metadata", None)
        data["foil"].setdefault("score", None)
    elif isinstance(value, Mapping):
        data = dict(value)
    else:
        raise TypeError(f"value must be a dict, not {type(value).__name__}")
    _native.gate_approved_webhook_payload_validate(json.dumps(data, separators=(",", ":")))
    return approved_payload_from_dict(data)
