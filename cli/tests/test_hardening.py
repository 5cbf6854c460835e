"""Issue 10, CLI defects 5, 8, 9 and 14: escaped human output, resuming a finished
signup, env-file targets checked before the session exists, capped inputs, refused
tolerances, the env file's mode, usage errors exiting 2."""

import json
import os
import signal
import stat
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import urllib.request

import pytest
from dotenv import dotenv_values

from conftest import ACME_OUTPUTS, FOIL_BIN, Signup, cli_env, run, secrets_absent

# Bytes a terminal acts on: ESC, BEL, CR, DEL, C1 (raw and UTF-8), a direction override.
POISON = "\x1b]0;pwned\x07\x1b[2J\rFORGED\x7f\u009b31m\u202e"
RAW_CONTROLS = [b"\x1b", b"\x07", b"\r", b"\x7f", b"\xc2\x9b", b"\xe2\x80\xae"]


def assert_no_controls(data, allow_newlines=True):
    raw = data.encode() if isinstance(data, str) else data
    for bad in RAW_CONTROLS:
        assert bad not in raw, f"{bad!r} reached the terminal: {raw[:400]!r}"
    for line in raw.split(b"\n"):
        assert not line.startswith(b"FORGED"), "a forged line"


def no_color_env(emu, **extra):
    return cli_env(emu, NO_COLOR="1", **extra)


# ---- defect 5: escaping ---------------------------------------------------------------


def test_session_fields_are_escaped_for_people_and_exact_in_json(emulator):
    env = no_color_env(emulator, FOIL_SECRET_KEY=emulator.secret_key)
    sid = emulator.info()["newest_session_id"]
    user = "user\x1b[31mRED\r\nFORGED\x07" + "\u009b2J"
    r = run(emulator, "sessions", "attach-user", sid, user, env=env)
    assert r.returncode == 0, r.stderr
    assert_no_controls(r.stdout)
    assert "user\\e[31mRED\\r\\nFORGED\\x07\\u009b2J" in r.stdout
    r = run(emulator, "sessions", "get", sid, env=env)
    assert_no_controls(r.stdout)
    r = run(emulator, "sessions", "list", "--limit", "5", env=env)
    assert r.returncode == 0
    assert_no_controls(r.stdout)
    assert "\\e[31mRED" in r.stdout
    r = run(emulator, "sessions", "get", sid, "--json", env=env)
    assert json.loads(r.stdout)["client_user_id"] == user, "JSON output stays exact"
    run(emulator, "sessions", "clear-user", sid, env=env)


class Hostile:
    """An API whose every text field carries terminal escapes."""

    def __init__(self, routes):
        routes = routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, body = routes.get(self.path.split("?")[0], (404, {"error": {
                    "code": "request.not_found", "message": "No such thing " + POISON, "status": 404,
                    "retryable": False, "request_id": "req_" + "0" * 32,
                    "docs_url": "https://usefoil.com/docs/" + POISON,
                    "details": {"fields": [{"name": "id" + POISON, "issue": "bad " + POISON}]}}}))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-Request-Id", "req_" + "1" * 32)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def poison_entry(entry):
    entry = json.loads(json.dumps(entry))
    entry["name"] = "Acme " + POISON
    entry["description"] = "Best " + POISON + "\nsecond line"
    entry["branding"]["ascii_art"] = "ART" + POISON + "\nLINE2\x1b[1A"
    for sdk in entry.get("sdks") or []:
        sdk["label"] = "py" + POISON
        sdk["install"] = "pip install x" + POISON
    for var in entry.get("env_vars") or []:
        var["name"] = "Key " + POISON
    return entry


