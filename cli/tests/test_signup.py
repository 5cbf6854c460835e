"""foil signup end to end: keys written 0600, byte-exact merges, the env-var policy,
denied / expired / timed-out sessions, Ctrl-C, --json, dotenv round trips."""

import json
import os
import signal
import stat

from dotenv import dotenv_values

from conftest import ACME_OUTPUTS, EVIL_OUTPUTS, TRICKY_OUTPUTS, Signup, cli_env, run, secrets_absent


def approve_when_asked(emu, signup):
    emu.approve(signup.session_id())


def test_signup_writes_the_keys_with_mode_0600(emulator, tmp_path):
    s = Signup(emulator, "acme", tmp_path)
    approve_when_asked(emulator, s)
    code, out, err = s.finish()
    assert code == 0, err
    env_file = tmp_path / ".env"
    assert dotenv_values(env_file) == ACME_OUTPUTS
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert not (tmp_path / ".foil").exists(), "the state file is removed after the ack"
    for key in ACME_OUTPUTS:
        assert key in out
    assert secrets_absent(out + err, ACME_OUTPUTS)
    assert "Approve the signup" in out


def test_signup_merges_into_an_existing_file_byte_exactly(emulator, tmp_path):
    env_file = tmp_path / "config.env"
    original = (
        b"# my app\r\n"
        b"DATABASE_URL=postgres://localhost/app # local db\r\n"
        b"\r\n"
        b"export ACME_API_KEY='old value' # rotated\r\n"
        b"UNRELATED=\"keep \\\" me\"\r\n"
        b"# trailing comment without newline"
    )
    env_file.write_bytes(original)
    env_file.chmod(0o640)
    s = Signup(emulator, "acme", tmp_path, "--env-file", str(env_file))
    approve_when_asked(emulator, s)
    code, out, err = s.finish()
    assert code == 0, err
    expected = (
        b"# my app\r\n"
        b"DATABASE_URL=postgres://localhost/app # local db\r\n"
        b"\r\n"
        b"export ACME_API_KEY=acme_live_0123456789abcdef # rotated\r\n"
        b"UNRELATED=\"keep \\\" me\"\r\n"
        b"# trailing comment without newline\r\n"
        b"ACME_WEBHOOK_SECRET=whsec_acme_42\r\n"
    )
    assert env_file.read_bytes() == expected
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o640, "an existing file keeps its mode"
    assert "updated" in out and "added" in out


def test_values_round_trip_through_python_dotenv(emulator, tmp_path):
    s = Signup(emulator, "tricky", tmp_path)
    approve_when_asked(emulator, s)
    code, _, err = s.finish()
    assert code == 0, err
    assert dotenv_values(tmp_path / ".env") == TRICKY_OUTPUTS
    # A second signup delivers the same values: every line is left as it was.
    before = (tmp_path / ".env").read_bytes()
    s = Signup(emulator, "tricky", tmp_path)
    approve_when_asked(emulator, s)
    code, out, err = s.finish()
    assert code == 0, err
    assert (tmp_path / ".env").read_bytes() == before
    assert "unchanged" in out


def test_blocked_and_gate_managed_keys_are_refused(emulator, tmp_path):
    s = Signup(emulator, "evil", tmp_path, "--json")
    approve_when_asked(emulator, s)
    code, out, err = s.finish()
    assert code == 0, err
    result = json.loads(out)
    assert dotenv_values(tmp_path / ".env") == {"EVIL_API_KEY": EVIL_OUTPUTS["EVIL_API_KEY"]}
    refused = {r["key"]: r["reason"] for r in result["refused"]}
    assert refused == {
        "PATH": "blocked",
        "LD_PRELOAD": "blocked",
        "npm_config_registry": "blocked",
        "EVIL_GATE_AGENT_TOKEN": "gate_managed_from_integrator",
    }
    assert result["acknowledged"] is True
    assert secrets_absent(out + err, EVIL_OUTPUTS)


def test_refusals_are_explained_on_stderr(emulator, tmp_path):
    s = Signup(emulator, "evil", tmp_path)
    approve_when_asked(emulator, s)
    code, out, err = s.finish()
    assert code == 0, err
    assert "refused PATH" in err and "env-var policy" in err
    assert "EVIL_GATE_AGENT_TOKEN" in err and "Gate-managed" in err


def test_json_result_parses_and_names_keys_only(emulator, tmp_path):
    s = Signup(emulator, "acme", tmp_path, "--json", "--account-name", "proj", "--metadata", "plan=pro")
    approve_when_asked(emulator, s)
    code, out, err = s.finish()
    assert code == 0, err
    result = json.loads(out)
    assert result["ok"] is True
    assert result["service_id"] == "acme"
    assert result["session_id"].startswith("gate_")
    assert result["account_name"] == "proj"
    assert result["env_file"] == str(tmp_path / ".env")
    assert [k["key"] for k in result["keys"]] == list(ACME_OUTPUTS)
    assert {k["change"] for k in result["keys"]} == {"added"}
    assert secrets_absent(out, ACME_OUTPUTS)
    assert "poll_token" not in out and "gtpoll_" not in out + err


