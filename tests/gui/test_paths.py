"""One GUI test per path: timeout mid-session, paper out at done, status lookup, queue, English."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtQuick import QQuickItem
from pytestqt.qtbot import QtBot

from devices.scanner.sample_pages import make_sample_page
from devices.status import DeviceStatus
from kiosk.store.applications import find_by_code
from kiosk.ui.app_ui import KioskUi, build_ui
from kiosk.ui.services import UiSettings
from kiosk.wiring.sim import SimKit, build_sim_kit
from tests.fakes import FakeClock
from tests.gui.driver import find, tap, wait_screen
from tests.gui.steps import CITIZEN, walk_to_documents, walk_to_done, walk_to_done_review

pytestmark = pytest.mark.gui


def screen_texts(ui: KioskUi) -> list[str]:
    texts: list[str] = []
    stack: list[QQuickItem] = [ui.window.contentItem()]
    while stack:
        item = stack.pop()
        if item.isVisible():
            text = item.property("text")
            if isinstance(text, str) and text:
                texts.append(text)
            stack.extend(item.childItems())
    return texts


def test_timeout_mid_session_wipes_memory_and_screen(
    ui: KioskUi, kit: SimKit, qtbot: QtBot, clock: FakeClock
) -> None:
    walk_to_documents(ui, kit, qtbot)
    assert ui.flow.session.identity == CITIZEN
    clock.now += 89
    ui.flow.idle.tick()
    assert not ui.flow.idle.is_counting()
    clock.now += 2
    ui.flow.idle.tick()
    qtbot.waitUntil(lambda: find(ui, "idleOverlay") is not None, timeout=3000)
    assert "idle" in ui.voice.history[-1] or ui.voice.history[-1] == ui.strings.text("voice_idle")
    tap(ui, qtbot, "stillHereButton")  # extend: a full idle period again
    assert not ui.flow.idle.is_counting()
    clock.now += 90 + 30
    ui.flow.idle.tick()
    counting: bool = ui.flow.idle.is_counting()
    assert counting
    assert ui.flow.idle._get_left() == 30
    clock.now += 15
    ui.flow.idle.tick()
    assert ui.voice.history[-1] == "Còn 15 giây."  # the countdown is spoken, not only shown
    clock.now += 16
    ui.flow.idle.tick()
    wait_screen(ui, qtbot, "welcome")
    assert ui.flow.session.draft.identity is None  # (session.identity was narrowed above)
    assert ui.flow.session.answers == {}
    assert ui.flow.session.draft.pages == {}
    assert ui.flow.docs.pages == {}
    assert ui.images.keys() == []
    shown = " ".join(screen_texts(ui))
    assert "Huỳnh" not in shown
    assert ui.strings.text("welcome_title") in shown


def test_no_countdown_while_scanning(ui: KioskUi, kit: SimKit, qtbot: QtBot, clock: FakeClock) -> None:
    walk_to_documents(ui, kit, qtbot)
    kit.scanner.control.hold()
    item = ui.flow.docs.items_list()[0]
    tap(ui, qtbot, f"scan_{item['id']}")
    qtbot.waitUntil(ui.flow.docs.is_scanning, timeout=3000)
    clock.now += 500
    ui.flow.idle.tick()
    assert not ui.flow.idle.is_counting()
    assert ui.flow.current_screen() == "documents"
    kit.scanner.control.release()
    qtbot.waitUntil(lambda: not ui.flow.docs.is_scanning(), timeout=10000)


def test_printer_out_of_paper_keeps_slip_on_screen(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    kit.printer.control.set_status(DeviceStatus.NO_PAPER)
    walk_to_done(ui, kit, qtbot)
    qtbot.waitUntil(lambda: ui.flow.done._get_state() == "failed", timeout=10000)
    qtbot.waitUntil(lambda: find(ui, "officerNotice") is not None, timeout=3000)
    assert find(ui, "reprintButton") is not None
    slip = find(ui, "slipImage")
    assert slip is not None
    assert slip.property("progress") == 1.0  # the slip with its QR is on screen
    assert slip.property("implicitHeight") > slip.property("implicitWidth") > 0
    record = ui.flow.record
    assert record is not None
    assert find_by_code(kit.store, record.application_code) is not None  # never lost
    assert ui.strings.text("done_print_failed") in screen_texts(ui)


def test_status_lookup_by_slip_qr_and_keypad(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    walk_to_done(ui, kit, qtbot)
    record = ui.flow.record
    assert record is not None
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "rating")
    tap(ui, qtbot, "skipRatingButton")
    wait_screen(ui, qtbot, "welcome")
    tap(ui, qtbot, "lookupButton")
    wait_screen(ui, qtbot, "lookup")
    kit.qr.control.inject(record.application_code.encode())
    qtbot.waitUntil(lambda: find(ui, "lookupResult") is not None, timeout=5000)
    answered(ui, qtbot)
    result = ui.flow.lookup._get_result()
    assert record.application_code in result
    assert ui.strings.text("state_queued") in result or ui.strings.text("state_sealed") in result
    digits = record.application_code.split("-", 1)[1].replace("-", "")
    for d in digits:
        tap(ui, qtbot, f"lookup_{d}")
    assert ui.flow.lookup._get_typed() == record.application_code
    tap(ui, qtbot, "lookup_ok")
    answered(ui, qtbot)
    assert record.application_code in ui.flow.lookup._get_result()
    tap(ui, qtbot, "lookup_erase")
    tap(ui, qtbot, "lookup_erase")
    tap(ui, qtbot, f"lookup_{(int(digits[-2]) + 1) % 10}")  # one wrong digit
    tap(ui, qtbot, f"lookup_{digits[-1]}")
    tap(ui, qtbot, "lookup_ok")
    answered(ui, qtbot)
    assert ui.flow.lookup._get_result() == ui.strings.text("lookup_invalid")


def answered(ui: KioskUi, qtbot: QtBot) -> None:
    """The lookup runs on the store's worker: wait for its answer."""
    qtbot.waitUntil(lambda: not ui.flow.lookup.is_busy(), timeout=5000)


