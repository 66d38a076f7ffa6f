"""Help and a way out on every step, the step indicator, and the procedure's facts before login."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from devices.scanner.sample_pages import make_sample_page
from kiosk.domain.cccd import format_cccd
from kiosk.ui.app_ui import KioskUi
from kiosk.ui.guide_vm import GuideVm
from kiosk.wiring.sim import SimKit
from tests.gui.driver import find, tap, wait_screen
from tests.gui.steps import CITIZEN, answer_questions, scanned

pytestmark = pytest.mark.gui


def guide_of(ui: KioskUi) -> GuideVm:
    guide = ui.engine.rootContext().contextProperty("guide")
    assert isinstance(guide, GuideVm)
    return guide


def text_of(ui: KioskUi, name: str) -> str:
    item = find(ui, name)
    assert item is not None, name
    return str(item.property("text"))


def chosen(ui: KioskUi) -> str | None:
    p = ui.flow.session.procedure
    return None if p is None else p.code


def who(ui: KioskUi) -> str | None:
    i = ui.flow.session.identity
    return None if i is None else i.citizen_id


def _help_is_there(ui: KioskUi, qtbot: QtBot, step: int) -> None:
    qtbot.waitUntil(lambda: find(ui, "helpCallStaff") is not None, timeout=5000)
    assert text_of(ui, "stepIndicator") == f"Bước {step}/7"


def test_every_step_shows_where_and_offers_help(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    assert find(ui, "helpStrip") is None  # not on Welcome
    tap(ui, qtbot, "startButton")
    wait_screen(ui, qtbot, "procedure")
    _help_is_there(ui, qtbot, 1)
    tap(ui, qtbot, "proc_HT-XNHN")
    tap(ui, qtbot, "procedureGo")
    wait_screen(ui, qtbot, "login")
    _help_is_there(ui, qtbot, 2)
    kit.qr.control.inject(format_cccd(CITIZEN).encode("utf-8"))
    wait_screen(ui, qtbot, "question")
    _help_is_there(ui, qtbot, 3)
    answer_questions(ui, qtbot)
    wait_screen(ui, qtbot, "documents")
    _help_is_there(ui, qtbot, 4)
    for item in ui.flow.docs._get_items():
        if item["required"]:
            kit.scanner.control.feed([make_sample_page(item["title"], seed=1)])
            tap(ui, qtbot, f"scan_{item['id']}")
            qtbot.waitUntil(scanned(ui.flow.docs, item["id"]), timeout=10000)
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "review")
    _help_is_there(ui, qtbot, 5)
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "confirm")
    _help_is_there(ui, qtbot, 6)
    assert find(ui, "helpCancel") is not None
    for d in ui.flow.confirm.current_code():
        tap(ui, qtbot, f"confirm_{d}")
    tap(ui, qtbot, "confirm_ok")
    wait_screen(ui, qtbot, "done")
    _help_is_there(ui, qtbot, 7)
    assert find(ui, "helpCancel") is None  # submitted: nothing left to cancel


def test_procedure_facts_come_before_login_and_are_spoken(ui: KioskUi, qtbot: QtBot) -> None:
    tap(ui, qtbot, "startButton")
    tap(ui, qtbot, "proc_HT-XNHN")
    qtbot.waitUntil(lambda: find(ui, "procedureDetails") is not None, timeout=5000)
    assert ui.flow.current_screen() == "procedure"  # nothing read yet
    assert chosen(ui) is None
    facts = guide_of(ui).preview
    assert facts["fee"] == "15.000 đồng"
    assert facts["time"] == "3 ngày làm việc"
    assert any("Giấy chứng nhận kết hôn" in d for d in facts["documents"])
    assert "quay lại" in facts["come_back"]
    said = ui.voice.history[-1]
    for part in ("15.000 đồng", "3 ngày làm việc", "Giấy chứng nhận kết hôn", "quay lại"):
        assert part in said
    tap(ui, qtbot, "procedureOther")  # another procedure
    qtbot.waitUntil(lambda: find(ui, "procedureDetails") is None, timeout=5000)
    tap(ui, qtbot, "proc_HT-KH")
    qtbot.waitUntil(lambda: find(ui, "procedureDetails") is not None, timeout=5000)
    facts = guide_of(ui).preview
    assert facts["fee"] == "Miễn lệ phí"
    assert facts["time"].startswith("Trả trong ngày")
    assert "5 ngày" in facts["time"]
    tap(ui, qtbot, "procedureGo")
    wait_screen(ui, qtbot, "login")
    assert chosen(ui) == "HT-KH"


def test_facts_follow_the_language(ui: KioskUi, qtbot: QtBot) -> None:
    tap(ui, qtbot, "startButton")
    tap(ui, qtbot, "proc_HT-XNHN")
    qtbot.waitUntil(lambda: find(ui, "procedureDetails") is not None, timeout=5000)
    ui.strings.set_language("en")
    qtbot.waitUntil(lambda: guide_of(ui).preview["fee"] == "15,000 VND", timeout=3000)
    assert guide_of(ui).preview["time"] == "3 working days"


def test_call_staff_mid_session_keeps_everything(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    calls: list[bool] = []
    ui.flow.done.officer_called.connect(lambda: calls.append(True))  # what staff are told by
    tap(ui, qtbot, "startButton")
    tap(ui, qtbot, "proc_HT-XNHN")
    tap(ui, qtbot, "procedureGo")
    wait_screen(ui, qtbot, "login")
    kit.qr.control.inject(format_cccd(CITIZEN).encode("utf-8"))
    wait_screen(ui, qtbot, "question")
    answer_questions(ui, qtbot)
    wait_screen(ui, qtbot, "documents")
    answers = dict(ui.flow.session.draft.answers)
    tap(ui, qtbot, "helpCallStaff")
    qtbot.waitUntil(lambda: find(ui, "helpCalledNote") is not None, timeout=3000)
    assert calls == [True]
    assert ui.voice.history[-1] == ui.strings.text("help_called")
    assert ui.flow.current_screen() == "documents"
    assert dict(ui.flow.session.draft.answers) == answers
    assert ui.flow.session.identity == CITIZEN
    tap(ui, qtbot, "nextButton")  # the session goes on
    qtbot.waitUntil(lambda: find(ui, "documentsMessage") is not None, timeout=5000)


def test_cancel_asks_then_wipes_now(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    tap(ui, qtbot, "startButton")
    tap(ui, qtbot, "proc_HT-XNHN")
    tap(ui, qtbot, "procedureGo")
    wait_screen(ui, qtbot, "login")
    kit.qr.control.inject(format_cccd(CITIZEN).encode("utf-8"))
    wait_screen(ui, qtbot, "question")
    tap(ui, qtbot, "helpCancel")
    qtbot.waitUntil(lambda: find(ui, "cancelDialog") is not None, timeout=3000)
    assert ui.voice.history[-1] == ui.strings.text("cancel_question")
    tap(ui, qtbot, "cancelNo")  # changed their mind: nothing lost
    qtbot.waitUntil(lambda: find(ui, "cancelDialog") is None, timeout=3000)
    assert ui.flow.current_screen() == "question"
    assert who(ui) == CITIZEN.citizen_id
    tap(ui, qtbot, "helpCancel")
    tap(ui, qtbot, "cancelYes")
    wait_screen(ui, qtbot, "welcome")
    assert who(ui) is None
    assert chosen(ui) is None
    assert find(ui, "cancelDialog") is None
    assert find(ui, "helpStrip") is None
    assert not guide_of(ui).officer_called


def test_text_size_says_which_size_it_is(ui: KioskUi, qtbot: QtBot) -> None:
    said: list[str] = []
    for _ in range(3):
        tap(ui, qtbot, "textSizeButton")
        said.append(ui.voice.history[-1])
    assert said == [ui.strings.text(f"text_size_{n}") for n in (1, 2, 0)]
    assert ui.units.text_size == 0


def test_top_bar_stays_one_row_at_the_largest_text(ui: KioskUi, qtbot: QtBot) -> None:
    ui.units._set_text_size(2)
    tap(ui, qtbot, "startButton")
    wait_screen(ui, qtbot, "procedure")
    ui.window.grabWindow()  # laid out
    names = ("repeatButton", "volumeDownButton", "volumeUpButton", "textSizeButton", "contrastButton")
    tops = set()
    for name in names:
        item = find(ui, name)
        assert item is not None, name
        tops.add(round(item.mapToScene(item.boundingRect().topLeft()).y()))
    assert len(tops) == 1


def test_continue_sits_right_under_the_answer(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    """Portrait: not half a screen of nothing between the last choice and "Tiếp tục"."""
    tap(ui, qtbot, "startButton")
    tap(ui, qtbot, "proc_HT-XNHN")
    tap(ui, qtbot, "procedureGo")
    wait_screen(ui, qtbot, "login")
    kit.qr.control.inject(format_cccd(CITIZEN).encode("utf-8"))
    wait_screen(ui, qtbot, "question")
    ui.window.grabWindow()
    last = find(ui, f"option_{len(ui.flow.form._get_options()) - 1}")
    nxt = find(ui, "nextButton")
    assert last is not None
    assert nxt is not None
    last_bottom = last.mapToScene(last.boundingRect().bottomLeft()).y()
    next_top = nxt.mapToScene(nxt.boundingRect().topLeft()).y()
    assert 0 < ui.units.to_mm(next_top - last_bottom) < 25