def test_registry_and_errors_from_a_hostile_server_are_escaped(emulator):
    def fetch(path):
        with urllib.request.urlopen(emulator.base_url + path, timeout=10) as resp:
            return json.loads(resp.read())

    listing = fetch("/v1/gate/registry")
    listing["data"] = [poison_entry(e) for e in listing["data"]]
    entry = fetch("/v1/gate/registry/foil")
    entry["data"] = poison_entry(entry["data"])
    hostile = Hostile({"/v1/gate/registry": (200, listing), "/v1/gate/registry/foil": (200, entry)})
    try:
        env = no_color_env(emulator, FOIL_BASE_URL=hostile.base_url)
        r = run(emulator, "registry", env=env)
        assert r.returncode == 0, r.stderr
        assert_no_controls(r.stdout + r.stderr)
        assert "Acme \\e]0;pwned\\x07" in r.stdout
        r = run(emulator, "registry", "get", "foil", env=env)
        assert r.returncode == 0, r.stderr
        assert_no_controls(r.stdout + r.stderr)
        r = run(emulator, "registry", "get", "foil", "--json", env=env)
        assert json.loads(r.stdout)["name"] == "Acme " + POISON
        for args in (["registry", "get", "nope"], ["signup", "nope", "--no-browser"],
                     ["sessions", "get", "sid_x", "--secret-key", "sk_test_" + "a" * 40]):
            r = run(emulator, *args, env=env)
            assert r.returncode == 1, args
            assert "No such thing \\e]0;pwned" in r.stderr or "Service not found" in r.stderr
            assert_no_controls(r.stdout + r.stderr)
        r = run(emulator, "registry", "get", "nope", "--json", env=env)
        assert json.loads(r.stdout)["error"]["message"] == "No such thing " + POISON
        # Arguments echoed in usage errors are escaped too.
        r = run(emulator, "frob\x1b[2Jnicate", env=env)
        assert r.returncode == 2 and "frob\\e[2Jnicate" in r.stderr
        assert_no_controls(r.stderr)
    finally:
        hostile.stop()


def test_refused_key_names_are_escaped(make_emulator, tmp_path):
    outputs = {"GOOD_KEY": "good_value_0123456789", "BAD\x1b[2J\rKEY": "x", "ALSO\nBAD": "y"}
    emu = make_emulator("--service", "hostile=" + json.dumps(outputs))
    s = Signup(emu, "hostile", tmp_path, env=no_color_env(emu))
    emu.approve(s.session_id())
    code, out, err = s.finish()
    assert code == 0, err
    assert_no_controls(out + err)
    assert "refused BAD\\e[2J\\rKEY" in err and "refused ALSO\\nBAD" in err
    assert dotenv_values(tmp_path / ".env") == {"GOOD_KEY": "good_value_0123456789"}
    s = Signup(emu, "hostile", tmp_path, "--json", env=no_color_env(emu))
    emu.approve(s.session_id())
    code, out, err = s.finish()
    assert code == 0
    assert {r["key"] for r in json.loads(out)["refused"]} == {"BAD\x1b[2J\rKEY", "ALSO\nBAD"}


# ---- defect 8: resuming a finished signup ------------------------------------------------


