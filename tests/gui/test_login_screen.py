"""The login screen that cannot confuse: what is read and why before the card (shown and spoken),
both card models with the side and corner of their QR, the VNeID option; text, voice and the
refusal message agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from kiosk.domain.cccd import QrRejected, RejectCode
from kiosk.ui.app_ui import KioskUi
from kiosk.ui.i18n import load_locale
from kiosk.wiring.sim import SimKit
from tests.gui.driver import find, tap, wait_screen

pytestmark = pytest.mark.gui

FRONT_2021 = "mặt trước, góc trên bên phải"
BACK_2024 = "mặt sau"
IMAGES = Path(__file__).resolve().parents[2] / "kiosk" / "ui" / "qml" / "images"


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


def _ring(svg: Path) -> tuple[float, float, float, float, float, float]:
    """The yellow ring of a card drawing: (x, y, width, height) and the card's width, height."""
    root = ElementTree.parse(svg).getroot()
    ring = next(e for e in root.iter() if e.get("id") == "qr_ring")
    box = [float(ring.get(k, "0")) for k in ("x", "y", "width", "height")]
    return box[0], box[1], box[2], box[3], float(root.get("width", "0")), float(root.get("height", "0"))


def test_the_drawings_agree_with_the_words() -> None:
    """2021 chip card: the ring sits on the top right corner (front). 2024 card: its corner is not
    in any description we could check, so no corner is drawn or said: the whole back is ringed."""
    x, y, w, h, card_w, card_h = _ring(IMAGES / "card_cccd_2021_front.svg")
    assert x > card_w / 2  # right
    assert y + h < card_h / 2  # top
    x, y, w, h, card_w, card_h = _ring(IMAGES / "card_cancuoc_2024_back.svg")
    assert (x, y) <= (4, 4)
    assert w >= card_w - 8
    assert h >= card_h - 8  # the whole side
    words_2024 = [load_locale(lang)[key] for lang in ("vi", "en")
                  for key in ("login_card_2024", "voice_login", "card_other_hold")]
    refusal = QrRejected.of(RejectCode.NOT_CCCD)
    words_2024 += [refusal.message_vi, refusal.message_en]
    for text in words_2024:  # no corner nor "upper part" is claimed for the 2024 card anywhere
        about_2024 = _after(text, ("2024", "new ID card", "căn cước mới"))
        assert "mặt sau" in about_2024 or "back" in about_2024, text
        for claim in ("phía trên", "góc", "at the top", "corner", "top"):
            assert claim not in about_2024, (claim, text)


def _after(text: str, marks: tuple[str, ...]) -> str:
    """What ``text`` says after its last mention of the 2024 card."""
    at = max(text.rfind(m) + len(m) if m in text else -1 for m in marks)
    assert at >= 0, text
    return text[at:]
