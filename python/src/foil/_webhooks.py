"""Verifying and parsing the webhooks Foil sends (``X-Foil-Timestamp``, ``X-Foil-Signature``)."""

from __future__ import annotations

import json
from typing import Any, Mapping

from . import native as _native
from ._errors import FoilError, FoilInvalidArgumentError, FoilSignatureError
from ._models import WebhookEventEnvelope

WEBHOOK_TOLERANCE_SECONDS: int = _native.FOIL_WEBHOOK_TOLERANCE_SECONDS
WEBHOOK_TIMESTAMP_HEADER: str = _native.FOIL_WEBHOOK_TIMESTAMP_HEADER
WEBHOOK_SIGNATURE_HEADER: str = _native.FOIL_WEBHOOK_SIGNATURE_HEADER
WEBHOOK_EVENT_TYPES = frozenset(
    {"session.fingerprint.calculated", "session.result.persisted", "gate.session.approved", "webhook.test"}
)

__all__ = [
    "WEBHOOK_EVENT_TYPES",
    "WEBHOOK_SIGNATURE_HEADER",
    "WEBHOOK_TIMESTAMP_HEADER",
    "WEBHOOK_TOLERANCE_SECONDS",
    "parse_webhook_event",
    "verify_and_parse_webhook_event",
    "verify_gate_webhook_signature",
    "verify_webhook_signature",
]


def _check(secret: object, timestamp: object, raw_body: object, signature: object) -> None:
    for name, value in (("secret", secret), ("timestamp", timestamp), ("signature", signature)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be str, not {type(value).__name__}")
    if not isinstance(raw_body, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"raw_body must be str or bytes, not {type(raw_body).__name__}")


def _now(now_seconds: int | None) -> int:
    # The C API reads 0 as "the current time"; 0 itself is 1970, so nudge it.
    if now_seconds is None:
        return 0
    return int(now_seconds) or -1


def verify_webhook_signature(
    *,
    secret: str,
    timestamp: str,
    raw_body: str | bytes,
    signature: str,
    max_age_seconds: int = 5 * 60,
    now_seconds: int | None = None,
) -> bool:
    """True when ``signature`` is the HMAC-SHA256 of ``"<timestamp>.<raw_body>"`` under
    ``secret`` and the timestamp is within ``max_age_seconds`` of now (constant time).
    An empty ``secret`` is a caller's mistake, not a bad signature: it raises
    :class:`FoilInvalidArgumentError` (a ``ValueError``), as the newest official SDKs do."""
    _check(secret, timestamp, raw_body, signature)
    if not secret:
        raise FoilInvalidArgumentError(0, "client.invalid_argument", "secret: must be a non-empty string",
                                       field_errors=[{"name": "secret", "issue": "must be a non-empty string"}])
    if max_age_seconds < 0:
        return False
    try:
        # The C API reads a tolerance of 0 as its default (300 s): the tightest is 1 s.
        _native.webhook_signature_verify(secret, timestamp, raw_body, signature,
                                         max(int(max_age_seconds), 1), _now(now_seconds))
    except FoilError:
        return False
    return True


verify_gate_webhook_signature = verify_webhook_signature


def parse_webhook_event(raw_body: str | bytes | Mapping[str, Any]) -> WebhookEventEnvelope:
    """Parse an event envelope already verified; raises ``ValueError`` when malformed."""
    if isinstance(raw_body, Mapping):
        text: str | bytes = json.dumps(dict(raw_body))
    elif isinstance(raw_body, (str, bytes, bytearray, memoryview)):
        text = bytes(raw_body) if not isinstance(raw_body, str) else raw_body
    else:
        raise TypeError(f"raw_body must be str, bytes or dict, not {type(raw_body).__name__}")
    document = _native.webhook_event_parse(text)
    return WebhookEventEnvelope(_native.document_root(document))


def verify_and_parse_webhook_event(
    *,
    secret: str,
    timestamp: str,
    raw_body: str | bytes,
    signature: str,
    max_age_seconds: int = 5 * 60,
    now_seconds: int | None = None,
) -> WebhookEventEnvelope:
    """Verify the signature, then parse; ``ValueError`` (:class:`FoilSignatureError`) when
    the signature is wrong or stale."""
    if not verify_webhook_signature(secret=secret, timestamp=timestamp, raw_body=raw_body,
                                    signature=signature, max_age_seconds=max_age_seconds,
                                    now_seconds=now_seconds):
        raise FoilSignatureError("Invalid Foil webhook signature", code="webhook.invalid_signature")
    return parse_webhook_event(raw_body)