def fake_browser(tmp_path):
    """An xdg-open that records its calls; returns (env additions, log path)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "opened.log"
    opener = bindir / "xdg-open"
    opener.write_text(f"#!/bin/sh\necho \"$1\" >> {log}\n")
    opener.chmod(0o755)
    return {"PATH": f"{bindir}:{os.environ['PATH']}", "DISPLAY": ":99"}, log


@pytest.mark.parametrize("json_mode", [False, True])
def test_resume_of_an_acknowledged_signup_says_it_is_done(emulator, tmp_path, json_mode):
    project = tmp_path / "p"
    project.mkdir()
    s = Signup(emulator, "acme", project, env=cli_env(emulator, FOIL_CLI_TEST_PAUSE="acked"))
    emulator.approve(s.session_id())
    s.wait_for("foil-test-pause: acked")
    s.kill()
    extra, log = fake_browser(tmp_path)
    args = ["signup", "acme", "--resume"] + (["--json"] if json_mode else [])
    r = run(emulator, *args, cwd=project, env=cli_env(emulator, **extra))
    assert r.returncode == 0, r.stderr
    assert "Approve" not in r.stdout + r.stderr
    assert not log.exists(), "no browser is opened for a finished signup"
    if json_mode:
        result = json.loads(r.stdout)
        assert result["ok"] is True and result["already_delivered"] is True
        assert result["acknowledged"] is True and result["resumed"] is True
        assert "already done" in result["message"]
    else:
        assert "already finished" in r.stdout
    assert dotenv_values(project / ".env") == ACME_OUTPUTS
    assert not (project / ".foil").exists()


# ---- defect 9: the env file is checked before the session is created ----------------------


def sessions_created(emu):
    """Gate sessions the emulator has: created ones show up in its log of ids via info."""
    return emu.info().get("gate_session_count")


def unusable_targets(tmp_path):
    fifo = tmp_path / "fifo.env"
    os.mkfifo(fifo)
    directory = tmp_path / "dir.env"
    directory.mkdir()
    dangling = tmp_path / "dangling.env"
    dangling.symlink_to(tmp_path / "missing" / "target.env")
    big = tmp_path / "big.env"
    with open(big, "wb") as f:
        f.truncate(17 * 1024 * 1024)
    link_to_fifo = tmp_path / "link.env"
    link_to_fifo.symlink_to(fifo)
    return {"FIFO": fifo, "directory": directory, "dangling": dangling, "larger than": big,
            "FIFO ": link_to_fifo, "character device": "/dev/null"}


def test_unusable_env_files_are_refused_before_the_session(emulator, tmp_path):
    for reason, target in unusable_targets(tmp_path).items():
        for json_mode in (False, True):
            args = ["signup", "acme", "--no-browser", "--env-file", str(target)]
            r = run(emulator, *args + (["--json"] if json_mode else []), cwd=tmp_path, timeout=15)
            assert r.returncode == 2, (reason, r.stdout, r.stderr)
            text = r.stdout + r.stderr
            assert "Approve" not in text and "session=" not in text, reason
            if json_mode:
                error = json.loads(r.stdout)["error"]
                assert error["code"] == "env_file_unusable" and reason.strip() in error["message"]
            else:
                assert reason.strip() in r.stderr, (reason, r.stderr)
    assert not (tmp_path / ".foil").exists()
    assert not os.path.exists("/dev/.foil"), "--env-file /dev/null must not create /dev/.foil"
    assert not (tmp_path / "missing").exists()


def test_a_fifo_swapped_in_after_approval_is_never_opened(emulator, tmp_path):
    env = cli_env(emulator, FOIL_CLI_TEST_PAUSE="approved+usr1")
    s = Signup(emulator, "acme", tmp_path, env=env)
    emulator.approve(s.session_id())
    s.wait_for("foil-test-pause: approved")
    os.mkfifo(tmp_path / ".env")
    s.proc.send_signal(signal.SIGUSR1)
    code, out, err = s.finish(timeout=15)
    assert code == 1, err
    assert "FIFO" in err and "--resume" in err
    assert (tmp_path / ".foil" / "signup-acme.json").exists(), "the delivery stays resumable"
    os.unlink(tmp_path / ".env")
    r = run(emulator, "signup", "acme", "--resume", "--no-browser", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert dotenv_values(tmp_path / ".env") == ACME_OUTPUTS


# ---- defect 14: capped inputs, tolerance, modes, usage errors ------------------------------


def run_with_stdin_file(emu, args, path, env=None, timeout=20):
    with open(path, "rb") as f:
        return subprocess.run([FOIL_BIN, *args], stdin=f, capture_output=True, text=True,
                              env=env or cli_env(emu), timeout=timeout)


def test_token_from_stdin_is_capped(emulator):
    env = cli_env(emulator, FOIL_SECRET_KEY=emulator.secret_key)
    r = run_with_stdin_file(emulator, ["token", "verify", "-"], "/dev/zero", env=env)
    assert r.returncode == 1
    assert "larger than 65536 bytes" in r.stderr
    r = run(emulator, "token", "verify", "-", "--json", env=env, input="A" * 70000 + "\n")
    assert r.returncode == 1
    assert json.loads(r.stdout)["error"]["code"] == "input_too_large"
    r = run(emulator, "token", "verify", "-", env=env, input="not-a-token\n")
    assert r.returncode == 4


def test_webhook_body_over_the_cap_is_named(emulator, tmp_path):
    body = tmp_path / "body"
    with open(body, "wb") as f:
        f.truncate(17 * 1024 * 1024)
    args = ["webhook", "verify", "--secret", "whsec_x", "--timestamp", "1", "--signature", "v1=00"]
    r = run_with_stdin_file(emulator, args, body)
    assert r.returncode == 1
    assert "body larger than 16777216 bytes" in r.stderr
    assert "cannot read" not in r.stderr
    r = run_with_stdin_file(emulator, args + ["--json"], "/dev/zero")
    assert json.loads(r.stdout)["error"]["code"] == "body_too_large"


@pytest.mark.parametrize("tolerance", ["99999999999999999999", "1e999", "inf", "nan", "-5", "0",
                                       "86401", "5s", ""])
def test_webhook_tolerance_out_of_range_is_a_usage_error(emulator, tolerance):
    r = run(emulator, "webhook", "verify", "--secret", "whsec_x", "--timestamp", "1",
            "--signature", "v1=00", "--tolerance", tolerance, input="{}")
    assert r.returncode == 2, r.stderr
    assert "--tolerance" in r.stderr


def test_webhook_tolerance_in_range_is_accepted(emulator):
    r = run(emulator, "webhook", "verify", "--secret", "whsec_x", "--timestamp", "1",
            "--signature", "v1=00", "--tolerance", "86400", input="{}")
    assert r.returncode == 4, "verified (and refused) rather than a usage error"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_secrets_into_a_readable_env_file_warn(emulator, tmp_path, mode):
    env_file = tmp_path / ".env"
    env_file.write_text("A=1\n")
    env_file.chmod(mode)
    s = Signup(emulator, "acme", tmp_path, env=no_color_env(emulator))
    emulator.approve(s.session_id())
    code, out, err = s.finish()
    assert code == 0, err
    assert "warning:" in err and "other users" in err and f"{mode:04o}" in err
    assert stat.S_IMODE(env_file.stat().st_mode) == mode, "the owner's mode is kept"
    s = Signup(emulator, "acme", tmp_path, "--json")
    emulator.approve(s.session_id())
    code, out, err = s.finish()
    warnings = json.loads(out)["warnings"]
    assert [w["code"] for w in warnings] == ["env_file_permissions"]
    assert secrets_absent(out + err, ACME_OUTPUTS)


def test_a_private_env_file_gets_no_warning(emulator, tmp_path):
    s = Signup(emulator, "acme", tmp_path, "--json")
    emulator.approve(s.session_id())
    code, out, err = s.finish()
    assert code == 0, err
    assert json.loads(out)["warnings"] == []
    assert "warning" not in err


@pytest.mark.parametrize("args", [["frobnicate"], [], ["sessions", "--frob"], ["registry", "sideways"],
                                  ["token"], ["webhook", "verify"], ["version", "extra"],
                                  ["sessions", "list", "--limit", "0"], ["login"], ["demo", "--nope"]])
def test_usage_errors_exit_2(emulator, args):
    r = run(emulator, *args)
    assert r.returncode == 2, (args, r.stderr)
    assert r.stderr


# ---- defect 7: flags beat the environment, which is read only when needed ------------------


def test_base_url_flag_beats_a_bad_environment(emulator):
    env = cli_env(emulator, FOIL_BASE_URL="http://example.com")
    r = run(emulator, "registry", "--base-url", emulator.base_url, "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert "foil" in {e["id"] for e in json.loads(r.stdout)["data"]}
    keyed = cli_env(emulator, FOIL_BASE_URL="http://example.com", FOIL_SECRET_KEY="bad\nkey")
    r = run(emulator, "sessions", "list", "--limit", "1", "--json", "--base-url", emulator.base_url,
            "--secret-key", emulator.secret_key, env=keyed)
    assert r.returncode == 0, r.stderr


def test_a_bad_secret_key_in_the_environment_does_not_break_keyless_commands(emulator, tmp_path):
    env = cli_env(emulator, FOIL_SECRET_KEY="sk_test_\nX-Injected: yes")
    r = run(emulator, "registry", env=env)
    assert r.returncode == 0, r.stderr
    r = run(emulator, "registry", "get", "acme", env=env)
    assert r.returncode == 0, r.stderr
    s = Signup(emulator, "acme", tmp_path, "--json", env=env)
    emulator.approve(s.session_id())
    code, out, err = s.finish()
    assert code == 0, err
    assert dotenv_values(tmp_path / ".env") == ACME_OUTPUTS
    # Where the key is needed, the bad one is reported (as a usage error), never sent.
    r = run(emulator, "sessions", "list", env=env)
    assert r.returncode in (1, 2) and "secret" in r.stderr.lower()
    assert "X-Injected" not in r.stderr
