"""Malformed and abusive HTTP over raw sockets: each gets a 4xx (or the connection closed), and
none of it crashes the emulator, holds up other clients, spins the CPU or leaks descriptors."""

import os
import re
import socket
import time

import httpx
import pytest
from conftest import start_emulator


@pytest.fixture
def emu():
    emu = start_emulator()
    emu.port = int(emu.base_url.rsplit(":", 1)[1])
    yield emu
    if emu.proc.poll() is None:
        emu.stop()
    assert emu.proc.returncode == 0


def exchange(emu, data, timeout=5.0):
    """Sends data, reads until the server closes (or the timeout): what came back."""
    with socket.create_connection(("127.0.0.1", emu.port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                return out
            if not chunk:
                return out
            out += chunk


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def served(emu):
    with emu.client() as c:
        return c.get("/v1/sessions?limit=1").status_code == 200


MALFORMED = [
    (b"HELLO WORLD\r\n\r\n", b"HTTP/1.1 400"),
    (b"GET / HTTP/9.9\r\n\r\n", b"HTTP/1.1 505"),
    (b"GET /_emulator HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 200_000 + b"\r\n\r\n",
     b"HTTP/1.1 431"),
    (b"GET /_emulator HTTP/1.1\r\nHost: x\r\n"
     + b"".join(b"X-%d: y\r\n" % i for i in range(20_000)) + b"\r\n", b"HTTP/1.1 431"),
    (b"GET /v1/sessions/" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 414"),
    (b"POST /_emulator/webhook-sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"zz\r\nabc\r\n0\r\n\r\n", b"HTTP/1.1 400"),
    (b"POST /_emulator/webhook-sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"ffffffffffffffffff\r\nabc\r\n0\r\n\r\n", b"HTTP/1.1 413"),
    (b"POST /_emulator/webhook-sink HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
     b"HTTP/1.1 400"),
    (b"POST /_emulator/webhook-sink HTTP/1.1\r\nHost: x\r\n"
     b"Content-Length: 99999999999999999999\r\n\r\n", b"HTTP/1.1 413"),
    (b"POST /_emulator/webhook-sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
     b"Connection: close\r\n\r\n" + (b"100000\r\n" + b"a" * 0x100000 + b"\r\n") * 2
     + b"0\r\n\r\n", b"HTTP/1.1 413"),
    (bytes(range(256)) * 4, b""),
]


def test_malformed_requests_get_a_4xx_and_the_server_goes_on(emu):
    for data, status in MALFORMED:
        answer = exchange(emu, data)
        assert answer.startswith(status), (data[:60], answer[:120])
    assert served(emu)


def test_pipelined_requests_are_answered_in_order(emu):
    data = b"".join(b"GET /v1/gate/registry/%s HTTP/1.1\r\nHost: x\r\n\r\n" % name
                    for name in (b"foil", b"nope", b"foil"))
    data += b"GET /_emulator HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", exchange(emu, data))
    assert statuses == [b"200", b"404", b"200", b"200"]


def test_stalled_idle_and_unread_connections_hold_up_no_one(emu):
    pid = emu.proc.pid
    before = descriptors(pid)
    # Half a request (slowloris), connections never used, and clients that never read a 64 MiB
    # answer (their receive buffers full, the server's send blocked).
    stalled = []
    for _ in range(300):
        s = socket.create_connection(("127.0.0.1", emu.port))
        s.sendall(b"POST /v1/gate/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        stalled.append(s)
    stalled += [socket.create_connection(("127.0.0.1", emu.port)) for _ in range(100)]
    httpx.post(emu.base_url + "/_emulator/faults", json={
        "kind": "oversized", "method": "GET", "path_prefix": "/_emulator", "count": 5})
    for _ in range(5):
        s = socket.create_connection(("127.0.0.1", emu.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b"GET /_emulator HTTP/1.1\r\nHost: x\r\n\r\n")
        stalled.append(s)
    time.sleep(0.5)
    started = time.monotonic()
    assert served(emu)
    assert time.monotonic() - started < 2.0
    cpu = cpu_seconds(pid)
    time.sleep(1.0)
    assert cpu_seconds(pid) - cpu < 0.5, "the emulator spins while connections wait"
    for s in stalled:
        s.close()
    deadline = time.monotonic() + 10
    while descriptors(pid) > before + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert descriptors(pid) <= before + 2, "descriptors left open after the clients closed"
    assert served(emu)


def test_sigterm_with_stalled_and_unread_connections_stops_at_once(emu):
    held = []
    for _ in range(50):
        s = socket.create_connection(("127.0.0.1", emu.port))
        s.sendall(b"POST /v1/gate/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        held.append(s)
    httpx.post(emu.base_url + "/_emulator/faults", json={
        "kind": "oversized", "method": "GET", "path_prefix": "/_emulator", "count": 3})
    for _ in range(3):
        s = socket.create_connection(("127.0.0.1", emu.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b"GET /_emulator HTTP/1.1\r\nHost: x\r\n\r\n")
        held.append(s)
    time.sleep(0.3)
    started = time.monotonic()
    emu.stop()
    assert emu.proc.returncode == 0
    assert time.monotonic() - started < 5.0
    for s in held:
        s.close()
