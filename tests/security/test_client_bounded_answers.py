"""Issue 10 item 8: a hostile or broken server cannot hold the sync agent or fill its memory.

The client reads at most 1 MiB of an answer (the gateway's answers are small) and every
exchange has one overall deadline, not a timeout per read. Before: an endless chunked body grew
the agent to 24 GB, and one byte every 5 s kept ``sync once`` running far past its budget.
The application stays queued through all of it.
"""

from __future__ import annotations

import socket
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from sync.agent.link import LinkState
from sync.client.failure import GatewayError
from sync.client.gateway import GatewayClient
from sync.protocol.keys import generate_signing_key
from tests.fakes import FakeClock
from tests.security.hostile_http import Tally, hostile_server
from tests.sync.rig import make_rig
from tests.sync.sealed_store import states

Respond = Callable[[socket.socket, Tally], None]
STOP = threading.Event()  # the drip servers pace on it; never set, so it is a bounded wait


def endless_chunked(sock: socket.socket, tally: Tally) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"10000\r\n" + b"{" * 0x10000 + b"\r\n"
    for _ in range(4096):  # 256 MiB at most, should the client never hang up
        sock.sendall(chunk)
        tally.add(len(chunk))


def announces_ten_gigabytes(sock: socket.socket, tally: Tally) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n" + b"x" * 4096)
    tally.add(4096)


def drip_body(sock: socket.socket, tally: Tally) -> None:
    sock.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n")  # headers never end
    for _ in range(400):
        STOP.wait(0.2)
        sock.sendall(b"X")
        tally.add(1)


def drip_chunks(sock: socket.socket, tally: Tally) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n")
    for _ in range(400):
        STOP.wait(0.2)
        sock.sendall(b" ")
        tally.add(1)


def client(url: str, deadline_s: float) -> GatewayClient:
    return GatewayClient(url, "KIOSK-T1", generate_signing_key(), generate_signing_key().public_key(),
                         clock=time.time, timeout=(2.0, 5.0), deadline_s=deadline_s)


def test_an_endless_chunked_body_is_cut_at_the_cap_and_memory_stays_small() -> None:
    with hostile_server(endless_chunked) as (url, tally), client(url, 30.0) as c:
        tracemalloc.start()
        try:
            with pytest.raises(GatewayError) as refused:
                c.ping()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert tally.hung_up.wait(10)
    assert refused.value.failure.status is None
    assert "longer than 1048576 bytes" in refused.value.failure.detail
    assert peak < 8 << 20, f"client peaked at {peak} bytes"
    assert tally.bytes_sent < 64 << 20  # the socket buffers, not the 256 MiB on offer


def test_an_announced_huge_body_is_refused_before_reading() -> None:
    with (hostile_server(announces_ten_gigabytes) as (url, _), client(url, 30.0) as c,
          pytest.raises(GatewayError) as refused):
        c.ping()
    assert "announces 10737418240 bytes" in refused.value.failure.detail


@pytest.mark.parametrize("respond", [drip_body, drip_chunks], ids=["headers", "body"])
def test_one_byte_at_a_time_ends_at_the_overall_deadline(respond: Respond) -> None:
    with hostile_server(respond) as (url, _), client(url, 1.5) as c:
        started = time.monotonic()
        with pytest.raises(GatewayError) as refused:
            c.ping()
        took = time.monotonic() - started
    # each read gets a byte well within the 5 s read timeout: only the deadline can end it
    assert 1.4 <= took < 4.0, took
    assert "deadline" in refused.value.failure.detail


@pytest.mark.parametrize("respond", [endless_chunked, drip_chunks], ids=["endless", "drip"])
def test_the_agent_gives_up_in_time_and_the_application_stays_queued(
    tmp_path: Path, respond: Respond
) -> None:
    with make_rig(tmp_path) as rig:
        rig.seal(1, page_bytes=2000)
        before = states(rig.db)
        with (hostile_server(respond) as (url, _),
              rig.agent(FakeClock.from_real_time(), url=url, request_deadline_s=1.5) as agent):
            started = time.monotonic()
            report = agent.run_pass()
            took = time.monotonic() - started
        assert report.link is LinkState.OFFLINE
        assert took < 6.0, took
        assert states(rig.db) == before
        # and the real gateway still gets it, exactly once
        with rig.agent(FakeClock.from_real_time()) as agent:
            assert agent.run_once(budget_s=3600).drained
        rig.assert_on_gateway(rig.apps)
