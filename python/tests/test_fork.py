"""A client used on both sides of os.fork(): each process gets the answers to its own requests.

The child never sends on a connection it inherited (the parent's): on one TCP stream shared by
two processes each reads whichever answer comes first, so a child's `sessions.get(a)` would
come back as the parent's session `b`, or fail. Every request here asks for a different
session and checks the answer's id."""

from __future__ import annotations

import os
import signal
import struct
import threading

import foil


def _ask(client: foil.Foil, ids: list[str]) -> tuple[int, int]:
    crossed = errors = 0
    for sid in ids:
        try:
            if client.sessions.get(sid).id != sid:
                crossed += 1
        except foil.FoilError:
            errors += 1
    return crossed, errors


def _fork_round(client: foil.Foil, parent_ids: list[str], child_ids: list[str]) -> tuple[int, int, int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no pytest from here on, only os._exit
        code = 3
        try:
            signal.alarm(60)  # a hang ends the child, and fails the test
            os.close(read_end)
            os.write(write_end, struct.pack("ii", *_ask(client, child_ids)))
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    parent = _ask(client, parent_ids)
    _, status = os.waitpid(pid, 0)
    data = os.read(read_end, 8)
    os.close(read_end)
    assert os.waitstatus_to_exitcode(status) == 0 and len(data) == 8
    child = struct.unpack("ii", data)
    return parent[0], parent[1], child[0], child[1]


def test_parent_and_child_get_their_own_answers(client: foil.Foil) -> None:
    ids = [s.id for s in client.sessions.iter(limit=200)][:400]
    assert len(ids) == 400
    busy_stop = threading.Event()
    busy_errors: list[BaseException] = []

    def busy() -> None:  # parent threads mid-request when the fork comes
        try:
            while not busy_stop.is_set():
                assert client.sessions.get(ids[0]).id == ids[0]
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            busy_errors.append(e)

    totals = [0, 0, 0, 0]
    for rnd in range(4):
        _ask(client, ids[:8])  # pooled connections for the child to inherit
        threads = [threading.Thread(target=busy) for _ in range(2 if rnd % 2 else 0)]
        busy_stop.clear()
        for t in threads:
            t.start()
        counts = _fork_round(client, ids[0::2][:200], ids[1::2][:200])
        busy_stop.set()
        for t in threads:
            t.join()
        totals = [a + b for a, b in zip(totals, counts)]
    assert totals == [0, 0, 0, 0], "parent crossed/errors, child crossed/errors"
    assert busy_errors == []
