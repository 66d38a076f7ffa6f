"""The dev dock beside a simulated kiosk drives a whole session, faults and the world around it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from devices.status import DeviceStatus
from kiosk.ctl.sim_commands import SimCommands, SimTargets, find_application_in_store
from kiosk.ui.app_ui import KioskUi
from kiosk.ui.devdock import DevDock, open_dev_dock
from kiosk.wiring.devdock import recent_codes_from
from kiosk.wiring.sim import SimKit
from tests.gui.driver import tap as kiosk_tap
from tests.gui.driver import wait_screen
from tests.gui.steps import answer_questions, scanned
from tests.gui.test_admin_kit import find, tap, text_of, wait_item

pytestmark = pytest.mark.gui
SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"


class World:
    """The link simulator, the clock and the gateway's back office, as the lead wires them."""

    def __init__(self) -> None:
        self.link: list[str] = []
        self.shifted = 0.0
        self.gateway: list[tuple[str, str, str]] = []

    def set_link(self, mode: str) -> None:
        self.link.append(mode)

    def shift(self, seconds: float) -> float:
        self.shifted += seconds
        return self.shifted

    def set_state(self, application_id: str, state: str, note_vi: str = "") -> None:
        self.gateway.append((application_id, state, note_vi))


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def dock(ui: KioskUi, kit: SimKit, world: World) -> Iterator[DevDock]:
    commands = SimCommands(SimTargets(
        qr=kit.qr.control, scanner=kit.scanner.control, printer=kit.printer.control,
        set_link=world.set_link, gateway=world, find_application=find_application_in_store(kit.store.path),
        shift_clock=world.shift, today=lambda: datetime.now(UTC).date(), page_dpi=100))
    d = open_dev_dock(ui.engine, ui.window, commands,
                      health=lambda: {"printer": kit.printer.health(), "scanner": kit.scanner.health(),
                                      "camera": kit.qr.health()},
                      now=lambda: datetime.now(UTC), recent_codes=recent_codes_from(kit.store),
                      kiosk_strings=ui.strings, owner=ui.engine)
    yield d
    d.close()


def shoot(dock: DevDock, qtbot: QtBot, name: str) -> None:
    if os.environ.get("KIOSK_SCREENSHOTS") != "1":
        return
    qtbot.wait(50)
    SCREENS.mkdir(parents=True, exist_ok=True)
    assert dock.window.grabWindow().save(str(SCREENS / f"{name}.png"))


def test_the_dock_drives_a_full_session_with_a_paper_out_and_a_link_outage(
    qtbot: QtBot, ui: KioskUi, kit: SimKit, dock: DevDock, world: World
) -> None:
    dw = dock.window
    assert dw.isVisible()
    assert dw.x() >= ui.window.x() + ui.window.width()  # beside the kiosk
    kiosk_tap(ui, qtbot, "startButton")
    wait_screen(ui, qtbot, "procedure")
    kiosk_tap(ui, qtbot, "proc_HT-XNHN")
    kiosk_tap(ui, qtbot, "procedureGo")
    wait_screen(ui, qtbot, "login")
    tap(qtbot, dw, "dock_qr_sample_2")
    wait_screen(ui, qtbot, "question")
    answer_questions(ui, qtbot)
    wait_screen(ui, qtbot, "documents")
    for item in ui.flow.docs._get_items():
        if item["required"]:
            tap(qtbot, dw, "dock_feed_seal")
            kiosk_tap(ui, qtbot, f"scan_{item['id']}")
            qtbot.waitUntil(scanned(ui.flow.docs, item["id"]), timeout=10000)
    kiosk_tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "review")
    tap(qtbot, dw, "dock_printer_no_paper")
    assert "kiosk ctl printer no_paper" in text_of(qtbot, dw, "dockLast")
    kiosk_tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "confirm")
    for d in ui.flow.confirm.current_code():
        kiosk_tap(ui, qtbot, f"confirm_{d}")
    kiosk_tap(ui, qtbot, "confirm_ok")
    wait_screen(ui, qtbot, "done")
    qtbot.waitUntil(lambda: ui.flow.done.print_state == "failed", timeout=10000)
    qtbot.waitUntil(lambda: "Máy in: hết giấy" in text_of(qtbot, dw, "dockDevices"), timeout=5000)
    shoot(dock, qtbot, "devdock_paper_out")
    tap(qtbot, dw, "dock_printer_ok")
    assert kit.printer.health().status is DeviceStatus.READY

    tap(qtbot, dw, "dock_link_down")
    tap(qtbot, dw, "dock_clock_3600")
    tap(qtbot, dw, "dock_link_up")
    assert world.link == ["down", "up"]
    assert world.shifted == 3600

    code = ui.flow.done.code
    qtbot.waitUntil(lambda: find(dw, "dock_code_0") is not None, timeout=5000)
    tap(qtbot, dw, "dock_code_0")
    tap(qtbot, dw, "dock_gateway_ready_for_pickup")
    (app_id,) = [r[0] for r in kit.store.query(
        "SELECT application_id FROM applications WHERE application_code = ?", (code,))]
    assert world.gateway == [(app_id, "ready_for_pickup", "")]
    shoot(dock, qtbot, "devdock")


def test_refusals_show_in_the_dock(qtbot: QtBot, ui: KioskUi, kit: SimKit, dock: DevDock) -> None:
    dw = dock.window
    tap(qtbot, dw, "dock_gateway_processing")  # no code chosen
    last = text_of(qtbot, dw, "dockLast")
    assert last.startswith("$ kiosk ctl gateway-status")
    assert "Từ chối:" in last
    tap(qtbot, dw, "dock_feed_files")  # no files given
    assert "feed-file: give one or more image files" in text_of(qtbot, dw, "dockLast")
    tap(qtbot, dw, "dock_camera_unplug")
    assert kit.qr.health().status is DeviceStatus.DISCONNECTED
    qtbot.waitUntil(lambda: "Camera: mất kết nối" in text_of(qtbot, dw, "dockDevices"), timeout=5000)
    tap(qtbot, dw, "dock_camera_plug")
    tap(qtbot, dw, "dock_scanner_jammed")
    assert kit.scanner.health().status is DeviceStatus.JAMMED
    wait_item(qtbot, dw, "dock_qr_send")
