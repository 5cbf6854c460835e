"""The live progress line and colours, seen through a pseudo-terminal."""

import os
import pty
import re
import subprocess

import pytest
from dotenv import dotenv_values

from conftest import ACME_OUTPUTS, FOIL_BIN, cli_env


def run_in_pty(emu, cwd, **env_extra):
    """Runs a signup with stdin/stdout/stderr on a pty; returns (exit code, output)."""
    master, slave = pty.openpty()
    env = cli_env(emu, **{"TERM": "xterm-256color", "LANG": "C.UTF-8", **env_extra})
    proc = subprocess.Popen(
        [FOIL_BIN, "signup", "acme", "--no-browser", "--poll-interval", "200"],
        cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, close_fds=True,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def slow_approval(make_emulator):
    return make_emulator("--auto-approve", "1200")


def test_progress_line_redraws_in_place_with_colours(slow_approval, tmp_path):
    code, out = run_in_pty(slow_approval, tmp_path)
    assert code == 0, out
    redraws = out.count("\r\x1b[2K")
    assert redraws >= 5, out
    frames = set(re.findall(r"\r\x1b\[2K\x1b\[36m(.)\x1b\[0m Waiting for approval", out))
    assert len(frames) >= 3 and frames <= set("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"), frames
    assert re.search(r"pending 1[45]:\d\d left", out)
    assert "\x1b[32m" in out and "Approved." in out
    assert dotenv_values(tmp_path / ".env") == ACME_OUTPUTS


def test_no_color_keeps_the_progress_line_but_drops_colours(slow_approval, tmp_path):
    code, out = run_in_pty(slow_approval, tmp_path, NO_COLOR="1")
    assert code == 0, out
    assert "\r\x1b[2K" in out and "Waiting for approval" in out
    assert not re.search(r"\x1b\[[0-9;]*m", out), "no SGR colour sequence with NO_COLOR"


def test_ascii_spinner_without_utf8(slow_approval, tmp_path):
    code, out = run_in_pty(slow_approval, tmp_path, LANG="C", LC_ALL="C")
    assert code == 0, out
    frames = set(re.findall(r"\r\x1b\[2K\x1b\[36m(.)\x1b\[0m Waiting", out))
    assert frames and frames <= set("|/-\\"), frames
    assert "OK Approved." in out


def test_dumb_terminal_gets_plain_lines(slow_approval, tmp_path):
    code, out = run_in_pty(slow_approval, tmp_path, TERM="dumb")
    assert code == 0, out
    assert "\x1b[" not in out
    assert re.search(r"Waiting for approval: pending, 1[45]:\d\d left\r?\n", out)
