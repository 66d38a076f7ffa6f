"""`kiosk ctl` against the real kiosk UI (offscreen) over a real control socket.

Screen commands run on the GUI thread (a real mouse click at an item's centre); everything else is
passed on to the simulation commands, so one script drives the screens and the simulated world.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from devices.status import DeviceStatus
from kiosk.ctl.client import call
from kiosk.ctl.protocol import CtlError, Request
from kiosk.ctl.server import ControlServer, Dispatch
from kiosk.ctl.sim_commands import SimCommands, SimTargets
from kiosk.ui.app_ui import KioskUi
from kiosk.ui.ctl_dispatch import UiCtl, kiosk_ctl
from kiosk.wiring.sim import SimKit

pytestmark = pytest.mark.gui


@contextmanager
def ctl_server(dispatch: Dispatch) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kctl") as d:  # short: AF_UNIX paths are limited
        server = ControlServer(Path(d) / "ctl.sock", dispatch)
        server.start()
        try:
            yield server.path
        finally:
            server.close()


def ctl(qtbot: QtBot, path: Path, cmd: str, *argv: str, timeout_s: float = 30.0) -> Any:
    """One `kiosk ctl CMD ARGV...` from a helper thread while this thread keeps Qt running."""
    box: dict[str, Any] = {}

    def go() -> None:
        try:
            box["result"] = call(path, cmd, list(argv), timeout_s=timeout_s)
        except CtlError as exc:
            box["error"] = exc

    thread = threading.Thread(target=go, name=f"ctl-{cmd}", daemon=True)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=int(timeout_s * 1000) + 5000)
    if "error" in box:
        raise box["error"]
    return box["result"]


def sim_commands(kit: SimKit) -> SimCommands:
    return SimCommands(SimTargets(qr=kit.qr.control, scanner=kit.scanner.control,
                                  printer=kit.printer.control,
                                  today=lambda: datetime.now(UTC).date(), page_dpi=100))


def ui_ctl(ui: KioskUi, kit: SimKit) -> UiCtl:
    return kiosk_ctl(ui.window, ui.flow.current_screen, sim_commands(kit), parent=ui.engine)


def walk_session_by_ctl(qtbot: QtBot, path: Path) -> str:
    """A whole citizen session, as a tester's script would type it; returns the shown code."""

    def c(*argv: str) -> Any:
        return ctl(qtbot, path, *argv)

    c("wait-screen", "welcome")
    c("tap", "startButton")
    c("wait-screen", "procedure")
    c("tap", "proc_HT-XNHN")
    c("tap", "procedureGo")  # after the procedure's fee, time and documents
    c("wait-screen", "login")
    c("qr-sample", "1")
    c("wait-screen", "question")
    c("tap", "option_1")  # purpose: land (no spouse name to type)
    c("tap", "nextButton")
    c("wait-item", "questionLabel")
    for _ in range(3):
        if c("screen")["screen"] != "question":
            break
        c("tap", "option_0")
        c("tap", "nextButton")
    c("wait-screen", "documents")
    c("feed", "1", "seal")
    c("tap", "scan_previous_status_certificate")
    c("wait-item", "delete_previous_status_certificate")
    c("tap", "nextButton")
    c("wait-screen", "review")
    c("tap", "nextButton")
    c("wait-screen", "confirm")
    code = "".join(ch for ch in c("read", "confirmCode")["text"] if ch.isdigit())
    assert c("keypad", code) == {"keypad": "confirm", "typed": 6}
    c("tap", "confirm_ok")
    c("wait-screen", "done", "30")
    return code


def test_screen_tap_wait_read_over_the_socket(qtbot: QtBot, ui: KioskUi, kit: SimKit) -> None:
    with ctl_server(ui_ctl(ui, kit)) as path:
        assert ctl(qtbot, path, "screen") == {"screen": "welcome"}
        assert "startButton" in ctl(qtbot, path, "items")["items"]
        assert ctl(qtbot, path, "read", "welcomeTitle")["text"] == ui.strings.text("welcome_title")
        assert ctl(qtbot, path, "tap", "startButton") == {"tapped": "startButton"}
        assert ctl(qtbot, path, "wait-screen", "procedure") == {"screen": "procedure"}
        assert ui.flow.current_screen() == "procedure"


def test_refusals_name_the_problem(qtbot: QtBot, ui: KioskUi, kit: SimKit) -> None:
    with ctl_server(ui_ctl(ui, kit)) as path:
        with pytest.raises(CtlError, match="tap: no visible item 'nope' on screen 'welcome'"):
            ctl(qtbot, path, "tap", "nope", "0.2")
        with pytest.raises(CtlError, match=re.escape("still on 'welcome' after 0.3 s, not 'done'")):
            ctl(qtbot, path, "wait-screen", "done", "0.3")
        with pytest.raises(CtlError, match="read: no visible item 'ghost'"):
            ctl(qtbot, path, "read", "ghost")
        with pytest.raises(CtlError, match="keypad: 0 keypads visible"):
            ctl(qtbot, path, "keypad", "12")
        with pytest.raises(CtlError, match="'soon' is not a number of seconds"):
            ctl(qtbot, path, "wait-screen", "done", "soon")
        with pytest.raises(CtlError, match="unknown command 'fly'; known here:"):
            ctl(qtbot, path, "fly")
        help_text = ctl(qtbot, path, "help")["commands"]
        assert "wait-screen" in help_text
        assert "qr-sample" in help_text


def test_a_frozen_gui_is_reported_not_hung(qtbot: QtBot, ui: KioskUi) -> None:
    ctl_obj = UiCtl(lambda: (ui.window,), ui.flow.current_screen, gui_timeout_s=0.3, parent=ui.engine)
    box: dict[str, BaseException] = {}

    def from_server_thread() -> None:
        try:
            ctl_obj(Request("screen", ()))
        except CtlError as exc:
            box["error"] = exc

    thread = threading.Thread(target=from_server_thread)
    thread.start()
    thread.join(10)  # the GUI thread is "frozen": it does not turn the event loop meanwhile
    assert "did not answer within 0.3 s" in str(box["error"])


def test_full_session_with_device_commands_and_screenshot(
    qtbot: QtBot, ui: KioskUi, kit: SimKit, tmp_path: Path
) -> None:
    with ctl_server(ui_ctl(ui, kit)) as path:
        ctl(qtbot, path, "printer", "no_paper")
        code = walk_session_by_ctl(qtbot, path)
        assert len(code) == 6
        qtbot.waitUntil(lambda: ui.flow.done.print_state == "failed", timeout=10000)
        assert ctl(qtbot, path, "read", "donePrintState")["text"] == ui.strings.text("done_print_failed")
        assert kit.printer.health().status is DeviceStatus.NO_PAPER
        shot = ctl(qtbot, path, "screenshot", str(tmp_path / "shots" / "done.png"))
        with Image.open(shot["saved"]) as img:
            assert img.size == (shot["width"], shot["height"])
            assert img.width > 300
        ctl(qtbot, path, "printer", "ok")
        assert kit.printer.health().status is DeviceStatus.READY
        app_code = ui.flow.done.code
    rows = kit.store.query("SELECT application_code FROM applications")
    assert [r[0] for r in rows] == [app_code]
