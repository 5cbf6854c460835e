"""A SIGKILL at every step of a signup never loses the delivery and never leaves a
half-written env file; `foil signup --resume` finishes the job.

FOIL_CLI_TEST_PAUSE=<step> makes the CLI announce "foil-test-pause: <step>" on stderr
and stop there, so the kill lands exactly at that step.
"""

import json
import stat

import pytest
from dotenv import dotenv_values

from conftest import ACME_OUTPUTS, Signup, cli_env, run

ORIGINAL = b"# keep me\nDATABASE_URL=postgres://localhost/app\nACME_API_KEY=stale\n"
MERGED = {"DATABASE_URL": "postgres://localhost/app", **ACME_OUTPUTS}


def start_paused(emu, tmp_path, step):
    (tmp_path / ".env").write_bytes(ORIGINAL)
    env = cli_env(emu, FOIL_CLI_TEST_PAUSE=step)
    s = Signup(emu, "acme", tmp_path, env=env)
    if step not in ("created", "saved"):
        emu.approve(s.session_id())
    s.wait_for(f"foil-test-pause: {step}")
    code, _, _ = s.kill()
    assert code == -9
    return s


def env_file_is_whole(tmp_path):
    """The env file holds either the original bytes or the complete merge."""
    data = (tmp_path / ".env").read_bytes()
    if data == ORIGINAL:
        return "original"
    assert dotenv_values(tmp_path / ".env") == MERGED
    return "merged"


@pytest.mark.parametrize("step", ["saved", "approved", "env-temp", "env-written", "acked"])
def test_kill_at_each_step_then_resume(emulator, tmp_path, step):
    s = start_paused(emulator, tmp_path, step)
    state = tmp_path / ".foil" / "signup-acme.json"
    assert state.exists(), "the session is saved before anything can be approved"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    expected = "merged" if step in ("env-written", "acked") else "original"
    assert env_file_is_whole(tmp_path) == expected
    if step == "env-temp":
        assert [p.name for p in tmp_path.glob(".env.foil-*")], "killed between write and rename"
    assert json.loads(state.read_text())["written"] is (step in ("env-written", "acked"))

    if step == "saved":
        # Killed before the consent page was even shown: approve it now.
        emulator.approve(json.loads(state.read_text())["session"]["id"])
    r = run(emulator, "signup", "acme", "--resume", "--no-browser", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr + r.stdout
    result = json.loads(r.stdout)
    assert result["ok"] is True
    if step == "acked":
        assert result["already_delivered"] is True
    assert dotenv_values(tmp_path / ".env") == MERGED
    assert (tmp_path / ".env").read_bytes().startswith(b"# keep me\nDATABASE_URL=")
    assert not (tmp_path / ".foil").exists()
    # Not even the temp file of the killed write is left behind.
    assert [p.name for p in tmp_path.iterdir()] == [".env"]


def test_kill_right_after_create_loses_nothing_approved(emulator, tmp_path):
    s = start_paused(emulator, tmp_path, "created")
    assert not (tmp_path / ".foil").exists()
    assert (tmp_path / ".env").read_bytes() == ORIGINAL
    r = run(emulator, "signup", "acme", "--resume", "--no-browser", cwd=tmp_path)
    assert r.returncode == 1
    assert "no unfinished signup" in r.stderr
    # Nobody saw the consent page of the killed session, so a new signup starts cleanly.
    s = Signup(emulator, "acme", tmp_path)
    emulator.approve(s.session_id())
    code, _, err = s.finish()
    assert code == 0, err
    assert dotenv_values(tmp_path / ".env") == MERGED


def test_resume_of_a_denied_session_exits_5(emulator, tmp_path):
    """Killed while waiting, then the session is denied: resume reports it and cleans up."""
    s = start_paused(emulator, tmp_path, "saved")
    emulator.deny(json.loads((tmp_path / ".foil" / "signup-acme.json").read_text())["session"]["id"])
    r = run(emulator, "signup", "acme", "--resume", "--no-browser", cwd=tmp_path)
    assert r.returncode == 5
    assert "Approve the signup" not in r.stdout
    assert not (tmp_path / ".foil").exists()
    assert (tmp_path / ".env").read_bytes() == ORIGINAL