def test_denied_signup_exits_5_and_writes_nothing(emulator, tmp_path):
    s = Signup(emulator, "acme", tmp_path)
    emulator.deny(s.session_id())
    code, _, err = s.finish()
    assert code == 5
    assert "denied" in err
    assert not (tmp_path / ".env").exists()
    assert not (tmp_path / ".foil").exists()


def test_expired_signup_exits_5(make_emulator, tmp_path):
    emu = make_emulator("--gate-ttl", "1")
    s = Signup(emu, "acme", tmp_path)
    code, _, err = s.finish()
    assert code == 5, err
    assert "expired" in err
    assert not (tmp_path / ".env").exists()
    assert not (tmp_path / ".foil").exists()


def test_timeout_exits_3_and_resume_completes(emulator, tmp_path):
    s = Signup(emulator, "acme", tmp_path, "--timeout", "0.5")
    session = s.session_id()
    code, _, err = s.finish()
    assert code == 3, err
    assert "--resume" in err
    assert (tmp_path / ".foil" / "signup-acme.json").exists()
    # A plain signup refuses to start over the saved one.
    r = run(emulator, "signup", "acme", "--no-browser", cwd=tmp_path)
    assert r.returncode == 1 and "--resume" in r.stderr
    emulator.approve(session)
    r = run(emulator, "signup", "acme", "--resume", "--no-browser", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert dotenv_values(tmp_path / ".env") == ACME_OUTPUTS
    assert not (tmp_path / ".foil").exists()


def test_state_file_is_private(emulator, tmp_path):
    s = Signup(emulator, "acme", tmp_path, "--timeout", "0.3")
    code, _, _ = s.finish()
    assert code == 3
    state_dir = tmp_path / ".foil"
    state = state_dir / "signup-acme.json"
    assert stat.S_IMODE(state_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert (state_dir / ".gitignore").read_text() == "*\n"
    saved = json.loads(state.read_text())
    assert saved["object"] == "foil_cli_signup_state"
    assert saved["written"] is False
    r = run(emulator, "signup", "acme", "--discard", "--timeout", "0.3", "--no-browser", cwd=tmp_path)
    assert r.returncode == 3
    assert json.loads(state.read_text())["session"]["id"] != saved["session"]["id"]


def test_ctrl_c_while_waiting_exits_130_and_keeps_the_session(emulator, tmp_path):
    s = Signup(emulator, "acme", tmp_path)
    session = s.session_id()
    s.wait_for("Waiting for approval")
    code, _, err = s.kill(signal.SIGINT)
    assert code == 130
    assert "Interrupted" in err
    assert not (tmp_path / ".env").exists()
    emulator.approve(session)
    r = run(emulator, "signup", "acme", "--resume", "--no-browser", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert dotenv_values(tmp_path / ".env") == ACME_OUTPUTS


def test_sigterm_while_waiting_exits_143(emulator, tmp_path):
    s = Signup(emulator, "acme", tmp_path)
    s.wait_for("Waiting for approval")
    code, _, _ = s.kill(signal.SIGTERM)
    assert code == 143


def test_unknown_service_and_resume_without_state(emulator, tmp_path):
    r = run(emulator, "signup", "no-such-service", "--no-browser", cwd=tmp_path)
    assert r.returncode == 1
    assert "Service not found" in r.stderr
    r = run(emulator, "signup", "acme", "--resume", "--json", cwd=tmp_path)
    assert r.returncode == 1
    assert json.loads(r.stdout)["error"]["code"] == "no_saved_signup"


def test_account_name_defaults_to_the_directory(emulator, tmp_path):
    project = tmp_path / "my-project"
    project.mkdir()
    s = Signup(emulator, "acme", project, "--json")
    approve_when_asked(emulator, s)
    code, out, err = s.finish()
    assert code == 0, err
    assert json.loads(out)["account_name"] == "my-project"


def test_usage_errors_exit_2(emulator, tmp_path):
    for args in (["signup"], ["signup", "acme", "--timeout", "soon"], ["signup", "a", "b"],
                 ["signup", "acme", "--metadata", "novalue"], ["signup", "acme", "--frob"],
                 ["signup", "acme", "--env-file"]):
        r = run(emulator, *args, cwd=tmp_path)
        assert r.returncode == 2, args
        assert "--help" in r.stderr


def test_base_url_flag_overrides_the_environment(emulator, tmp_path):
    env = cli_env(emulator, FOIL_BASE_URL="http://127.0.0.1:1")
    s = Signup(emulator, "acme", tmp_path, "--base-url", emulator.base_url, env=env)
    approve_when_asked(emulator, s)
    code, _, err = s.finish()
    assert code == 0, err
    assert os.path.exists(tmp_path / ".env")