def test_queue_ticket_numbers_follow_each_other(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    tap(ui, qtbot, "queueButton")
    wait_screen(ui, qtbot, "queue")
    tap(ui, qtbot, "queue_civil")
    qtbot.waitUntil(lambda: find(ui, "queueTicket") is not None, timeout=5000)
    qtbot.waitUntil(lambda: not ui.flow.queue.is_busy(), timeout=5000)
    assert ui.flow.queue._get_ticket() == "A001"
    assert len(kit.printer.printed) == 1
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "welcome")
    tap(ui, qtbot, "queueButton")
    tap(ui, qtbot, "queue_civil")
    qtbot.waitUntil(lambda: not ui.flow.queue.is_busy() and bool(ui.flow.queue._get_ticket()), timeout=5000)
    assert ui.flow.queue._get_ticket() == "A002"


def test_english_session_then_vietnamese_for_the_next_person(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    tap(ui, qtbot, "langEnButton")
    tap(ui, qtbot, "contrastButton")
    tap(ui, qtbot, "textSizeButton")
    walk_to_done(ui, kit, qtbot)
    assert "✓ Application submitted" in screen_texts(ui)
    assert ui.voice.history[-1].startswith("Application submitted")
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "rating")
    tap(ui, qtbot, "rate_2")
    wait_screen(ui, qtbot, "welcome")
    assert ui.strings.lang_code() == "vi"
    assert ui.theme._get_name() == "default"
    assert ui.units._get_text_size() == 0
    assert "Kiosk dịch vụ công" in screen_texts(ui)
    rows = kit.store.query("SELECT score FROM ratings")
    qtbot.waitUntil(lambda: len(kit.store.query("SELECT score FROM ratings")) == 1, timeout=5000)
    del rows


def test_staff_are_called_and_the_code_said_when_the_slip_did_not_print(
    ui: KioskUi, kit: SimKit, qtbot: QtBot
) -> None:
    """Many have no phone camera: no "photograph the screen"; staff come and reprint."""
    calls: list[bool] = []
    ui.flow.done.officer_called.connect(lambda: calls.append(True))
    kit.printer.control.set_status(DeviceStatus.NO_PAPER)
    walk_to_done(ui, kit, qtbot)
    qtbot.waitUntil(lambda: find(ui, "officerNotice") is not None, timeout=3000)
    assert calls == [True]  # nobody had to press anything
    record = ui.flow.record
    assert record is not None
    assert " ".join(record.application_code.replace("-", "")) in ui.voice.history[-1]
    assert ui.voice.history[-1].startswith("Máy in chưa in được phiếu hẹn")
    assert "chụp" not in ui.strings.text("done_print_failed")
    kit.printer.control.set_status(DeviceStatus.READY)  # staff put paper back
    tap(ui, qtbot, "reprintButton")
    qtbot.waitUntil(lambda: ui.flow.done._get_state() == "printed", timeout=10000)
    assert len(kit.printer.printed) == 1
    assert calls == [True]


