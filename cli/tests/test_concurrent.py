"""Concurrent signups into one env file (issue 10, defect 1): every delivery ends up in
the file, every ack is sent only after a durable write that holds it, and concurrent
creators of .foil/ and of the env file never fail each other."""

import io
import json
import signal
import time

from dotenv import dotenv_values

from conftest import ACME_OUTPUTS, EVIL_OUTPUTS, TRICKY_OUTPUTS, Signup, cli_env

FOIL_KEYS = ("FOIL_SECRET_KEY", "FOIL_PUBLISHABLE_KEY", "FOIL_GATE_AGENT_TOKEN")
EVIL_WRITTEN = {"EVIL_API_KEY": EVIL_OUTPUTS["EVIL_API_KEY"]}


def test_a_signup_waiting_on_the_lock_rereads_the_file(emulator, tmp_path):
    """A is held after writing its temp file (it read the file before B's keys existed);
    B must wait for A's lock, then merge A's keys in. Without the lock B's write (or its
    removal of A's temp file) loses or fails A's delivery."""
    env_file = tmp_path / ".env"
    env_file.write_text("# shared\nKEEP=1\n")
    a = Signup(emulator, "acme", tmp_path, "--json",
               env=cli_env(emulator, FOIL_CLI_TEST_PAUSE="env-temp+usr1"))
    emulator.approve(a.session_id())
    a.wait_for("foil-test-pause: env-temp")
    b = Signup(emulator, "tricky", tmp_path, "--json")
    emulator.approve(b.session_id())
    time.sleep(1.0)  # B is approved and polls; it must be blocked on A's lock
    assert b.proc.poll() is None, "B finished while A held the env file's lock"
    a.proc.send_signal(signal.SIGUSR1)
    code_a, out_a, err_a = a.finish()
    code_b, out_b, err_b = b.finish()
    assert code_a == 0, err_a
    assert code_b == 0, err_b
    assert json.loads(out_a)["acknowledged"] is True
    assert json.loads(out_b)["acknowledged"] is True
    assert dotenv_values(env_file) == {"KEEP": "1", **ACME_OUTPUTS, **TRICKY_OUTPUTS}
    assert env_file.read_text().startswith("# shared\nKEEP=1\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"], "no lock or temp file left"


def big_env(path, megabytes):
    """A large env file; returns its bytes (kept as the head of every merge)."""
    line = "FILLER_{:07d}=" + "x" * 80 + "\n"
    count = megabytes * 1024 * 1024 // len(line.format(0))
    data = ("# a large env file\n" + "".join(line.format(i) for i in range(count))).encode()
    path.write_bytes(data)
    return data


def tail_values(path, head):
    """The bindings after `head` (which the file must start with, byte for byte)."""
    data = path.read_bytes()
    assert data.startswith(head), "the existing content was not kept"
    return dotenv_values(stream=io.StringIO(data[len(head):].decode()))


def run_concurrent(emulator, tmp_path, services):
    procs = [Signup(emulator, name, tmp_path, "--json") for name in services]
    try:
        ids = [p.session_id() for p in procs]
        for sid in ids:  # approve them all at once
            emulator.approve(sid)
        results = [p.finish(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.proc.poll() is None:
                p.kill()
    for name, (code, out, err) in zip(services, results):
        assert code == 0, f"{name}: {err}{out}"
        result = json.loads(out)
        assert result["acknowledged"] is True, name
    return results


def test_concurrent_signups_into_one_large_env_file(emulator, tmp_path):
    env_file = tmp_path / ".env"
    head = big_env(env_file, 8)
    services = ["acme", "tricky", "evil", "foil"]
    for _round in range(2):
        run_concurrent(emulator, tmp_path, services)
        values = tail_values(env_file, head)
        for key, value in {**ACME_OUTPUTS, **TRICKY_OUTPUTS, **EVIL_WRITTEN}.items():
            assert values.get(key) == value, key
        for key in FOIL_KEYS:
            assert values.get(key), key
        assert not (tmp_path / ".foil").exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]


def test_concurrent_signups_create_the_env_file_and_state_dir_together(emulator, tmp_path):
    """No .env and no .foil/ yet: the creators race for both, and all must succeed."""
    for i in range(4):
        project = tmp_path / f"p{i}"
        project.mkdir()
        run_concurrent(emulator, project, ["acme", "tricky", "evil"])
        assert dotenv_values(project / ".env") == {**ACME_OUTPUTS, **TRICKY_OUTPUTS, **EVIL_WRITTEN}
        assert sorted(p.name for p in project.iterdir()) == [".env"]
