"""Every other command end to end: registry, sessions, fingerprints, token, webhook,
login, version, help, emulator, demo."""

import hashlib
import hmac
import json
import os
import time

import pytest
from dotenv import dotenv_values

from conftest import FOIL_BIN, Signup, cli_env, run

COMMANDS = ["signup", "login", "registry", "sessions", "fingerprints", "token", "webhook",
            "emulator", "demo", "version"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(emulator, command):
    r = run(emulator, command, "--help")
    assert r.returncode == 0
    assert "usage" in r.stdout.lower()
    r2 = run(emulator, "help", command)
    assert r2.returncode == 0 and r2.stdout == r.stdout


def test_top_level_usage_and_unknown_command(emulator):
    r = run(emulator, "--help")
    assert r.returncode == 0
    for command in COMMANDS:
        assert command in r.stdout
    r = run(emulator, "frobnicate")
    assert r.returncode == 2 and "unknown command" in r.stderr


def test_version(emulator):
    r = run(emulator, "version", "--json")
    assert r.returncode == 0
    versions = json.loads(r.stdout)
    assert versions["foil"] == versions["libfoil"]
    assert run(emulator, "--version").stdout.startswith("foil ")


def test_registry_list_and_get(emulator):
    r = run(emulator, "registry", "--json")
    assert r.returncode == 0, r.stderr
    ids = [e["id"] for e in json.loads(r.stdout)["data"]]
    assert {"foil", "acme", "evil", "tricky"} <= set(ids)
    r = run(emulator, "registry", "list")
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].split() == ["ID", "NAME", "VERIFIED", "DESCRIPTION"]
    r = run(emulator, "registry", "get", "foil")
    assert r.returncode == 0
    assert "FOIL_SECRET_KEY" in r.stdout and "npm install" in r.stdout
    r = run(emulator, "registry", "get", "foil", "--json")
    assert json.loads(r.stdout)["branding"]["ascii_art"]
    r = run(emulator, "registry", "get", "nope-nope")
    assert r.returncode == 1 and "HTTP 404" in r.stderr


def keyed(emu, **extra):
    return cli_env(emu, FOIL_SECRET_KEY=emu.secret_key, **extra)


def test_sessions_list_pages_filters_and_all(emulator):
    env = keyed(emulator)
    r = run(emulator, "sessions", "list", "--limit", "5", "--json", env=env)
    assert r.returncode == 0, r.stderr
    page = json.loads(r.stdout)
    assert len(page["data"]) == 5 and page["has_more"] is True and page["next_cursor"]
    r = run(emulator, "sessions", "list", "--limit", "5", "--cursor", page["next_cursor"], "--json", env=env)
    second = json.loads(r.stdout)
    assert not {s["id"] for s in second["data"]} & {s["id"] for s in page["data"]}
    r = run(emulator, "sessions", "list", "--all", "--json", env=env)
    every = json.loads(r.stdout)["data"]
    assert len(every) == emulator.info()["session_count"]
    r = run(emulator, "sessions", "list", "--verdict", "bot", "--all", "--json", env=env)
    bots = json.loads(r.stdout)["data"]
    assert bots and all(s["latest_decision"]["verdict"] == "bot" for s in bots)
    r = run(emulator, "sessions", "list", "--limit", "3", env=env)
    lines = r.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "CREATED", "VERDICT"]
    assert len(lines) == 5 and "--cursor" in lines[-1]


