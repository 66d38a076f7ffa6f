"""The running UI's side of the update gate (Qt: a timer on the GUI thread)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from kiosk.update.gate import Gate


def start_update_gate(run_dir: Path, screen: Callable[[], str], quit_app: Callable[[], None],
                      parent: QObject, *, min_idle_s: float = 60.0,
                      interval_ms: int = 1000) -> QTimer:
    """Each second: publish idle/session and, idle at Welcome with an update waiting, quit.

    The tick runs between two events of the GUI thread, so no tap can start a session between
    the decision and the quit.
    """
    gate = Gate(run_dir, min_idle_s=min_idle_s)
    timer = QTimer(parent)
    timer.setInterval(interval_ms)

    def tick() -> None:
        if gate.tick(screen()):
            timer.stop()
            quit_app()

    timer.timeout.connect(tick)
    timer.start()
    tick()
    return timer
