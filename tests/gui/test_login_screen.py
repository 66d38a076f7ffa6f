"""The login screen that cannot confuse: what is read and why before the card (shown and spoken),
both card models with the side and corner of their QR, the VNeID option; text, voice and the
refusal message agree."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.domain.cccd import QrRejected, RejectCode
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from tests.gui.driver import find, tap, wait_screen

pytestmark = pytest.mark.gui

FRONT_2021 = "mặt trước, góc trên bên phải"
BACK_2024 = "mặt sau"


def _to_login(ui: KioskUi, qtbot: Any) -> None:
    tap(ui, qtbot, "startButton")
    tap(ui, qtbot, "proc_HT-XNHN")
    tap(ui, qtbot, "procedureGo")
    wait_screen(ui, qtbot, "login")


def _text(ui: KioskUi, name: str) -> str:
    item = find(ui, name)
    assert item is not None, name
    return str(item.property("text"))


def test_privacy_notice_before_the_card_is_read(ui: KioskUi, qtbot: Any) -> None:
    _to_login(ui, qtbot)
    notice = find(ui, "privacyNotice")
    assert notice is not None
    said = ui.voice.history[-1]
    for what in ("họ tên", "số định danh", "ngày sinh", "địa chỉ", "mã hóa", "xóa"):
        assert what in ui.strings.text("login_privacy")
        assert what in said  # spoken as the screen opens, before anything is read
    assert "13/2023" in ui.strings.text("login_privacy")
    assert ui.flow.session.identity is None


def test_both_card_models_text_voice_and_refusal_agree(ui: KioskUi, kit: SimKit, qtbot: Any) -> None:
    _to_login(ui, qtbot)
    assert find(ui, "cardCccd2021") is not None
    assert find(ui, "cardCanCuoc2024") is not None
    caption_2021 = ui.strings.text("login_card_2021")
    caption_2024 = ui.strings.text("login_card_2024")
    said = ui.voice.history[-1]
    refusal = QrRejected.of(RejectCode.NOT_CCCD).message_vi
    for text in (caption_2021, said, refusal):
        assert FRONT_2021 in text
    for text in (caption_2024, said, refusal):
        assert BACK_2024 in text
    assert "Lật mặt sau" not in ui.strings.text("login_instructions")  # the old contradiction
    kit.qr.control.inject(b"https://example.com/not-a-card")
    qtbot.waitUntil(lambda: find(ui, "loginMessage") is not None, timeout=5000)
    assert ui.flow.login.message == refusal


def test_vneid_is_offered_and_the_camera_explained(ui: KioskUi, qtbot: Any) -> None:
    _to_login(ui, qtbot)
    assert "VNeID" in _text(ui, "loginVneid")
    assert "khung vàng" in _text(ui, "loginCameraHint")
    assert find(ui, "cameraPreview") is not None
