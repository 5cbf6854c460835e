"""A whole Gate signup with the official Python SDK's own helpers (foil-server 0.2.x: the line
that ships the Gate API; 0.3.x dropped it). Run by test_sdk.py in a subprocess whose
PYTHONPATH holds that SDK. argv: base_url. Prints one JSON summary line."""

import dataclasses
import json
import sys

import httpx
from foil_server import Foil, FoilApiError
from foil_server.gate_delivery import create_delivery_key_pair, decrypt_gate_delivery_envelope

base_url = sys.argv[1]
client = Foil(base_url=base_url, secret_key="sk_test_unused")
assert client.gate.registry.get("foil").name == "Foil"
pair = create_delivery_key_pair()
session = client.gate.sessions.create(
    service_id="foil", account_name="sdk-project", delivery=dataclasses.asdict(pair.delivery),
    metadata={"plan": "free"})
assert client.gate.sessions.poll(session.id, poll_token=session.poll_token).status == "pending"
approve = httpx.post(f"{base_url}/_emulator/gate/sessions/{session.id}/approve")
assert approve.status_code == 200, approve.text
polled = client.gate.sessions.poll(session.id, poll_token=session.poll_token)
assert polled.status == "approved"
integrator = decrypt_gate_delivery_envelope(pair.private_key, polled.delivery_bundle.integrator)
gate = decrypt_gate_delivery_envelope(pair.private_key, polled.delivery_bundle.gate)
outputs = {**integrator.outputs, **gate.outputs}
ack = client.gate.sessions.acknowledge(session.id, poll_token=session.poll_token,
                                       ack_token=gate.ack_token)
assert ack.status == "acknowledged"
gone = []
for call in (lambda: client.gate.sessions.poll(session.id, poll_token=session.poll_token),
             lambda: client.gate.sessions.acknowledge(session.id, poll_token=session.poll_token,
                                                      ack_token=gate.ack_token)):
    try:
        call()
    except FoilApiError as error:
        gone.append((error.status, error.code, bool(error.request_id)))
print(json.dumps({"keys": sorted(outputs), "gone": gone,
                  "secret_key_prefix": outputs["FOIL_SECRET_KEY"][:8],
                  "agent_token_prefix": outputs["FOIL_GATE_AGENT_TOKEN"][:4]}))
