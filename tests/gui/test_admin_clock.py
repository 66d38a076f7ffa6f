"""Field staff see an untrusted clock on their sync screen (issue 11 item 7): the same verdict
that refuses the seal, with what to do; nothing shown while the clock is right."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.clock_trust import SYNC_KEY_GATEWAY_CLOCK, GatewayClock
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from sync.outbox import Outbox
from tests.gui.test_admin_kit import STAFF_PIN, AdminKit, build_admin, log_in, text_of, wait_item

pytestmark = pytest.mark.gui


@pytest.fixture
def admin(ui: KioskUi, kit: SimKit, tmp_path: Path) -> Iterator[AdminKit]:
    a = build_admin(ui, kit, tmp_path)
    yield a
    a.overlay.close()


def test_the_staff_screen_says_when_the_clock_is_wrong(qtbot: QtBot, admin: AdminKit) -> None:
    with Outbox(admin.kit.store.path, time.time) as outbox:  # the gateway is 3 days behind us
        outbox.set_state(SYNC_KEY_GATEWAY_CLOCK,
                         GatewayClock.observed(time.time(), -3 * 86400).to_json())
    window = admin.ui.window
    log_in(qtbot, admin, STAFF_PIN)
    wait_item(qtbot, window, "screen_admin_staff")
    qtbot.waitUntil(lambda: "Đồng hồ của máy đang sai" in text_of(qtbot, window, "staffClock"),
                    timeout=5000)
    text = text_of(qtbot, window, "staffClock")
    assert "KHÔNG nhận hồ sơ" in text
    assert "far_from_gateway" in text

    # the clock was put right and the agent saw the gateway again: the warning goes
    with Outbox(admin.kit.store.path, time.time) as outbox:
        outbox.set_state(SYNC_KEY_GATEWAY_CLOCK, GatewayClock.observed(time.time(), 0.3).to_json())
    staff = admin.overlay.staff
    staff.refresh()
    qtbot.waitUntil(lambda: staff.clock_warning == "", timeout=5000)
    qtbot.waitUntil(lambda: "Đồng hồ" not in text_of(qtbot, window, "screen_admin_staff"), timeout=5000)
