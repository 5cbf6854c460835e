"""Quick start: sessions, a Gate signup and a sealed token, against the embedded emulator."""

from foil import Foil, FoilApiError, verify_foil_token
from foil.testing import Emulator

with Emulator() as emu, Foil(secret_key=emu.secret_key, base_url=emu.base_url) as client:
    page = client.sessions.list(verdict="bot", limit=5)
    for summary in page.items:
        print(summary.id, summary.latest_decision.verdict, summary.latest_decision.risk_score)

    bots = sum(1 for s in client.sessions.iter(limit=200) if s.latest_decision.verdict == "bot")
    print("bots in total:", bots)

    try:
        client.sessions.get("sid_does_not_exist")
    except FoilApiError as error:
        print(error.status, error.code, error.request_id)

    with client.gate.signup("foil", account_name="my-app") as signup:
        print("approve at", signup.consent_url)
        emu.approve(signup.id)  # in real life, a person clicks Approve
        outputs = signup.wait(timeout=60)
        print("delivered:", sorted(outputs))
        signup.ack()

    token = emu.mint_sealed_token(emu.session_id(0))
    verified = verify_foil_token(token, emu.secret_key)
    print(verified.session_id, verified.decision.verdict)
