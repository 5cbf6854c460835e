"""Verifying a Gate webhook and answering with the encrypted delivery (integrator side)."""

from __future__ import annotations

import json

from foil import (
    GateApprovedWebhookPayload,
    create_gate_approved_webhook_response,
    verify_and_parse_webhook_event,
)


def handle(headers: dict[str, str], raw_body: bytes, signing_secret: str) -> tuple[int, str]:
    """Returns (HTTP status, JSON body) for one incoming webhook."""
    try:
        event = verify_and_parse_webhook_event(
            secret=signing_secret,
            timestamp=headers["X-Foil-Timestamp"],
            raw_body=raw_body,
            signature=headers["X-Foil-Signature"],
        )
    except ValueError:
        return 401, json.dumps({"error": "bad signature"})
    if not isinstance(event.data, GateApprovedWebhookPayload):
        return 200, "{}"
    reply = create_gate_approved_webhook_response(
        {"delivery": event.data.delivery, "outputs": {"ACME_API_KEY": "key_for_" + event.data.account_name}}
    )
    return 200, json.dumps(reply.to_dict())
