"""The running UI steps aside for a software update only idle at Welcome (never mid-citizen)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.app_ui import KioskUi
from kiosk.update import gate
from kiosk.update.ui_hook import start_update_gate

pytestmark = pytest.mark.gui


def test_ui_yields_at_welcome_not_during_a_session(ui: KioskUi, qtbot: QtBot, tmp_path: Path) -> None:
    run = tmp_path / "run"
    quits: list[str] = []
    seen: list[str] = []

    def screen() -> str:
        seen.append(ui.flow.current_screen())
        return seen[-1]

    timer = start_update_gate(run, screen, lambda: quits.append(ui.flow.current_screen()),
                              ui.engine, min_idle_s=0, interval_ms=10)
    try:
        ui.flow.start()  # a citizen taps Start
        qtbot.waitUntil(lambda: getattr(gate.read_ui_state(run), "state", "") == "session",
                        timeout=5000)
        gate.request_hold(run, "1.1", time.time())
        ticks = len(seen)
        qtbot.waitUntil(lambda: len(seen) >= ticks + 20, timeout=5000)
        assert quits == []  # twenty ticks with an update waiting: the session goes on
        assert ui.flow.current_screen() != "welcome"
        ui.flow.home()  # the session ends
        qtbot.waitUntil(lambda: quits == ["welcome"], timeout=5000)
        state = gate.read_ui_state(run)
        assert state is not None
        assert state.state == "yielded"
        assert not timer.isActive()
    finally:
        timer.stop()
