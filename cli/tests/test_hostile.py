"""A hostile review of `foil signup` (the user who wants to break it): closed standard
descriptors, out-of-range --timeout values, arguments that are not UTF-8 in --json."""

import json
import os
import subprocess

import pytest
from dotenv import dotenv_values

from conftest import ACME_OUTPUTS, FOIL_BIN, cli_env


@pytest.fixture
def approving(make_emulator):
    return make_emulator("--auto-approve", "200")


def test_signup_with_stdin_stdout_and_stderr_closed_writes_the_env_file(approving, tmp_path):
    # Closed 0, 1 and 2 were taken by libcurl's sockets: the progress line went into the
    # API connection and the signup failed. They are /dev/null now.
    (tmp_path / ".env").write_text("# mine\nFOO=bar\n")
    r = subprocess.run(
        ["sh", "-c", 'exec "$0" "$@" <&- >&- 2>&-', FOIL_BIN, "signup", "acme", "--no-browser",
         "--poll-interval", "100"],
        cwd=tmp_path, env=cli_env(approving), timeout=60)
    assert r.returncode == 0
    assert dotenv_values(tmp_path / ".env") == {"FOO": "bar", **ACME_OUTPUTS}
    assert not (tmp_path / ".foil").exists(), "acknowledged and cleaned up"


@pytest.mark.parametrize("seconds", ["nan", "inf", "1e300", "1e-9", "0", "-1", "", "5s", "86401"])
def test_timeout_out_of_range_is_a_usage_error(approving, tmp_path, seconds):
    # NaN and huge values did not fit a long (undefined), 1e-9 became 0 ms, which
    # means "wait until it expires".
    r = subprocess.run([FOIL_BIN, "signup", "acme", "--no-browser", "--timeout", seconds],
                       cwd=tmp_path, env=cli_env(approving), capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2, (seconds, r.stderr)
    assert "--timeout" in r.stderr
    assert not os.listdir(tmp_path), "nothing created"


def test_a_short_timeout_ends_the_wait(make_emulator, tmp_path):
    emu = make_emulator()  # never approves
    r = subprocess.run([FOIL_BIN, "signup", "acme", "--no-browser", "--poll-interval", "50",
                        "--timeout", "0.2"], cwd=tmp_path, env=cli_env(emu), capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 3, r.stderr
    assert (tmp_path / ".foil").is_dir(), "resumable"


def test_json_output_is_utf8_when_the_env_file_path_is_not(approving, tmp_path):
    name = b"keys\xff\x1b.env"
    r = subprocess.run([FOIL_BIN.encode(), b"signup", b"acme", b"--no-browser", b"--json",
                        b"--env-file", name], cwd=tmp_path, env=cli_env(approving),
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout.decode("utf-8"))  # strict: raises on a stray byte
    assert doc["ok"] and doc["env_file"].endswith("keys\ufffd\x1b.env")
    assert dotenv_values(os.path.join(os.fsencode(tmp_path), name)) == ACME_OUTPUTS
    # Errors too: a directory by that name is refused, in JSON.
    (tmp_path / "other").mkdir()
    bad = os.path.join(os.fsencode(tmp_path), b"other", b"d\xfe")
    os.mkdir(bad)
    r = subprocess.run([FOIL_BIN.encode(), b"signup", b"acme", b"--json", b"--env-file", bad],
                       cwd=tmp_path, env=cli_env(approving), capture_output=True, timeout=60)
    assert r.returncode == 2
    doc = json.loads(r.stdout.decode("utf-8"))
    assert doc["error"]["code"] == "env_file_unusable" and "d\ufffd" in doc["error"]["message"]


def test_an_env_file_path_too_long_is_a_usage_error(approving, tmp_path):
    # Like every other env file that cannot be used (exit 2, env_file_unusable); it
    # exited 1 with another code.
    r = subprocess.run([FOIL_BIN, "signup", "acme", "--json", "--env-file", "d/" * 2100 + ".env"],
                       cwd=tmp_path, env=cli_env(approving), capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2, r.stderr
    assert json.loads(r.stdout)["error"]["code"] == "env_file_unusable"
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("args, field", [([b"--account-name", b"caf\xe9"], "account_name"),
                                         ([b"--metadata", b"team=\xff"], "metadata")])
def test_text_that_is_not_utf8_is_refused_before_the_session(approving, tmp_path, args, field):
    # It was sent as it was: the session was created, every poll then failed to parse
    # the echoed name, and the signup waited until the session expired.
    r = subprocess.run([FOIL_BIN.encode(), b"signup", b"acme", b"--no-browser", b"--json", *args],
                       cwd=tmp_path, env=cli_env(approving), capture_output=True, timeout=30)
    assert r.returncode == 2, r.stderr
    error = json.loads(r.stdout)["error"]
    assert error["fields"][0]["name"] == field and "UTF-8" in error["message"]
    assert not (tmp_path / ".foil").exists(), "no session was created"


def test_the_default_account_name_of_a_non_utf8_directory_is_repaired(approving, tmp_path):
    project = os.path.join(os.fsencode(tmp_path), b"caf\xe9")
    os.mkdir(project)
    r = subprocess.run([FOIL_BIN, "signup", "acme", "--no-browser", "--poll-interval", "100",
                        "--json"], cwd=project, env=cli_env(approving), capture_output=True,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["account_name"] == "caf\ufffd"
    assert dotenv_values(os.path.join(project, b".env")) == ACME_OUTPUTS
