"""The testers' scenario script (docs/testing.md) against the real kiosk UI, through the real CLI.

`kiosk ctl` finds the socket from the configuration (``<data_dir>/run/ctl.sock``); the test serves
that socket with the same dispatch a simulated kiosk uses, and runs the script's kiosk side
(SYNC=skip: the agent and the gateway are the end-to-end test's business).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from devices.status import DeviceStatus
from kiosk.ctl.server import ControlServer
from kiosk.ctl.sim_commands import SimCommands, SimTargets
from kiosk.ui.app_ui import KioskUi
from kiosk.ui.ctl_dispatch import kiosk_ctl
from kiosk.wiring.sim import SimKit

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "e2e" / "scenarios" / "paper_out_link_down.sh"


def test_the_scenario_script_drives_the_kiosk(qtbot: QtBot, ui: KioskUi, kit: SimKit, tmp_path: Path) -> None:
    data = tmp_path / "d"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "{data}"\n', encoding="utf-8")
    links: list[str] = []
    shifts: list[float] = []
    commands = SimCommands(SimTargets(
        qr=kit.qr.control, scanner=kit.scanner.control, printer=kit.printer.control,
        set_link=links.append, shift_clock=shifts.append, today=lambda: datetime.now(UTC).date(),
        page_dpi=100))
    server = ControlServer(data / "run" / "ctl.sock", kiosk_ctl(ui.window, ui.flow.current_screen, commands))
    server.start()
    out = tmp_path / "shots"
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "KIOSK": f"{bin_dir / 'kiosk'} --config {config}", "OUT": str(out), "SYNC": "skip",
           "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}
    log = tmp_path / "scenario.log"
    try:
        with log.open("w") as sink:
            proc = subprocess.Popen(["sh", str(SCRIPT)], env=env, stdout=sink, stderr=subprocess.STDOUT)
            qtbot.waitUntil(lambda: proc.poll() is not None, timeout=240_000)
    finally:
        server.close()
    output = log.read_text()
    assert proc.returncode == 0, output
    code = ui.flow.done.code or output.split("application ")[1].split()[0]
    assert f"== done: {code}" in output
    assert "the slip did not print" in output
    assert links == ["up", "down", "up"]
    assert shifts == [3600.0]
    assert kit.printer.health().status is DeviceStatus.READY
    assert ui.flow.current_screen() == "welcome"
    rows = kit.store.query("SELECT application_code FROM applications")
    assert [r[0] for r in rows] == [code]
    with Image.open(out / "done_paper_out.png") as shot:
        assert shot.width > 300
