"""A bad link between the agent and the gateway: cut, reset, stalled, 2 KB/s.

Each fault is injected by the loopback fault proxy at a byte count that lands in a different
place (inside the ping, the PUT, a document chunk, an answer...). Whatever it hits, every
sealed application must end on the gateway exactly once with matching hashes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sync.netsim import Direction, FaultKind, FaultProxy
from tests.fakes import FakeClock
from tests.sync.rig import Rig, make_rig


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    with make_rig(tmp_path) as r:
        yield r


@pytest.fixture
def proxy(rig: Rig) -> Iterator[FaultProxy]:
    port = urlsplit(rig.gateway.url).port
    assert port is not None
    with FaultProxy("127.0.0.1", port) as p:
        yield p


# A clean run of this workload moves about 188 kB up and 3.5 kB down (each document's first
# chunk travels in its create): these offsets land in the ping, the PUT, the first and a later
# document, and in answers early and late.
PLACES = [(Direction.UP, n) for n in (50, 900, 3_000, 40_000, 150_000)] + [
    (Direction.DOWN, n) for n in (50, 900, 2_500, 3_000)]


@pytest.mark.parametrize("kind", [FaultKind.CUT, FaultKind.RESET])
@pytest.mark.parametrize(("direction", "after"), PLACES)
def test_connection_dropped_anywhere(rig: Rig, proxy: FaultProxy, kind: FaultKind,
                                     direction: Direction, after: int) -> None:
    apps = rig.seal(2, page_bytes=30_000)       # ~30 KB and ~60 KB documents
    proxy.arm(kind, after, direction=direction)
    with rig.agent(FakeClock.from_real_time(), url=proxy.url) as agent:
        report = agent.run_once(budget_s=3600)
    assert report.drained, report
    assert proxy.faults_fired == 1
    rig.assert_on_gateway(apps)


def test_repeated_cuts_every_few_kilobytes(rig: Rig, proxy: FaultProxy) -> None:
    """2G that drops all the time: a cut every 100 kB; progress still made, nothing doubled."""
    apps = rig.seal(3, page_bytes=30_000)
    proxy.arm(FaultKind.CUT, 100_000, repeat=True)
    clock = FakeClock.from_real_time()
    with rig.agent(clock, url=proxy.url) as agent:
        report = agent.run_once(budget_s=30 * 24 * 3600)
    assert report.drained, report
    assert proxy.faults_fired >= 2
    rig.assert_on_gateway(apps)


def test_stalled_link_times_out_and_resumes(rig: Rig, proxy: FaultProxy) -> None:
    apps = rig.seal(1, page_bytes=30_000)
    proxy.stall_after(20_000)
    with rig.agent(FakeClock.from_real_time(), url=proxy.url, read_timeout_s=0.5,
                   min_rate_bps=10_000_000) as agent:
        report = agent.run_once(budget_s=3600)
    assert report.drained, report
    assert proxy.faults_fired == 1
    rig.assert_on_gateway(apps)


def test_two_kilobytes_per_second(rig: Rig, proxy: FaultProxy) -> None:
    apps = rig.seal(1, page_bytes=1_000)
    proxy.limit_rate(2048)
    with rig.agent(FakeClock.from_real_time(), url=proxy.url) as agent:
        report = agent.run_once(budget_s=3600)
    assert report.drained, report
    assert proxy.faults_fired == 0
    rig.assert_on_gateway(apps)
