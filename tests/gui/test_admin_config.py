"""The technician's configuration form: a bad change is refused with a clear message and nothing
is written; a good one is written atomically and is what the next start reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.admin.audit import recent
from kiosk.admin.config_keeper import ConfigKeeper, StartDecision
from kiosk.config import load_config
from kiosk.ui.admin.config_form import current_values, merged, to_toml
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from tests.gui.test_admin_kit import (
    CONFIG_TEXT,
    TECH_PIN,
    AdminKit,
    build_admin,
    log_in,
    tap,
    text_of,
    wait_item,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def admin(ui: KioskUi, kit: SimKit, tmp_path: Path) -> Any:
    a = build_admin(ui, kit, tmp_path)
    yield a
    a.overlay.close()


def open_config(qtbot: QtBot, admin: AdminKit) -> None:
    log_in(qtbot, admin, TECH_PIN)
    tap(qtbot, admin.ui.window, "tab_config")
    wait_item(qtbot, admin.ui.window, "techConfig")


def type_into(qtbot: QtBot, admin: AdminKit, name: str, text: str) -> None:
    """Select the field's text with the keyboard and type over it, as a technician would."""
    window = admin.ui.window
    tap(qtbot, window, name)
    field = wait_item(qtbot, window, name)
    qtbot.waitUntil(field.hasActiveFocus, timeout=5000)
    QTest.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    for ch in text:  # key events carrying the text, as a keyboard layout with Vietnamese sends them
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QGuiApplication.sendEvent(window, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
    qtbot.waitUntil(lambda: field.property("text") == text, timeout=5000)


def test_a_bad_change_is_refused_with_a_clear_message_and_nothing_is_written(
    qtbot: QtBot, admin: AdminKit
) -> None:
    open_config(qtbot, admin)
    before = admin.config_path.read_bytes()
    type_into(qtbot, admin, "cfg_kiosk_commune_code", "2673")  # four digits, not five
    tap(qtbot, admin.ui.window, "cfg_devices_scanner_backend")  # simulated -> sane, no device
    tap(qtbot, admin.ui.window, "saveConfigButton")
    message = text_of(qtbot, admin.ui.window, "configMessage")
    assert message.startswith("Không lưu, cấu hình không hợp lệ (không có gì bị thay đổi):")
    assert "kiosk.commune_code: String should match pattern" in message
    assert "devices.scanner: the sane backend needs device" in message
    assert not admin.overlay.tech.config_ok
    assert admin.config_path.read_bytes() == before
    assert not admin.config_path.with_name("kiosk.toml.trial").exists()
    assert load_config(admin.config_path).kiosk.commune_code == "26734"
    qtbot.waitUntil(lambda: any(r[2] == "config.refused" for r in recent(admin.kit.store)), timeout=5000)
    refused = next(r for r in recent(admin.kit.store) if r[2] == "config.refused")
    assert refused[1] == "technician"
    assert refused[3] == "keys: kiosk.commune_code, devices.scanner.backend"


def test_a_good_change_is_saved_and_survives_a_restart(qtbot: QtBot, admin: AdminKit) -> None:
    open_config(qtbot, admin)
    type_into(qtbot, admin, "cfg_kiosk_commune_name", "Xã Hòa Bình")
    type_into(qtbot, admin, "cfg_display_dpi", "141.2")
    tap(qtbot, admin.ui.window, "cfg_devices_printer_paper_width_mm")  # 80 -> 58
    tap(qtbot, admin.ui.window, "saveConfigButton")
    tech = admin.overlay.tech
    qtbot.waitUntil(lambda: tech._get_config_ok() and "Đã lưu" in tech._get_config_message(), timeout=5000)
    # a new start reads the new file: same loader, a new keeper
    config = load_config(admin.config_path)
    assert config.kiosk.commune_name == "Xã Hòa Bình"
    assert config.display.dpi == 141.2
    assert config.devices.printer.paper_width_mm == 58
    assert config.session.idle_timeout_s == 120  # a key the form does not show is kept
    keeper = ConfigKeeper(admin.config_path)
    assert keeper.last_good.read_text("utf-8") == CONFIG_TEXT  # the previous file is kept
    assert keeper.on_start() is StartDecision.TRIAL
    keeper.confirm_good()  # the kiosk reached its Welcome screen with it
    assert ConfigKeeper(admin.config_path).on_start() is StartDecision.NORMAL
    assert load_config(admin.config_path).kiosk.commune_name == "Xã Hòa Bình"
    qtbot.waitUntil(lambda: any(r[2] == "config.saved" for r in recent(admin.kit.store)), timeout=5000)


def test_the_form_shows_the_file_and_reload_discards_edits(qtbot: QtBot, admin: AdminKit) -> None:
    open_config(qtbot, admin)
    window = admin.ui.window
    assert text_of(qtbot, window, "cfg_kiosk_id") == "KIOSK-0007"
    assert text_of(qtbot, window, "cfg_devices_printer_usb_vendor_id") == "0x04b8"  # a schema default
    type_into(qtbot, admin, "cfg_kiosk_id", "KIOSK-0099")
    tap(qtbot, window, "reloadConfigButton")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "cfg_kiosk_id") == "KIOSK-0007", timeout=5000)
    QTest.keyClick(window, Qt.Key.Key_Escape)


def test_toml_round_trip_keeps_unknown_sections() -> None:
    values = current_values(CONFIG_TEXT)
    values["devices.printer.usb_vendor_id"] = "0x0416"
    values["kiosk.commune_name"] = 'Xã "Tân" Phú'
    text = to_toml(merged(CONFIG_TEXT, values))
    config_values = current_values(text)
    assert config_values["devices.printer.usb_vendor_id"] == "0x0416"
    assert config_values["kiosk.commune_name"] == 'Xã "Tân" Phú'
    assert "[session]\nidle_timeout_s = 120" in text
