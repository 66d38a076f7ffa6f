"""Scripted steps of a citizen session, shared by the GUI tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pytestqt.qtbot import QtBot

from devices.scanner.sample_pages import make_sample_page
from kiosk.domain.cccd import format_cccd
from kiosk.domain.identity import Gender, Identity
from kiosk.ui.app_ui import KioskUi
from kiosk.ui.documents_vm import DocumentsVm
from kiosk.wiring.sim import SimKit
from tests.gui.driver import find, tap, wait_screen

CITIZEN = Identity(
    citizen_id="049175001234",
    old_id="",
    full_name="Huỳnh Thị Ánh Tuyết",
    date_of_birth=date(1975, 3, 8),
    gender=Gender.FEMALE,
    address="Thôn Lý Trường, xã Bình Phú, tỉnh Quảng Nam",
    issue_date=date(2021, 5, 1),
)


def answer_questions(ui: KioskUi, qtbot: QtBot) -> None:
    while ui.flow.current_screen() == "question":
        field = ui.flow.form.field
        assert field is not None
        before = field.id
        match field.kind.value:
            case "text":
                ui.flow.form.set_text("Trần Văn Bình")
            case "number":
                tap(ui, qtbot, "numpad_1")
            case "date":
                tap(ui, qtbot, "date_year_down")
            case _:
                # divorced: the divorce decision becomes a required document
                tap(ui, qtbot, "option_1" if field.id == "marital_status" else "option_0")
        tap(ui, qtbot, "nextButton")
        def moved_on(b: str = before) -> bool:
            field_now = ui.flow.form.field
            return ui.flow.current_screen() != "question" or (field_now is not None and field_now.id != b)

        qtbot.waitUntil(moved_on, timeout=5000)


def walk_to_documents(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    tap(ui, qtbot, "startButton")
    wait_screen(ui, qtbot, "procedure")
    tap(ui, qtbot, "proc_HT-XNHN")
    tap(ui, qtbot, "procedureGo")
    wait_screen(ui, qtbot, "login")
    kit.qr.control.inject(b"not an identity")
    qtbot.waitUntil(lambda: find(ui, "loginMessage") is not None, timeout=5000)
    kit.qr.control.inject(format_cccd(CITIZEN).encode("utf-8"))
    wait_screen(ui, qtbot, "question")
    answer_questions(ui, qtbot)
    wait_screen(ui, qtbot, "documents")


def walk_to_done_review(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    walk_to_documents(ui, kit, qtbot)
    assert any(i["required"] for i in ui.flow.docs._get_items())
    tap(ui, qtbot, "nextButton")  # refused: required documents missing
    qtbot.waitUntil(lambda: find(ui, "documentsMessage") is not None, timeout=5000)
    assert ui.flow.current_screen() == "documents"
    for item in ui.flow.docs._get_items():
        if item["required"]:
            kit.scanner.control.feed([make_sample_page(item["title"], seed=1)])
            tap(ui, qtbot, f"scan_{item['id']}")
            qtbot.waitUntil(
                scanned(ui.flow.docs, item["id"]), timeout=10000
            )
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "review")


def walk_to_done(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    walk_to_done_review(ui, kit, qtbot)
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "confirm")
    for d in ui.flow.confirm.current_code():
        tap(ui, qtbot, f"confirm_{d}")
    tap(ui, qtbot, "confirm_ok")
    wait_screen(ui, qtbot, "done")
    qtbot.waitUntil(lambda: not ui.flow.done.is_printing(), timeout=10000)


def scanned(docs: DocumentsVm, doc_id: str) -> Callable[[], bool]:
    """A condition for ``qtbot.waitUntil``: the document has its pages."""
    return lambda: bool(docs.pages.get(doc_id))