def test_sessions_get_attach_and_clear(emulator):
    env = keyed(emulator)
    sid = emulator.info()["newest_session_id"]
    r = run(emulator, "sessions", "get", sid, "--json", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["id"] == sid
    r = run(emulator, "sessions", "attach-user", sid, "user_42", "--json", env=env)
    assert json.loads(r.stdout)["client_user_id"] == "user_42"
    r = run(emulator, "sessions", "get", sid, env=env)
    assert "user_42" in r.stdout
    r = run(emulator, "sessions", "clear-user", sid, "--json", env=env)
    assert json.loads(r.stdout)["client_user_id"] is None
    r = run(emulator, "sessions", "get", "sid_doesnotexist0000000000000", env=env)
    assert r.returncode == 1


def test_sessions_need_a_secret_key(emulator):
    r = run(emulator, "sessions", "list", "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["ok"] is False
    r = run(emulator, "sessions", "list", "--secret-key", emulator.secret_key, "--limit", "1", "--json")
    assert r.returncode == 0


def test_fingerprints_list_sort_and_get(emulator):
    env = keyed(emulator)
    r = run(emulator, "fingerprints", "list", "--sort", "seen_count", "--limit", "10", "--json", env=env)
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)["data"]
    counts = [f["lifecycle"]["seen_count"] for f in items]
    assert counts == sorted(counts, reverse=True)
    r = run(emulator, "fingerprints", "list", "--all", "--json", env=env)
    assert len(json.loads(r.stdout)["data"]) == emulator.info()["fingerprint_count"]
    vid = items[0]["id"]
    r = run(emulator, "fingerprints", "get", vid, env=env)
    assert r.returncode == 0 and vid in r.stdout
    r = run(emulator, "fingerprints", "list", "--sort", "sideways", env=env)
    assert r.returncode == 2, "a bad flag value is a usage error"


def test_token_verify(emulator):
    sid = emulator.info()["newest_session_id"]
    token = emulator.post(f"/_emulator/sessions/{sid}/sealed-token", {"version": 2})["sealed_token"]
    env = keyed(emulator)
    r = run(emulator, "token", "verify", token, "--json", env=env)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["valid"] is True and result["payload"]["session_id"] == sid
    r = run(emulator, "token", "verify", "-", env=env, input=token + "\n")
    assert r.returncode == 0 and sid in r.stdout
    r = run(emulator, "token", "verify", token, "--secret-key", "sk_test_wrong_key_123", "--json")
    assert r.returncode == 4
    assert json.loads(r.stdout) == {"valid": False, "error": "token.authentication_failure"}
    r = run(emulator, "token", "verify", "not-a-token", env=env)
    assert r.returncode == 4 and "invalid sealed token" in r.stderr
    r = run(emulator, "token", "verify", token)
    assert r.returncode == 2 and "FOIL_SECRET_KEY" in r.stderr


def signed(secret, body, timestamp=None):
    ts = str(timestamp or int(time.time()))
    sig = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return ts, sig


def test_webhook_verify(emulator):
    body = json.dumps({
        "id": "wevt_" + "0" * 32, "object": "webhook_event", "type": "webhook.test",
        "created": "2026-01-01T00:00:00.000Z", "data": {"object": "webhook_test", "endpoint": {"id": "we_1"}},
    }).encode()
    ts, sig = signed("whsec_test", body)
    args = ["webhook", "verify", "--secret", "whsec_test", "--timestamp", ts, "--signature", sig, "--json"]
    r = run(emulator, *args, input=body.decode())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["event"]["type"] == "webhook.test"
    r = run(emulator, *args, input=body.decode().replace("webhook.test", "webhook.tesT"))
    assert r.returncode == 4 and json.loads(r.stdout)["valid"] is False
    old_ts, old_sig = signed("whsec_test", body, timestamp=int(time.time()) - 3600)
    r = run(emulator, "webhook", "verify", "--secret", "whsec_test", "--timestamp", old_ts,
            "--signature", old_sig, input=body.decode())
    assert r.returncode == 4 and "invalid webhook" in r.stderr
    r = run(emulator, "webhook", "verify", "--timestamp", ts, "--signature", sig, input="",
            env=cli_env(emulator, FOIL_WEBHOOK_SECRET="whsec_test"))
    assert r.returncode == 4
    r = run(emulator, "webhook", "verify", "--timestamp", ts, input="")
    assert r.returncode == 2


def test_login_uses_the_agent_token_from_the_signup(emulator, tmp_path):
    r = run(emulator, "login", "foil", "--no-browser", cwd=tmp_path)
    assert r.returncode == 1 and "FOIL_GATE_AGENT_TOKEN" in r.stderr
    s = Signup(emulator, "foil", tmp_path)
    emulator.approve(s.session_id())
    code, _, err = s.finish()
    assert code == 0, err
    token = dotenv_values(tmp_path / ".env")["FOIL_GATE_AGENT_TOKEN"]
    assert token.startswith("agt_")
    r = run(emulator, "login", "foil", "--no-browser", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["login_session"]["consent_url"].startswith("http")
    assert result["opened"] is False
    assert token not in r.stdout + r.stderr
    r = run(emulator, "login", "foil", "--no-browser", cwd=tmp_path)
    assert r.returncode == 0 and "Approve the login" in r.stdout
    (tmp_path / ".env").write_text("FOIL_GATE_AGENT_TOKEN=agt_not_a_real_token_0123456789abcd\n")
    r = run(emulator, "login", "foil", "--no-browser", cwd=tmp_path)
    assert r.returncode == 1 and "refused" in r.stderr


def test_emulator_command_serves_the_api(make_emulator):
    emu = make_emulator("--seed-sessions", "7")
    assert emu.info()["session_count"] == 7
    r = run(emu, "emulator", "--port", "notaport")
    assert r.returncode != 0


def test_demo_runs_offline_in_seconds(emulator, tmp_path):
    started = time.monotonic()
    r = run(emulator, "demo", "--approve-after", "500", env=cli_env(emulator, TMPDIR=str(tmp_path)))
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - started < 15
    for needle in ("Start the Foil API emulator", "Wrote 3 keys", "DATABASE_URL=", "riskiest",
                   "verified offline", "Done in"):
        assert needle in r.stdout
    assert "\x1b[" not in r.stdout, "no colours off a terminal"
    assert list(tmp_path.iterdir()) == [], "the demo cleans up its project"


@pytest.mark.parametrize("args, says", [
    (["sessions", "list", "--limit", "500"], "between 1 and 200"),
    (["sessions", "list", "--limit", "abc"], "--limit wants a number"),
    (["sessions", "list", "--verdict", "robot"], "bot, human, inconclusive"),
    (["fingerprints", "list", "--sort", "sideways"], "seen_count"),
    (["sessions", "list", "--cursor", os.fsdecode(b"\xff")], "the cursor given: string: is not valid UTF-8"),
    (["sessions", "get", os.fsdecode(b"a\xfe")], "the session_id given: string: is not valid UTF-8"),
])
def test_list_arguments_are_checked_by_the_core(emulator, args, says):
    """The list commands call by the operation's SDK name: ranges and allowed values are the
    core's rule and message, as in every binding; all are usage errors (exit 2)."""
    r = run(emulator, *args, env=keyed(emulator))
    assert r.returncode == 2, (args, r.stderr)
    assert says in r.stderr, r.stderr
