"""Shared fixtures of the foil CLI end-to-end tests.

The binary comes from FOIL_BIN (the tests are skipped without it); every test talks to a
`foil emulator --json` started here, in temporary directories, with no network.
"""

import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.request

import pytest

FOIL_BIN = os.environ.get("FOIL_BIN")

# Outputs of the services the emulator serves besides the built-in `foil`.
ACME_OUTPUTS = {"ACME_API_KEY": "acme_live_0123456789abcdef", "ACME_WEBHOOK_SECRET": "whsec_acme_42"}
EVIL_OUTPUTS = {
    "EVIL_API_KEY": "evil_key_0123456789",
    "PATH": "/tmp/evil/bin",
    "LD_PRELOAD": "/tmp/evil.so",
    "npm_config_registry": "https://registry.evil.invalid",
    "EVIL_GATE_AGENT_TOKEN": "agt_forged_by_the_integrator",
}
TRICKY_OUTPUTS = {
    "T_SPACES": "two words  and more",
    "T_HASH": "value # not a comment",
    "T_NEWLINES": "line one\nline two\n",
    "T_QUOTES": "it's \"quoted\"",
    "T_SINGLE": "it's",
    "T_BACKSLASH": "C:\\path\\to\\file",
    "T_UNICODE": "héllo ✓ 日本",
    "T_DOLLAR": "price $5 and $HOME",
    "T_EMPTY": "",
    "T_EQUALS": "a=b=c",
}


def pytest_collection_modifyitems(config, items):
    if FOIL_BIN:
        return
    skip = pytest.mark.skip(reason="FOIL_BIN is not set (path to the built foil binary)")
    for item in items:
        item.add_marker(skip)


class Emulator:
    def __init__(self, *extra):
        args = [FOIL_BIN, "emulator", "--json"]
        for name, outputs in (("acme", ACME_OUTPUTS), ("evil", EVIL_OUTPUTS), ("tricky", TRICKY_OUTPUTS)):
            args += ["--service", f"{name}={json.dumps(outputs)}"]
        self.proc = subprocess.Popen(
            args + list(extra), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        info = json.loads(self.proc.stdout.readline())
        self.base_url = info["base_url"]
        self.secret_key = info["secret_key"]

    def post(self, path, body=None):
        data = json.dumps(body or {}).encode()
        req = urllib.request.Request(
            self.base_url + path, data=data, method="POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())["data"]

    def approve(self, session_id):
        return self.post(f"/_emulator/gate/sessions/{session_id}/approve")

    def deny(self, session_id):
        return self.post(f"/_emulator/gate/sessions/{session_id}/deny")

    def info(self):
        with urllib.request.urlopen(self.base_url + "/_emulator", timeout=10) as resp:
            return json.loads(resp.read())["data"]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def emulator():
    emu = Emulator()
    yield emu
    emu.stop()


@pytest.fixture
def make_emulator():
    started = []

    def make(*extra):
        emu = Emulator(*extra)
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


def cli_env(emu, **extra):
    """The environment for a foil run against `emu`: no colours unless asked, no key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOIL_")}
    env.pop("NO_COLOR", None)
    env["FOIL_BASE_URL"] = emu.base_url
    env.update(extra)
    return env


def run(emu, *args, cwd=None, env=None, input=None, timeout=60):
    return subprocess.run(
        [FOIL_BIN, *args],
        cwd=cwd,
        env=env or cli_env(emu),
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


SESSION_RE = re.compile(r"session=(gate_[0-9a-z]+)")


class Signup:
    """A `foil signup` running in the background whose output is read as it comes."""

    def __init__(self, emu, service, cwd, *args, env=None):
        self.proc = subprocess.Popen(
            [FOIL_BIN, "signup", service, "--no-browser", "--poll-interval", "100", *args],
            cwd=cwd,
            env=env or cli_env(emu),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout, self.stderr = [], []
        self.threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr), daemon=True),
        ]
        for t in self.threads:
            t.start()

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink.append(line)

    def wait_for(self, pattern, timeout=15):
        """The first match of `pattern` in stdout or stderr so far, waiting for it."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while time.monotonic() < deadline:
            for line in self.stdout + self.stderr:
                m = rx.search(line)
                if m:
                    return m
            if self.proc.poll() is not None and not any(t.is_alive() for t in self.threads):
                break
            time.sleep(0.02)
        raise AssertionError(f"no {pattern!r} in output: {''.join(self.stdout + self.stderr)}")

    def session_id(self):
        return self.wait_for(SESSION_RE.pattern).group(1)

    def finish(self, timeout=30):
        code = self.proc.wait(timeout=timeout)
        for t in self.threads:
            t.join(timeout=5)
        return code, "".join(self.stdout), "".join(self.stderr)

    def kill(self, sig=signal.SIGKILL):
        self.proc.send_signal(sig)
        return self.finish()


def secrets_absent(text, outputs):
    """True when no delivered secret value shows up in `text`."""
    return not any(v and len(v) >= 8 and v in text for v in outputs.values())