def test_scanner_jam_keeps_pages_and_says_what_to_do(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    walk_to_documents(ui, kit, qtbot)
    doc = ui.flow.docs.items_list()[0]
    kit.scanner.control.jam_after(1)
    kit.scanner.control.feed([make_sample_page("trang 1", seed=1), make_sample_page("trang 2", seed=2)])
    tap(ui, qtbot, f"scan_{doc['id']}")
    qtbot.waitUntil(lambda: find(ui, "documentsMessage") is not None, timeout=10000)
    assert ui.flow.docs._get_message() == ui.strings.text("documents_jammed")
    assert len(ui.flow.session.pages(doc["id"])) == 1  # the page that went through is kept
    kit.scanner.control.set_status(DeviceStatus.READY)
    kit.scanner.control.feed([make_sample_page("trang 1", seed=1), make_sample_page("trang 2", seed=2)])
    tap(ui, qtbot, f"scan_{doc['id']}")  # "Quét lại": the pages left in the feeder go through
    qtbot.waitUntil(
        lambda: not ui.flow.docs.is_scanning() and ui.flow.docs._get_message() == "", timeout=10000
    )
    assert len(ui.flow.session.pages(doc["id"])) >= 1


def test_login_tips_appear_and_are_spoken_when_nothing_is_read(
    qapp: object, tmp_path: Path, clock: FakeClock, qtbot: QtBot
) -> None:
    settings = UiSettings(
        panel_dpi=96.0, width_mm=285.75, height_mm=508.0, tts_engine="mock", login_tips_s=0.2
    )
    kit = build_sim_kit(tmp_path, clock=clock, settings=settings)
    ui = build_ui(kit.services)
    try:
        tap(ui, qtbot, "startButton")
        tap(ui, qtbot, "proc_HT-KT")
        tap(ui, qtbot, "procedureGo")
        wait_screen(ui, qtbot, "login")
        assert find(ui, "loginTips") is None
        qtbot.waitUntil(lambda: find(ui, "loginTips") is not None, timeout=3000)
        assert ui.voice.history[-1] == ui.strings.text("voice_login_tips")
        tap(ui, qtbot, "repeatButton")
        assert ui.voice.history[-1] == ui.strings.text("voice_login_tips")
        tap(ui, qtbot, "helpCallStaff")  # "Gọi cán bộ": staff come, the session stays
        qtbot.waitUntil(lambda: find(ui, "helpCalledNote") is not None, timeout=3000)
        assert ui.flow.current_screen() == "login"
        assert ui.flow.session.procedure is not None
        assert ui.voice.history[-1] == ui.strings.text("help_called")
    finally:
        ui.close()
        kit.close()


def test_change_an_answer_from_the_review(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    walk_to_done_review(ui, kit, qtbot)
    tap(ui, qtbot, "edit_marital_status")
    wait_screen(ui, qtbot, "question")
    tap(ui, qtbot, "option_0")  # never married: the divorce decision is no longer needed
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "review")
    ids = [i["id"] for i in ui.flow.review_items()]
    assert "doc:divorce_decision" not in ids
    assert ui.flow.session.answers["marital_status"] == "chua_ket_hon"


def test_runner_returns_the_exit_code(kit: SimKit, qapp: object) -> None:
    from PySide6.QtCore import QTimer

    from kiosk.ui.runner import run_kiosk

    QTimer.singleShot(300, lambda: qapp.exit(0))  # type: ignore[attr-defined]
    assert run_kiosk(kit.services, fullscreen=False) == 0


def test_slip_reprints_once_paper_is_back(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    kit.printer.control.set_status(DeviceStatus.NO_PAPER)
    walk_to_done(ui, kit, qtbot)
    assert ui.flow.done._get_state() == "failed"
    kit.printer.control.set_status(DeviceStatus.READY)
    tap(ui, qtbot, "reprintButton")
    qtbot.waitUntil(lambda: ui.flow.done._get_state() == "printed", timeout=10000)
    assert find(ui, "reprintButton") is None
    assert kit.printer.last_image is not None
