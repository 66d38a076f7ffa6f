"""Backoff, chunk sizing and the lease, driven by an injected clock: no sleeping."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sync.agent.chunks import MAX_CHUNK, MIN_CHUNK, ChunkSizer
from sync.backoff import Backoff
from sync.lease import Lease
from sync.outbox import Outbox
from tests.fakes import FakeClock
from tests.sync.sealed_store import create_store


def test_backoff_grows_doubles_and_caps() -> None:
    clock = FakeClock(1_800_000_000.0)
    b = Backoff(clock=clock, rand=lambda: 1.0, base_s=1.0, cap_s=60.0)
    delays = [b.failed() for _ in range(10)]
    assert delays[:7] == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0]
    assert max(delays) == 60.0
    assert b.remaining() == 60.0
    clock.advance(59.5)
    assert b.remaining() == pytest.approx(0.5)
    clock.advance(1)
    assert b.remaining() == 0.0


def test_backoff_jitter_spreads_within_bounds() -> None:
    clock = FakeClock(1_800_000_000.0)
    lows = Backoff(clock=clock, rand=lambda: 0.0, base_s=2.0, cap_s=100.0)
    highs = Backoff(clock=clock, rand=lambda: 0.999, base_s=2.0, cap_s=100.0)
    for _ in range(5):
        lows.failed()
        highs.failed()
    assert lows.delay_for(4) == 1.0          # floor is base/2, never zero: no hot loop
    assert 31.0 < highs.delay_for(4) <= 32.0


def test_retry_after_wins_but_is_capped_and_success_resets() -> None:
    clock = FakeClock(1_800_000_000.0)
    b = Backoff(clock=clock, rand=lambda: 0.5, cap_s=300.0)
    assert b.failed(retry_after_s=120) == 120
    assert b.failed(retry_after_s=86_400) == 300.0
    b.succeeded()
    assert b.failures == 0
    assert b.remaining() == 0.0
    assert b.failed() == pytest.approx(0.75)


def test_chunk_size_follows_measured_rate_within_bounds() -> None:
    s = ChunkSizer()
    assert s.size == MIN_CHUNK
    for _ in range(10):                       # loopback-fast: grows, 2x per step, to 1 MiB
        s.observe(s.size, 0.01)
    assert s.size == MAX_CHUNK
    s.observe(MAX_CHUNK, MAX_CHUNK / 4096)    # a 4 KB/s link: back down to the floor
    assert s.size == MIN_CHUNK
    s.limit(100_000)
    for _ in range(10):
        s.observe(s.size, 0.01)
    assert s.size == 100_000                  # never above the gateway's X-Max-Chunk
    s.too_large(100_000)
    assert s.size == 50_000
    assert s.ceiling == 50_000


def test_lease_refuses_second_agent_and_expired_lease_is_taken_over(tmp_path: Path) -> None:
    db = create_store(tmp_path)
    clock = FakeClock(1_800_000_000.0)
    with Outbox(db, clock) as ob1, Outbox(db, clock) as ob2:
        a = Lease(ob1, "agent-a", clock, term_s=60)
        b = Lease(ob2, "agent-b", clock, term_s=60)
        assert a.acquire() is None
        held = b.acquire()
        assert held is not None
        assert held.holder == "agent-a"
        clock.advance(30)
        assert a.keep()                       # renewed at a third of the term
        clock.advance(59)
        assert b.acquire() is not None        # renewal pushed expiry: still a's
        clock.advance(2)
        assert b.acquire() is None            # a stopped renewing: b takes over
        assert not a.keep()                   # and a learns it lost the lease
        b.release()
        assert a.acquire() is None


def test_lease_of_a_dead_process_on_this_host_is_taken_over_at_once(tmp_path: Path) -> None:
    db = create_store(tmp_path)
    clock = FakeClock(1_800_000_000.0)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    host = socket.gethostname()
    with Outbox(db, clock) as ob1, Outbox(db, clock) as ob2:
        alive = Lease(ob1, f"{host}:{os.getppid()}:alive", clock)
        assert alive.acquire() is None
        assert Lease(ob2, "me", clock).acquire() is not None   # live holder: refused
        alive.release()
        assert Lease(ob1, f"{host}:{dead.pid}:dead", clock).acquire() is None
        assert Lease(ob2, "me", clock).acquire() is None       # dead holder: taken at once
        assert Lease(ob1, f"otherhost:{dead.pid}:x", clock).acquire() is not None
