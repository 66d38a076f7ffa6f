"""A real `kiosk run --simulate` process: proves its start to the updater at Welcome, keeps a
citizen's session when an update is waiting, and leaves by itself (exit 0) once back at Welcome."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.update import gate

KIOSK = [sys.executable, "-m", "kiosk.cli"]

pytestmark = pytest.mark.gui  # a Qt process (offscreen), like tests/e2e


class Lines:
    """The kiosk's stderr, line by line, waited on with a deadline."""

    def __init__(self, stream: object) -> None:
        self.seen: list[str] = []
        self._q: queue.Queue[str] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(stream,), name="kiosk-stderr")
        self._thread.start()

    def _read(self, stream: object) -> None:
        for raw in stream:  # type: ignore[attr-defined]
            self._q.put(raw.decode("utf-8", "replace"))

    def wait_for(self, text: str, timeout_s: float = 60.0) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self._q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        pytest.fail(f"no line with {text!r}; got: {''.join(self.seen)[-3000:]}")

    def join(self) -> None:
        self._thread.join(timeout=30)


def _wait(read: Callable[[], float | None], timeout_s: float = 30.0) -> float:
    deadline, pause = time.monotonic() + timeout_s, threading.Event()
    while time.monotonic() < deadline:
        value = read()
        if value is not None:
            return value
        pause.wait(0.05)
    pytest.fail("the kiosk did not write started.json")


def _ctl(config: Path, *argv: str) -> None:
    subprocess.run([*KIOSK, "--config", str(config), "ctl", *argv], check=True,
                   capture_output=True, timeout=120)


def test_running_kiosk_yields_only_back_at_welcome(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[paths]\ndata_dir = "data"\n[voice]\nengine = "mock"\n', "utf-8")
    run_dir = tmp_path / "data" / "run"
    notify_path = tmp_path / "notify.sock"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NOTIFY_SOCKET": str(notify_path),
           "PYTHONUNBUFFERED": "1", "KIOSK_UPDATE_MIN_IDLE_S": "1"}
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(str(notify_path))
        notify.settimeout(120)
        before = time.time()
        kiosk = subprocess.Popen([*KIOSK, "--config", str(config), "run", "--simulate",
                                  "--windowed"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        lines = Lines(kiosk.stderr)
        try:
            assert notify.recv(4096).startswith(b"READY=1")
            started = _wait(lambda: gate.started_at(run_dir))  # written just after READY
            assert started >= before  # the package trial's proof: Welcome was shown
            _ctl(config, "tap", "startButton")  # a citizen begins
            _ctl(config, "wait-screen", "procedure")
            gate.request_hold(run_dir, "9.9", time.time())
            lines.wait_for("software update 9.9 waiting")
            _ctl(config, "wait-screen", "procedure")  # still serving the citizen
            assert kiosk.poll() is None
            state = gate.read_ui_state(run_dir)
            assert state is not None
            assert state.state == "session"
            _ctl(config, "tap", "backButton")  # the citizen goes back to Welcome
            lines.wait_for("leaving for software update 9.9")
            assert kiosk.wait(timeout=60) == 0  # left by itself, cleanly
            state = gate.read_ui_state(run_dir)
            assert state is not None
            assert state.state == "yielded"
        finally:
            if kiosk.poll() is None:
                kiosk.send_signal(signal.SIGTERM)
                kiosk.wait(timeout=60)
            lines.join()
            assert kiosk.stderr is not None
            kiosk.stderr.close()
