"""Failure mode: a captive portal answers in the gateway's place with 200 text/html.

An unsigned answer is "no link", never success: nothing is marked received, the link shows
offline with the reason, and once the real gateway answers everything arrives exactly once.
"""

from __future__ import annotations

from pathlib import Path

from sync.agent.link import LinkState
from sync.api import read_status
from sync.gateway.faults import Fault
from tests.fakes import FakeClock
from tests.sync.rig import make_rig
from tests.sync.sealed_store import states


def test_gateway_captive_portal(tmp_path: Path) -> None:
    with make_rig(tmp_path) as rig:
        apps = rig.seal(2, page_bytes=2000)
        rig.gateway.control.script(Fault.captive_portal(method="POST", path="/commit$"))
        with rig.agent(FakeClock.from_real_time()) as agent:
            first = agent.run_pass()
            assert first.retry is not None
            assert "not signed by the gateway" in first.retry.detail
            assert "received" not in states(rig.db).values()
            st = read_status(rig.db)
            assert st.link.state is LinkState.OFFLINE
            assert "text/html" in st.link.detail
            assert agent.run_once(budget_s=3600).drained
        rig.assert_on_gateway(apps)
