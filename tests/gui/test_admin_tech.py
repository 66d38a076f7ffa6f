"""Technician screens: device status and self-tests, camera that never shows what it read, network
test, the recent log and restart; plus screenshots for docs/screens/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from devices.status import DeviceStatus
from kiosk.admin.audit import recent
from kiosk.domain.cccd import format_cccd
from kiosk.ui.admin import ActionResult
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from tests.gui.steps import CITIZEN
from tests.gui.test_admin_kit import (
    STAFF_PIN,
    TECH_PIN,
    AdminKit,
    build_admin,
    find,
    log_in,
    quarantine,
    seal_one,
    tap,
    text_of,
    wait_item,
)

pytestmark = pytest.mark.gui
SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"


@pytest.fixture
def admin(ui: KioskUi, kit: SimKit, tmp_path: Path) -> Any:
    a = build_admin(ui, kit, tmp_path)
    yield a
    a.overlay.close()


def shoot(admin: AdminKit, qtbot: QtBot, name: str) -> None:
    """docs/screens/<name>.png when KIOSK_SCREENSHOTS=1 (the docs are refreshed on purpose)."""
    if os.environ.get("KIOSK_SCREENSHOTS") != "1":
        return
    qtbot.wait(50)  # let the scene graph render the last change
    image = admin.ui.window.grabWindow()
    SCREENS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SCREENS / f"{name}.png"))


def test_devices_status_and_print_and_scan_tests(qtbot: QtBot, admin: AdminKit) -> None:
    window = admin.ui.window
    admin.kit.printer.control.set_status(DeviceStatus.NO_PAPER)
    log_in(qtbot, admin, TECH_PIN)
    qtbot.waitUntil(lambda: find(window, "device_printer") is not None, timeout=5000)
    assert text_of(qtbot, window, "device_printer") == "Máy in: hết giấy (simulated no_paper)"
    assert text_of(qtbot, window, "device_scanner") == "Máy quét: sẵn sàng"
    tap(qtbot, window, "printTestButton")
    qtbot.waitUntil(lambda: admin.overlay.tech._get_busy() == "", timeout=10000)
    assert text_of(qtbot, window, "techResult").startswith("Máy in: KHÔNG đạt (hết giấy)")
    admin.kit.printer.control.set_status(DeviceStatus.READY)
    printed_before = len(admin.kit.printer.printed)
    tap(qtbot, window, "printTestButton")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "techResult").startswith("Máy in: đạt"), timeout=10000)
    assert len(admin.kit.printer.printed) == printed_before + 1
    qtbot.waitUntil(lambda: "sẵn sàng" in text_of(qtbot, window, "device_printer"), timeout=5000)

    tap(qtbot, window, "scanTestButton")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "techResult").startswith("Máy quét: đạt"), timeout=20000)
    preview = wait_item(qtbot, window, "scanPreview")
    assert preview.property("source").toString().startswith("image://kiosk/admin_scan")
    qtbot.waitUntil(lambda: preview.property("sourceSize").width() > 100, timeout=5000)  # loaded
    shoot(admin, qtbot, "admin_technician_devices")
    qtbot.waitUntil(lambda: [r[2] for r in recent(admin.kit.store)].count("selftest.printer") == 2,
                    timeout=5000)
    assert "selftest.scanner" in [r[2] for r in recent(admin.kit.store)]


def test_camera_says_what_it_read_never_who(qtbot: QtBot, admin: AdminKit) -> None:
    window = admin.ui.window
    log_in(qtbot, admin, TECH_PIN)
    tap(qtbot, window, "cameraStartButton")
    wait_item(qtbot, window, "cameraView")
    assert text_of(qtbot, window, "previewCaption").startswith("Đưa một mã QR")
    payload = format_cccd(CITIZEN).encode("utf-8")
    admin.kit.qr.control.inject(payload)
    qtbot.waitUntil(lambda: "thẻ căn cước ✓" in text_of(qtbot, window, "previewCaption"), timeout=5000)
    caption = text_of(qtbot, window, "previewCaption")
    assert caption == f"Đọc được QR thẻ căn cước ✓ ({len(payload)} byte)"
    admin.kit.qr.control.inject(b"DVC-KIOSK-SELFTEST")
    qtbot.waitUntil(lambda: "phiếu thử" in text_of(qtbot, window, "previewCaption"), timeout=5000)
    tech = admin.overlay.tech
    shown = tech._get_camera_url()
    qtbot.waitUntil(lambda: tech._get_camera_url() != shown, timeout=5000)  # a frame with the slip's QR
    shoot(admin, qtbot, "admin_technician_camera")
    tap(qtbot, window, "cameraStopButton")
    wait_item(qtbot, window, "cameraStartButton")
    # nothing of the citizen anywhere: not on screen, not in the log
    texts = "\n".join(str(i) for i in (text_of(qtbot, window, "screen_admin_technician"),
                                        *recent(admin.kit.store)))
    for secret in (CITIZEN.citizen_id, CITIZEN.full_name, CITIZEN.address):
        assert secret not in texts
    # the camera is free again for the citizen's login screen
    admin.kit.qr.start(lambda _p: None)
    admin.kit.qr.stop()


def test_network_test_log_and_restart(qtbot: QtBot, admin: AdminKit) -> None:
    window = admin.ui.window
    admin.net_answers[:] = [ActionResult(False, "10.0.0.5:443 does not answer: timed out"),
                            ActionResult(True, "signed ping OK in 84 ms; gateway 1.0, clock skew +0 s")]
    log_in(qtbot, admin, TECH_PIN)
    tap(qtbot, window, "tab_network")
    tap(qtbot, window, "netTestButton")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "netMessage").startswith("Không kết nối được"),
                    timeout=5000)
    tap(qtbot, window, "netTestButton")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "netMessage").startswith("Kết nối tốt: signed ping OK"),
                    timeout=5000)
    shoot(admin, qtbot, "admin_technician_network")
    tap(qtbot, window, "tab_log")
    qtbot.waitUntil(lambda: "network.test" in text_of(qtbot, window, "logList"), timeout=5000)
    shoot(admin, qtbot, "admin_technician_log")
    tap(qtbot, window, "tab_network")
    tap(qtbot, window, "restartButton")
    assert admin.restarts == ["restart"]
    assert not admin.overlay.gate.is_open()
    assert ("technician", "restart") in [(r[1], r[2]) for r in recent(admin.kit.store)]


def test_screenshots_of_pin_config_and_staff(qtbot: QtBot, admin: AdminKit) -> None:
    window = admin.ui.window
    from tests.gui.test_admin_kit import long_press_hotspot, type_pin

    long_press_hotspot(qtbot, admin)
    type_pin(qtbot, admin, "111111")
    wait_item(qtbot, window, "pinMessage")
    shoot(admin, qtbot, "admin_pin")
    type_pin(qtbot, admin, TECH_PIN)
    tap(qtbot, window, "tab_config")
    tap(qtbot, window, "cfg_devices_scanner_backend")  # sane without a device: refused
    tap(qtbot, window, "saveConfigButton")
    wait_item(qtbot, window, "configMessage")
    shoot(admin, qtbot, "admin_technician_config_refused")
    tap(qtbot, window, "adminCloseButton")

    kit = admin.kit
    for seed in (11, 12, 13):
        seal_one(kit, seed=seed)
    quarantine(kit, seal_one(kit, seed=14), "gateway 422 validation: catalog version 2025.9 withdrawn")
    quarantine(kit, seal_one(kit, seed=15), "gateway 409: manifest differs from the one already received")
    log_in(qtbot, admin, STAFF_PIN)
    wait_item(qtbot, window, "screen_admin_staff")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "quarantineTitle") == "Hồ sơ cần xử lý: 2",
                    timeout=5000)  # the status is read on the overlay's worker
    shoot(admin, qtbot, "admin_staff")
