"""Time you can trust, as the citizen meets it (issue 11 item 7): the kiosk's clock is three days
off the gateway's last signed Date; at OK the seal is refused, the citizen is told kindly (on
screen and aloud), an officer is called, the session is not wiped by the idle timer and nothing
is written; once the agent has seen the gateway again with the clock put right, OK seals the very
same application."""

from __future__ import annotations

import time

import pytest
from pytestqt.qtbot import QtBot

from kiosk.clock_trust import SYNC_KEY_GATEWAY_CLOCK, GatewayClock
from kiosk.domain.session import IdlePhase, Step
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from sync.outbox import Outbox
from tests.fakes import FakeClock
from tests.gui.driver import tap, wait_screen
from tests.gui.steps import walk_to_done_review

pytestmark = pytest.mark.gui


def _gateway_said(kit: SimKit, skew_s: float) -> None:
    """What the sync agent writes after a verified answer (gateway minus kiosk = ``skew_s``)."""
    with Outbox(kit.store.path, time.time) as outbox:
        outbox.set_state(SYNC_KEY_GATEWAY_CLOCK,
                         GatewayClock.observed(time.time(), skew_s).to_json())


def _type_code_and_ok(ui: KioskUi, qtbot: QtBot) -> None:
    for d in ui.flow.confirm.current_code():
        tap(ui, qtbot, f"confirm_{d}")
    tap(ui, qtbot, "confirm_ok")


def _applications(kit: SimKit) -> int:
    return int(kit.store.query("SELECT COUNT(*) FROM applications")[0][0])


def test_a_wrong_clock_keeps_the_application_and_calls_staff(
        ui: KioskUi, kit: SimKit, qtbot: QtBot, clock: FakeClock) -> None:
    refusals: list[str] = []
    ui.flow.clock_refused.connect(refusals.append)
    walk_to_done_review(ui, kit, qtbot)
    _gateway_said(kit, skew_s=-3 * 86400)  # our clock runs three days ahead of the gateway
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "confirm")
    _type_code_and_ok(ui, qtbot)

    kind = ui.strings.text_in("vi", "confirm_clock_wrong")
    qtbot.waitUntil(lambda: ui.flow.confirm._get_error() == kind, timeout=10000)
    assert ui.flow.current_screen() == "confirm"
    assert "Ông Bà" in kind
    assert "giữ nguyên" in kind  # "your application is kept"
    assert ui.voice.history[-1] == kind  # said aloud too
    assert ui.flow.done.officer_notified  # staff called
    assert len(refusals) == 1
    assert "off the gateway's time" in refusals[0]
    assert _applications(kit) == 0  # nothing sealed, no appointment date given

    # the citizen waits for staff far longer than the idle timeout: the session is kept
    clock.now += ui.flow.session.idle_timeout_s + ui.flow.session.warning_s + 600
    assert ui.flow.session.tick().phase is IdlePhase.ACTIVE
    assert ui.flow.session.step is not Step.WELCOME  # not wiped
    assert ui.flow.current_screen() == "confirm"

    _gateway_said(kit, skew_s=0.5)  # the clock was put right; the agent saw the gateway again
    _type_code_and_ok(ui, qtbot)
    wait_screen(ui, qtbot, "done")
    qtbot.waitUntil(lambda: not ui.flow.done.is_printing(), timeout=10000)
    assert _applications(kit) == 1
    at = str(kit.store.query("SELECT confirmed_at FROM applications")[0][0])
    assert at.startswith(time.strftime("%Y-%m-%d", time.gmtime()))
