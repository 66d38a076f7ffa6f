"""Failure mode: the gateway is overloaded and answers 503 with Retry-After.

The agent waits exactly what the gateway asked (on the injected clock: no sleeping), keeps
the application queued in retry-wait meanwhile, and sends it once when the gateway is back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync.gateway.faults import Fault
from tests.fakes import FakeClock
from tests.sync.rig import make_rig


def test_gateway_503_retry_after(tmp_path: Path) -> None:
    with make_rig(tmp_path) as rig:
        apps = rig.seal(2, page_bytes=2000)
        rig.gateway.control.script(*[Fault.answer(503, method="PUT", retry_after=120)
                                     for _ in range(3)])
        clock = FakeClock.from_real_time()
        with rig.agent(clock) as agent:
            first = agent.run_pass()
            assert first.retry is not None
            assert first.retry.status == 503
            conn = sqlite3.connect(rig.db)
            try:
                state, attempts = conn.execute(
                    "SELECT state, attempts FROM applications WHERE kiosk_seq = 1").fetchone()
            finally:
                conn.close()
            assert (state, attempts) == ("retry_wait", 1)
            assert agent.run_once(budget_s=3600).drained
        assert clock.waits == [120, 120]
        rig.assert_on_gateway(apps)
