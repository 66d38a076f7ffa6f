"""The hidden way into technician/staff mode: long press, PIN, role, lockout, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.admin.audit import recent
from kiosk.admin.pin import PinGuard, PinOutcome, Role
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from tests.gui.driver import tap as kiosk_tap
from tests.gui.driver import wait_screen
from tests.gui.test_admin_kit import (
    STAFF_PIN,
    TECH_PIN,
    AdminKit,
    build_admin,
    centre,
    find,
    log_in,
    long_press_hotspot,
    tap,
    text_of,
    type_pin,
    wait_item,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def admin(ui: KioskUi, kit: SimKit, tmp_path: Path) -> Any:
    a = build_admin(ui, kit, tmp_path)
    yield a
    a.overlay.close()


def actions(admin: AdminKit) -> list[tuple[str, str]]:
    return [(actor, action) for _at, actor, action, _d in reversed(recent(admin.kit.store))]


def test_a_short_tap_on_the_corner_opens_nothing_and_reaches_the_kiosk(qtbot: QtBot, admin: AdminKit) -> None:
    window = admin.ui.window
    spot = wait_item(qtbot, window, "adminHotspot")
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre(spot))
    assert not admin.overlay.gate.is_open()
    assert find(window, "adminPanel") is None
    kiosk_tap(admin.ui, qtbot, "startButton")  # the kiosk underneath still works
    wait_screen(admin.ui, qtbot, "procedure")


def test_technician_pin_opens_technician_screens(qtbot: QtBot, admin: AdminKit) -> None:
    kiosk_tap(admin.ui, qtbot, "startButton")
    wait_screen(admin.ui, qtbot, "procedure")
    long_press_hotspot(qtbot, admin)
    wait_item(qtbot, admin.ui.window, "screen_admin_pin")
    assert admin.ui.flow.current_screen() == "welcome"  # the citizen's session was put away
    type_pin(qtbot, admin, TECH_PIN)
    wait_item(qtbot, admin.ui.window, "screen_admin_technician")
    assert admin.overlay.gate.role_name() == "technician"
    tap(qtbot, admin.ui.window, "adminCloseButton")
    qtbot.waitUntil(lambda: find(admin.ui.window, "adminPanel") is None, timeout=5000)
    qtbot.waitUntil(lambda: ("technician", "logout") in actions(admin), timeout=5000)
    assert actions(admin) == [("technician", "login"), ("technician", "logout")]


def test_staff_pin_opens_the_sync_screen_and_does_not_count_against_the_technician(
    qtbot: QtBot, admin: AdminKit
) -> None:
    for _ in range(6):  # more staff log-ins than the technician's allowed wrong tries
        log_in(qtbot, admin, STAFF_PIN)
        wait_item(qtbot, admin.ui.window, "screen_admin_staff")
        tap(qtbot, admin.ui.window, "adminCloseButton")
        qtbot.waitUntil(lambda: not admin.overlay.gate.is_open(), timeout=5000)
    log_in(qtbot, admin, TECH_PIN)
    wait_item(qtbot, admin.ui.window, "screen_admin_technician")


def test_wrong_pins_lock_the_pad_for_five_minutes_with_the_time_left(qtbot: QtBot, admin: AdminKit) -> None:
    window = admin.ui.window
    long_press_hotspot(qtbot, admin)
    for left in (4, 3, 2, 1):
        type_pin(qtbot, admin, "000000")
        assert text_of(qtbot, window, "pinMessage") == f"Mã PIN sai. Còn {left} lần thử."
    type_pin(qtbot, admin, "000000")
    assert admin.overlay.gate.is_locked()
    assert text_of(qtbot, window, "pinMessage") == "Nhập sai quá 5 lần. Khóa, thử lại sau 5:00."
    # the right PIN is refused while locked: the keys do nothing
    type_pin(qtbot, admin, TECH_PIN)
    assert find(window, "screen_admin_technician") is None
    assert admin.overlay.gate.typed_count() == 0

    admin.clock.now += 200
    admin.overlay.gate.refresh_lock()  # what the once-a-second timer does
    assert text_of(qtbot, window, "pinMessage") == "Nhập sai quá 5 lần. Khóa, thử lại sau 1:40."
    # closing and reopening keeps the lock (it lives in the PIN file, not the screen)
    tap(qtbot, window, "adminCloseButton")
    long_press_hotspot(qtbot, admin)
    assert admin.overlay.gate.is_locked()

    admin.clock.now += 101
    admin.overlay.gate.refresh_lock()
    assert not admin.overlay.gate.is_locked()
    type_pin(qtbot, admin, TECH_PIN)
    wait_item(qtbot, window, "screen_admin_technician")
    assert actions(admin)[-1] == ("technician", "login")
    assert [a for _, a in actions(admin)].count("pin.wrong") == 4
    assert ("unknown", "pin.locked") in actions(admin)
    # the digits typed never reach the log
    assert all(TECH_PIN not in row[3] and "000000" not in row[3] for row in recent(admin.kit.store))


def test_lockout_survives_a_restart(qtbot: QtBot, admin: AdminKit, tmp_path: Path) -> None:
    long_press_hotspot(qtbot, admin)
    for _ in range(5):
        type_pin(qtbot, admin, "999999")
    assert admin.overlay.gate.is_locked()
    # a restarted kiosk reads the same PIN file: the right PIN is still refused as locked
    again = PinGuard(tmp_path / "keys" / "pins.json", admin.clock)
    outcome = again.check(Role.TECHNICIAN, TECH_PIN)
    assert outcome.outcome is PinOutcome.LOCKED
    assert outcome.locked_for_s == 300
