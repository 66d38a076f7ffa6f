"""The receiving slip, read back from the real ESC/POS bytes the printer got (the tests' decoder):
every field is on the paper, in Vietnamese, titles in the bold face, body text >= 2.5 mm; and
the done screen says the appointment with weekday, hours, where and fee."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFont
from pytestqt.qtbot import QtBot

from devices.receipt.render import (
    BODY_PX,
    DEFAULT_FONT,
    DOTS_PER_MM,
    MIN_CAP_MM,
    TITLE_PX,
    bold_font_for,
)
from devices.scanner.sample_pages import make_sample_page
from kiosk.ui.app_ui import KioskUi, apply_font, build_ui
from kiosk.ui.slip import WEEKDAYS
from kiosk.wiring.sim import SimKit
from tests.gui.driver import find, tap, wait_screen
from tests.gui.steps import CITIZEN, walk_to_documents
from tests.support.escpos_decode import parse_commands, raster_image

pytestmark = pytest.mark.gui

AUTHORITY = "UBND xã Quế Châu"
HOTLINE = "0235 3875 123"
HOURS = "sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu"
BOLD = bold_font_for(DEFAULT_FONT)


@pytest.fixture
def ui(qapp: object, kit: SimKit) -> Iterator[KioskUi]:
    from PySide6.QtGui import QGuiApplication

    assert isinstance(qapp, QGuiApplication)
    apply_font(qapp)
    kiosk = dataclasses.replace(kit.services.kiosk, authority=AUTHORITY, hotline=HOTLINE,
                                office_hours=HOURS)
    u = build_ui(dataclasses.replace(kit.services, kiosk=kiosk))
    yield u
    u.close()


def _submit(ui: KioskUi, kit: SimKit, qtbot: QtBot, *, english: bool = False) -> None:
    """A divorced citizen: the divorce decision (2 pages) is received with the application."""
    if english:
        tap(ui, qtbot, "langEnButton")
    walk_to_documents(ui, kit, qtbot)
    kit.scanner.control.feed([make_sample_page("Quyết định ly hôn", seed=i) for i in (1, 2)])
    tap(ui, qtbot, "scan_divorce_decision")
    qtbot.waitUntil(lambda: len(ui.flow.docs.pages.get("divorce_decision", ())) == 2,
                    timeout=10000)
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "review")
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "confirm")
    for d in ui.flow.confirm.current_code():
        tap(ui, qtbot, f"confirm_{d}")
    tap(ui, qtbot, "confirm_ok")
    wait_screen(ui, qtbot, "done")
    qtbot.waitUntil(lambda: ui.flow.done._get_state() == "printed", timeout=10000)


def _paper(kit: SimKit) -> np.ndarray:
    """What the printer printed, decoded from its ESC/POS bytes (black = 0)."""
    img = raster_image(parse_commands(kit.printer.printed[-1].escpos))
    return np.asarray(img.convert("L"), dtype=np.uint8)


def _ink(text: str, font_path: Path, size: int) -> np.ndarray:
    font = ImageFont.truetype(str(font_path), size)
    width = int(font.getlength(text)) + 40
    canvas = Image.new("L", (width, size * 2 + 20), 255)
    ImageDraw.Draw(canvas).text((10, 10), text, font=font, fill=0, anchor="la")
    bw = canvas.point(lambda v: 255 if v > 140 else 0)
    box = Image.eval(bw, lambda v: 255 - v).getbbox()
    assert box is not None
    return np.asarray(bw.crop(box), dtype=np.uint8)


def _mismatch(paper: np.ndarray, text: str, font_path: Path, size: int) -> float:
    """0 when ``text`` in that face and size is printed somewhere on the paper, near 1 when not."""
    tmpl = _ink(text, font_path, size)
    if tmpl.shape[0] > paper.shape[0] or tmpl.shape[1] > paper.shape[1]:
        return 1.0
    scores = cv2.matchTemplate(255 - paper, 255 - tmpl, cv2.TM_SQDIFF_NORMED)
    return float(scores.min())


def _printed(paper: np.ndarray, text: str, font_path: Path = DEFAULT_FONT, size: int = BODY_PX) -> bool:
    return _mismatch(paper, text, font_path, size) < 0.05


def test_the_slip_on_paper_has_every_field(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    _submit(ui, kit, qtbot)
    record = ui.flow.record
    assert record is not None
    paper = _paper(kit)
    assert paper.shape[1] == kit.printer.dot_width
    [qr] = zxingcpp.read_barcodes(Image.fromarray(paper))
    assert record.lookup_token  # the QR proves the slip: code and random token (issue 10 item 7)
    assert qr.text == f"DVCK1:{record.application_code}:{record.lookup_token}"
    received = record.confirmed_at.astimezone()
    appointment = record.appointment_date
    weekday = WEEKDAYS["vi"][appointment.weekday()]
    bold = [  # titles, values and the date: bold face
        ("UBND XÃ QUẾ CHÂU", TITLE_PX),
        ("PHIẾU TIẾP NHẬN HỒ SƠ VÀ", TITLE_PX),
        ("HẸN TRẢ KẾT QUẢ", TITLE_PX),
        (f"{weekday}, {appointment:%d/%m/%Y}", TITLE_PX),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA", BODY_PX),
        ("VIỆT NAM", BODY_PX),
        (CITIZEN.full_name, BODY_PX),  # the citizen's name, in full on their own slip
        ("Cấp Giấy xác nhận", BODY_PX),  # the procedure (wrapped in the value column)
        (f"{received:%H:%M}, {WEEKDAYS['vi'][received.weekday()]},", BODY_PX),
        ("15.000 đồng", BODY_PX),  # the fee
        (HOTLINE, BODY_PX),
        ("Giấy tờ đã nhận:", BODY_PX),
    ]
    body = [
        "Độc lập - Tự do - Hạnh phúc",
        "1. Bản án hoặc quyết định ly hôn đã có",  # the document received...
        "hiệu lực: 2 trang",  # ...with its page count
        "Giờ nhận: sáng 7:30–11:30, chiều",  # the office's hours
        "Nơi nhận kết quả",  # where to collect
        "Người nộp",
        "Nhận lúc",
        "Lệ phí",
        "Đường dây nóng",
    ]
    missing = [t for t, size in bold if not _printed(paper, t, BOLD, size)]
    missing += [t for t in body if not _printed(paper, t)]
    assert missing == []
    # the big code, and nothing in English on the office's slip
    assert not _printed(paper, "Applicant")
    assert not _printed(paper, "Documents received:", BOLD)


def test_titles_are_really_bold_and_body_text_is_big_enough(ui: KioskUi, kit: SimKit,
                                                            qtbot: QtBot) -> None:
    _submit(ui, kit, qtbot)
    paper = _paper(kit)
    assert BOLD != DEFAULT_FONT
    assert "Bold" in BOLD.name
    # the title is printed in the bold face and not in the regular one
    assert _mismatch(paper, "HẸN TRẢ KẾT QUẢ", BOLD, TITLE_PX) < 0.05
    assert _mismatch(paper, "HẸN TRẢ KẾT QUẢ", DEFAULT_FONT, TITLE_PX) > 0.2
    # body text: the regular face at BODY_PX, whose capital H is at least 2.5 mm tall
    assert _printed(paper, "Nhận lúc", DEFAULT_FONT, BODY_PX)
    top, bottom = ImageFont.truetype(str(DEFAULT_FONT), BODY_PX).getbbox("H")[1::2]
    assert (bottom - top) / DOTS_PER_MM >= MIN_CAP_MM


def test_the_slip_is_vietnamese_after_an_english_session(ui: KioskUi, kit: SimKit,
                                                         qtbot: QtBot) -> None:
    _submit(ui, kit, qtbot, english=True)
    paper = _paper(kit)
    assert _printed(paper, "Nhận lúc")
    assert _printed(paper, "Giấy tờ đã nhận:", BOLD)
    assert not _printed(paper, "Applicant")


def test_done_screen_says_when_where_and_how_much(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    _submit(ui, kit, qtbot)
    record = ui.flow.record
    assert record is not None
    day = record.appointment_date
    weekday = WEEKDAYS["vi"][day.weekday()]
    big = find(ui, "doneAppointment")
    assert big is not None
    assert big.property("text") == f"{weekday}, {day:%d/%m/%Y}"
    assert big.property("font").pixelSize() > ui.units.body_px  # the date is big
    facts = ui.flow.done.facts
    assert facts["hours"] == f"Giờ nhận: {HOURS}"
    assert AUTHORITY in facts["where"]
    assert facts["fee"] == "Lệ phí: 15.000 đồng"
    said = ui.voice.history[-1]
    for part in (weekday, f"{day:%d/%m/%Y}", "7:30", "15.000 đồng"):
        assert part in said
    assert " ".join(record.application_code.replace("-", "")) in said


def test_the_english_done_screen_reads_english(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    _submit(ui, kit, qtbot, english=True)
    facts = ui.flow.done.facts
    assert facts["where"].startswith("Where: the one-stop desk of the People's Committee of")
    assert facts["fee"] == "Fee: 15,000 VND"
    assert ui.flow.done.appointment.split()[0] in WEEKDAYS["en"]
