"""Issue 12: the queue ticket counts who is still waiting; staff see citizens' calls on their screen,
close them, and reprint a slip that did not print; a session that called staff survives the staff
screen. Real store (SQLite file), real simulated printer (its ESC/POS bytes decoded), real overlay.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtQuick import QQuickItem
from pytestqt.qtbot import QtBot

from devices.qr.decode import decode_image
from devices.receipt.render import TITLE_PX
from devices.status import DeviceStatus
from kiosk.admin.audit import recent
from kiosk.domain.lookup_code import parse_lookup_text
from kiosk.layout import ctl_socket
from kiosk.store.staff_calls import open_staff_calls
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.devdock import start_sim_tools
from kiosk.wiring.sim import SimKit
from tests.gui.driver import find, tap, wait_screen
from tests.gui.steps import CITIZEN, walk_to_documents, walk_to_done
from tests.gui.test_admin_kit import STAFF_PIN, AdminKit, build_admin, log_in, text_of, wait_item
from tests.gui.test_admin_kit import find as find_in
from tests.gui.test_admin_kit import tap as tap_in
from tests.gui.test_ctl_dispatch import ctl
from tests.gui.test_slip import BOLD, _paper, _printed
from tests.support.escpos_decode import parse_commands, raster_image

pytestmark = pytest.mark.gui

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
NOBODY_CALLING = "Người dân gọi cán bộ: không có ai."
said: list[str] = []  # what the kiosk said when the last ticket was printed


@pytest.fixture
def admin(ui: KioskUi, kit: SimKit, tmp_path: Path) -> Iterator[AdminKit]:
    a = build_admin(ui, kit, tmp_path)
    yield a
    a.overlay.close()


def shoot(ui: KioskUi, qtbot: QtBot, name: str) -> None:
    """docs/screens/<name>.png when KIOSK_SCREENSHOTS=1 (the docs are refreshed on purpose)."""
    if os.environ.get("KIOSK_SCREENSHOTS") != "1":
        return
    qtbot.wait(50)  # let the scene graph render the last change
    assert ui.window.grabWindow().save(str(SCREENS / f"{name}.png"))


def text(item: QQuickItem | None) -> str:
    assert item is not None
    value = item.property("text")
    assert isinstance(value, str)
    return value


def take_ticket(ui: KioskUi, qtbot: QtBot, field: str) -> tuple[str, int]:
    """A citizen takes a number at the welcome screen (what was said: ``said``); back to welcome."""
    tap(ui, qtbot, "queueButton")
    wait_screen(ui, qtbot, "queue")
    tap(ui, qtbot, f"queue_{field}")
    qtbot.waitUntil(lambda: find(ui, "queueAhead") is not None and not ui.flow.queue.is_busy(),
                    timeout=5000)
    ticket, ahead = ui.flow.queue._get_ticket(), ui.flow.queue.ahead_count()
    assert text(find(ui, "queueAhead")) == ui.flow.queue._get_ahead()
    said[:] = [ui.voice.history[-1]]
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "welcome")
    return ticket, ahead


def paper_of(kit: SimKit) -> list[str]:
    """The QR payloads of what the printer last printed, decoded from its ESC/POS bytes."""
    img = raster_image(parse_commands(kit.printer.printed[-1].escpos))
    return [p.decode("utf-8") for p in decode_image(img.convert("RGB"))]


def test_the_ticket_says_how_many_are_still_waiting_ahead(
    ui: KioskUi, kit: SimKit, qtbot: QtBot, admin: AdminKit
) -> None:
    assert take_ticket(ui, qtbot, "civil") == ("A001", 0)
    assert said == ["Số thứ tự của Ông Bà là A 0 0 1. Trước Ông/Bà không còn ai chờ."]
    assert take_ticket(ui, qtbot, "civil") == ("A002", 1)
    assert said[0].endswith("A 0 0 2. Trước Ông/Bà còn 1 người.")
    assert take_ticket(ui, qtbot, "civil") == ("A003", 2)
    assert ui.strings.text("queue_ahead").replace("%1", "2") == "Trước Ông/Bà còn 2 người."
    assert take_ticket(ui, qtbot, "land") == ("C001", 0)  # another field: its own queue

    window = ui.window
    log_in(qtbot, admin, STAFF_PIN)
    wait_item(qtbot, window, "screen_admin_staff")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "ticketsTitle") == "Số thứ tự đang chờ: 4",
                    timeout=5000)
    assert "lấy số lúc" in text_of(qtbot, window, "ticket_A001")
    tap_in(qtbot, window, "served_A001")  # staff saw A001
    qtbot.waitUntil(lambda: find_in(window, "ticket_A001") is None, timeout=5000)
    tap_in(qtbot, window, "left_A002")  # A002 went home
    qtbot.waitUntil(lambda: find_in(window, "ticket_A002") is None, timeout=5000)
    assert text_of(qtbot, window, "ticketsTitle") == "Số thứ tự đang chờ: 2"
    tap_in(qtbot, window, "adminCloseButton")
    qtbot.waitUntil(lambda: not admin.overlay.gate.is_open(), timeout=5000)

    assert take_ticket(ui, qtbot, "civil") == ("A004", 1)  # only A003 is still ahead
    rows = kit.store.query("SELECT number, served_at IS NOT NULL, cancelled_at IS NOT NULL "
                           "FROM queue_tickets WHERE field = 'civil' ORDER BY number")
    assert [tuple(r) for r in rows] == [(1, 1, 0), (2, 0, 1), (3, 0, 0), (4, 0, 0)]
    assert len(kit.printer.printed) == 5  # every ticket printed
    paper = _paper(kit)  # A004's ticket, decoded from the printer's ESC/POS bytes
    assert _printed(paper, "Chờ trước")
    assert _printed(paper, "UBND xã Tân Phú", BOLD, TITLE_PX)  # the office, as it writes itself
    assert not _printed(paper, "UBND Xã Tân Phú", BOLD, TITLE_PX)
    assert _printed(paper, "1 người", BOLD)
    assert not _printed(paper, "2 người", BOLD)


def test_paper_out_staff_called_and_the_slip_reprinted_from_the_staff_screen(
    ui: KioskUi, kit: SimKit, qtbot: QtBot, admin: AdminKit
) -> None:
    kit.printer.control.set_status(DeviceStatus.NO_PAPER)
    walk_to_done(ui, kit, qtbot)
    qtbot.waitUntil(lambda: find(ui, "officerNotice") is not None, timeout=5000)
    record = ui.flow.record
    assert record is not None
    code = record.application_code
    code_item = find(ui, "doneCode")
    assert text(code_item) == code
    assert code_item is not None
    assert code_item.property("font").pixelSize() >= ui.units._huge()  # big
    assert text(find(ui, "officerNotice")) == "Đã gọi cán bộ, xin Ông/Bà chờ trong giây lát."
    assert " ".join(code.replace("-", "")) in ui.voice.history[-1]  # the code is said
    assert kit.printer.printed == []  # nothing came out
    qtbot.waitUntil(lambda: len(open_staff_calls(kit.store)) == 1, timeout=5000)
    call = open_staff_calls(kit.store)[0]
    assert (call.reason, call.screen, call.application_code) == ("print_failed", "done", code)

    window = ui.window
    log_in(qtbot, admin, STAFF_PIN)
    wait_item(qtbot, window, "screen_admin_staff")
    assert ui.flow.current_screen() == "done"  # the citizen who called is kept under the panel
    row = wait_item(qtbot, window, f"call_{call.call_id}")
    assert row is not None
    shown = text_of(qtbot, window, f"call_{call.call_id}")
    assert f"Máy in không in được phiếu {code}" in shown
    assert "màn hình: đã nộp" in shown
    assert text_of(qtbot, window, "callsTitle") == "Người dân gọi cán bộ: 1"
    shoot(ui, qtbot, "admin_staff_calls")

    tap_in(qtbot, window, f"reprint_{code}")  # still no paper: said, nothing lost
    qtbot.waitUntil(lambda: "vẫn chưa in được" in text_of(qtbot, window, "staffMessage"), timeout=5000)
    assert kit.printer.printed == []
    kit.printer.control.set_status(DeviceStatus.READY)  # paper back
    tap_in(qtbot, window, f"reprint_{code}")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "staffMessage") == f"Đã in lại phiếu {code}.",
                    timeout=10000)
    assert len(kit.printer.printed) == 1
    payloads = paper_of(kit)  # the slip as the printer got it: its QR reads back to the code
    parsed = [parse_lookup_text(p) for p in payloads]
    assert [p[0] for p in parsed if p is not None] == [code]
    qtbot.waitUntil(lambda: find_in(window, f"reprint_{code}") is None, timeout=5000)  # not held now
    assert ui.flow.done._get_state() == "printed"  # the done screen knows

    tap_in(qtbot, window, f"handled_{call.call_id}")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "callsTitle") == NOBODY_CALLING, timeout=5000)
    assert open_staff_calls(kit.store) == []
    handled = kit.store.query("SELECT handled_by FROM staff_calls WHERE call_id = ?", (call.call_id,))
    assert handled[0][0] == "staff"
    actions = [(r[1], r[2]) for r in recent(kit.store)]
    assert ("staff", "staff.reprint") in actions
    assert ("staff", "staff.call_handled") in actions

    tap_in(qtbot, window, "adminCloseButton")
    qtbot.waitUntil(lambda: not admin.overlay.gate.is_open(), timeout=5000)
    assert ui.flow.current_screen() == "done"
    tap(ui, qtbot, "nextButton")  # the citizen finishes
    wait_screen(ui, qtbot, "rating")


def test_help_from_a_mid_session_screen_reaches_the_staff_screen_and_the_session_stays(
    ui: KioskUi, kit: SimKit, qtbot: QtBot, admin: AdminKit
) -> None:
    walk_to_documents(ui, kit, qtbot)
    tap(ui, qtbot, "helpCallStaff")
    qtbot.waitUntil(lambda: len(open_staff_calls(kit.store)) == 1, timeout=5000)
    call = open_staff_calls(kit.store)[0]
    assert (call.reason, call.screen, call.application_code) == ("help", "documents", "")

    window = ui.window
    log_in(qtbot, admin, STAFF_PIN)
    wait_item(qtbot, window, "screen_admin_staff")
    shown = text_of(qtbot, window, f"call_{call.call_id}")
    assert "Bấm “Gọi cán bộ”" in shown
    assert "màn hình: giấy tờ" in shown
    made = datetime.fromisoformat(call.at.replace("Z", "+00:00")) + timedelta(hours=7)
    assert shown.startswith(f"{made:%H:%M} — ")  # when it was made, in Vietnam time
    assert find_in(window, "reprint_") is None  # nothing to reprint for a help call
    tap_in(qtbot, window, f"handled_{call.call_id}")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "callsTitle") == NOBODY_CALLING, timeout=5000)
    tap_in(qtbot, window, "adminCloseButton")
    qtbot.waitUntil(lambda: not admin.overlay.gate.is_open(), timeout=5000)

    assert ui.flow.current_screen() == "documents"  # everything the citizen did is still there
    assert ui.flow.session.identity == CITIZEN
    assert not ui.flow.idle.is_counting()


def test_a_session_that_did_not_call_is_still_ended_when_staff_open_their_screen(
    ui: KioskUi, kit: SimKit, qtbot: QtBot, admin: AdminKit
) -> None:
    walk_to_documents(ui, kit, qtbot)
    log_in(qtbot, admin, STAFF_PIN)
    wait_item(qtbot, ui.window, "screen_admin_staff")
    assert ui.flow.current_screen() == "welcome"
    assert ui.flow.session.draft.identity is None


def test_kiosk_ctl_lists_the_open_calls(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    tools = start_sim_tools(ui, kit.kiosk, dock=False)
    try:
        path = ctl_socket(kit.kiosk.config)
        assert ctl(qtbot, path, "calls") == {"calls": []}
        tap(ui, qtbot, "startButton")
        wait_screen(ui, qtbot, "procedure")
        tap(ui, qtbot, "helpCallStaff")
        qtbot.waitUntil(lambda: len(open_staff_calls(kit.store)) == 1, timeout=5000)
        (call,) = ctl(qtbot, path, "calls")["calls"]
        assert (call["screen"], call["reason"], call["application_code"]) == ("procedure", "help", "")
        assert call["at"].endswith("Z")
    finally:
        tools.close()


def test_the_staff_screen_shows_calls_and_the_queue_together(
    ui: KioskUi, kit: SimKit, qtbot: QtBot, admin: AdminKit
) -> None:
    assert take_ticket(ui, qtbot, "civil") == ("A001", 0)
    assert take_ticket(ui, qtbot, "residence") == ("B001", 0)
    walk_to_documents(ui, kit, qtbot)
    tap(ui, qtbot, "helpCallStaff")
    qtbot.waitUntil(lambda: len(open_staff_calls(kit.store)) == 1, timeout=5000)
    window = ui.window
    log_in(qtbot, admin, STAFF_PIN)
    qtbot.waitUntil(lambda: text_of(qtbot, window, "ticketsTitle") == "Số thứ tự đang chờ: 2", timeout=5000)
    assert text_of(qtbot, window, "callsTitle") == "Người dân gọi cán bộ: 1"
    assert text_of(qtbot, window, "adminTitle") == "Cán bộ: người gọi, số thứ tự, đồng bộ"
    assert find_in(window, "ticket_B001") is not None
    shoot(ui, qtbot, "admin_staff_desk")
    tap_in(qtbot, window, "adminLangButton")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "callsTitle") == "Citizens calling for staff: 1",
                    timeout=5000)
    call_id = open_staff_calls(kit.store)[0].call_id
    assert "Pressed “Call an officer”" in text_of(qtbot, window, f"call_{call_id}")
    assert text_of(qtbot, window, "ticketsTitle") == "Queue numbers waiting: 2"
    shoot(ui, qtbot, "admin_staff_desk_en")
