"""A frozen GUI thread stops the systemd watchdog pings (so systemd restarts the kiosk)."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from kiosk.notify import Notifier
from kiosk.ui.watchdog import GuiWatchdog

pytestmark = pytest.mark.gui


class PingRecorder:
    """A stand-in for systemd's notify socket, recording when each WATCHDOG=1 arrives."""

    def __init__(self, path: Path) -> None:
        self.times: list[float] = []
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(path))
        self._sock.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self._sock.recv(64) == b"WATCHDOG=1":
                    self.times.append(time.monotonic())
            except TimeoutError:
                continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


def test_pings_stop_while_the_gui_thread_is_frozen(qtbot: QtBot, tmp_path: Path) -> None:
    recorder = PingRecorder(tmp_path / "notify.sock")
    try:
        watchdog = GuiWatchdog(Notifier(str(tmp_path / "notify.sock")), interval_ms=50)
        watchdog.start()
        qtbot.waitUntil(lambda: len(recorder.times) >= 5, timeout=5000)

        frozen: dict[str, float] = {}

        def freeze() -> None:  # runs ON the GUI thread, blocking it like a hung call would
            frozen["start"] = time.monotonic()
            threading.Event().wait(1.0)
            frozen["end"] = time.monotonic()

        QTimer.singleShot(0, freeze)
        qtbot.waitUntil(lambda: "end" in frozen, timeout=5000)
        qtbot.waitUntil(
            lambda: any(t > frozen["end"] for t in recorder.times), timeout=5000)
        during = [t for t in recorder.times if frozen["start"] + 0.06 < t < frozen["end"]]
        assert during == [], "the watchdog kept pinging while the GUI thread was frozen"
        before = [t for t in recorder.times if t < frozen["start"]]
        gaps = [b - a for a, b in itertools.pairwise(before)]
        assert max(gaps) < 0.5  # it was pinging steadily before the freeze
        watchdog.stop()
    finally:
        recorder.close()


def test_no_watchdog_without_systemd() -> None:
    watchdog = GuiWatchdog(Notifier(""), interval_ms=50)
    watchdog.start()
    assert not watchdog.active
