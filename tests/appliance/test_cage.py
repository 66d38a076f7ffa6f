"""The kiosk on the screen the way kiosk.service puts it there: cage (a Wayland kiosk
compositor) running the UI as its one client, Qt on its ``wayland`` platform plugin.

Why cage and not eglfs: the PySide6 wheel ships eglfs's KMS integration but not
libQt6EglFsKmsGbmSupport.so.6, so eglfs cannot drive a Mesa (Intel/AMD) GPU; it does ship the
Wayland platform plugins. Here cage runs with wlroots' headless backend and its software (pixman)
renderer, so no GPU, seat or VT is needed; on the appliance the same command gets the screen and
touch from logind (the unit's PAM session on tty1).

The command is the unit's own ExecStart= and ExecStop= (only the install prefix and the runtime
folder are replaced), and the notify socket is ours, as systemd's would be. What is shown:
- the UI reaches Welcome (READY=1) under cage on the Wayland plugin, within the unit's start
  timeout, and it is cage's *child* that notifies (hence NotifyAccess=all);
- with WATCHDOG_PID naming another process (systemd names cage, the main process) the UI still
  pings the watchdog, because the unit drops WATCHDOG_PID for it;
- the unit's ExecStop= ends it cleanly: cage exits 0, where a SIGTERM to cage itself (what
  systemd would send without it) makes cage 0.1.4 abort;
- all of it also under the unit's SystemCallFilter= (tests/appliance/syscall_filter.py).

cage refuses to run as root (it checks it cannot regain root), so as root the compositor runs in
a user namespace mapped to an unprivileged uid (the appliance runs it as User=kiosk).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kiosk.paths import REPO_ROOT, SYSTEMD_DIR
from tests.appliance import syscall_filter

pytestmark = [
    pytest.mark.gui,  # a Qt process (on Wayland)
    pytest.mark.skipif(shutil.which("cage") is None, reason="cage is not installed (make setup)"),
    pytest.mark.skipif(not Path("/usr/bin/Xwayland").exists(),
                       reason="cage 0.1.4 will not start without the Xwayland binary"),
]

START_TIMEOUT_S = 60.0  # kiosk.service's TimeoutStartSec=
STOP_TIMEOUT_S = 30.0  # kiosk.service's TimeoutStopSec=
WATCHDOG_USEC = 1_000_000  # the UI pings every 0.5 s
HEADLESS = {"WLR_BACKENDS": "headless", "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1"}


def unit_command(unit: str, key: str) -> list[str]:
    """A unit's ExecStart=/ExecStop= as argv: continuation lines joined, ``$$`` unescaped."""
    text = (SYSTEMD_DIR / unit).read_text("utf-8").replace("\\\n", " ")
    found = re.findall(rf"^{key}=(.+)$", text, re.M)
    assert len(found) == 1, (unit, key, found)
    return shlex.split(found[0].replace("$$", "$"))


def unit_environment(unit: str) -> dict[str, str]:
    text = (SYSTEMD_DIR / unit).read_text("utf-8")
    return dict(line.split("=", 1) for line in re.findall(r"^Environment=(.+)$", text, re.M))


def kiosk_command(runtime: Path, *extra: str) -> list[str]:
    """kiosk.service's ExecStart= with this checkout's kiosk and a runtime folder of our own."""
    argv = unit_command("kiosk.service", "ExecStart")
    argv = [f"XDG_RUNTIME_DIR={runtime}" if a.startswith("XDG_RUNTIME_DIR=") else
            a.replace("/opt/dvc-kiosk", str(REPO_ROOT)) for a in argv]
    return [*argv, *extra]


def unprivileged(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["unshare", "--user", "--map-user=65534", "--map-group=65534", *argv]


@dataclass
class Session:
    cage: subprocess.Popen[bytes]
    notify: socket.socket
    started: float
    messages: list[tuple[float, int, bytes]] = field(default_factory=list)

    def receive(self, until: float) -> tuple[float, int, bytes] | None:
        """One notify datagram with its sender's PID (SCM_CREDENTIALS), or None at ``until``."""
        left = until - time.monotonic()
        if left <= 0:
            return None
        self.notify.settimeout(left)
        try:
            data, ancillary, _, _ = self.notify.recvmsg(4096, socket.CMSG_SPACE(12))
        except TimeoutError:
            return None
        pid = 0
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("3i", payload[:12])[0]
        got = (time.monotonic() - self.started, pid, data)
        self.messages.append(got)
        return got

    def wait_for(self, prefix: bytes, timeout: float) -> tuple[float, int, bytes]:
        until = time.monotonic() + timeout
        while (got := self.receive(until)) is not None:
            if got[2].startswith(prefix):
                return got
            if self.cage.poll() is not None:
                break
        raise AssertionError(f"no {prefix!r} within {timeout} s; cage rc {self.cage.poll()}; "
                             f"messages {self.messages[-5:]}; {self.output()[-3000:]}")

    def output(self) -> str:
        if self.cage.poll() is None or self.cage.stdout is None:
            return "(still running)"
        return self.cage.stdout.read().decode("utf-8", "replace")

    def cage_pid(self) -> int:
        """cage itself (``unshare`` execs it when this test runs unprivileged already)."""
        pid = self.cage.pid
        for _ in range(3):
            if str(Path(f"/proc/{pid}/exe").readlink()).endswith("/cage"):
                return pid
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            assert kids, f"no cage under {pid}"
            pid = int(kids[0])
        raise AssertionError("cage not found")


@contextmanager
def cage_session(tmp_path: Path, filters: list[str] | None = None) -> Iterator[Session]:
    runtime, home = tmp_path / "run", tmp_path / "home"
    runtime.mkdir(mode=0o700)
    home.mkdir()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[voice]\nengine = "mock"\n',
                      "utf-8")
    notify_path = tmp_path / "notify.sock"
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    notify.bind(str(notify_path))
    notify_path.chmod(0o777)  # the unprivileged uid in the namespace writes here
    if os.geteuid() == 0:
        tmp_path.chmod(0o755)  # and reads the configuration
    env = {**os.environ, **unit_environment("kiosk.service"), **HEADLESS,
           "KIOSK_CONFIG": str(config), "HOME": str(home), "NOTIFY_SOCKET": str(notify_path),
           "WATCHDOG_USEC": str(WATCHDOG_USEC),
           "WATCHDOG_PID": str(os.getpid()),  # as systemd: the main process, not the UI
           "PYTHONUNBUFFERED": "1"}
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("SPEECHD_ADDRESS", None)
    argv = kiosk_command(runtime, "--simulate")
    if filters is not None:
        argv = [sys.executable, str(Path(syscall_filter.__file__)), *filters, "--", *argv]
    started = time.monotonic()
    cage = subprocess.Popen(unprivileged(argv), env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    session = Session(cage, notify, started)
    try:
        yield session
    finally:
        if cage.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(cage.pid, signal.SIGKILL)
        cage.wait(timeout=30)
        if cage.stdout is not None:
            cage.stdout.close()
        notify.close()


def stop_as_the_unit_does(session: Session) -> int:
    """Run the unit's ExecStop= with $MAINPID = cage, then return cage's exit status."""
    stop = unit_command("kiosk.service", "ExecStop")
    cage_pid = session.cage_pid()
    subprocess.run(stop, env={**os.environ, "MAINPID": str(cage_pid)}, check=True,
                   timeout=STOP_TIMEOUT_S)
    return session.cage.wait(timeout=STOP_TIMEOUT_S)


def _check_the_ui_under_cage(session: Session) -> None:
    at, sender, ready = session.wait_for(b"READY=1", START_TIMEOUT_S)
    print(f"under cage (wayland): READY=1 after {at:.2f} s")
    assert b"STATUS=Welcome screen shown" in ready
    cage_pid = session.cage_pid()
    assert sender != cage_pid
    parent = Path(f"/proc/{sender}/status").read_text()
    assert f"\nPPid:\t{cage_pid}\n" in parent  # the UI is cage's child: NotifyAccess=all
    maps = Path(f"/proc/{sender}/maps").read_text()
    assert "libqwayland" in maps  # Qt's Wayland platform plugin
    assert "libQt6WaylandClient" in maps
    environ = Path(f"/proc/{sender}/environ").read_bytes().split(b"\0")
    assert b"WAYLAND_DISPLAY=wayland-0" in environ
    assert not any(e.startswith(b"WATCHDOG_PID=") for e in environ)
    # the watchdog: pings from the UI although WATCHDOG_PID named another process
    pings: list[float] = []
    until = time.monotonic() + 10
    while len(pings) < 4 and (got := session.receive(until)) is not None:
        if got[2] == b"WATCHDOG=1":
            assert got[1] == sender
            pings.append(got[0])
    assert len(pings) >= 4, session.messages[-5:]
    assert session.cage.poll() is None


def test_the_kiosk_reaches_welcome_under_cage_on_wayland(tmp_path: Path) -> None:
    with cage_session(tmp_path) as session:
        _check_the_ui_under_cage(session)
        rc = stop_as_the_unit_does(session)
        assert rc == 0, session.output()[-3000:]


def test_the_same_under_the_units_syscall_filter(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze names the syscall groups")
    text = (SYSTEMD_DIR / "kiosk.service").read_text("utf-8")
    filters = re.findall(r"^SystemCallFilter=(.+)$", text, re.M)
    assert filters == ["@system-service", "mincore"]
    with cage_session(tmp_path, filters) as session:
        _check_the_ui_under_cage(session)
        rc = stop_as_the_unit_does(session)
        assert rc == 0, session.output()[-3000:]  # not -SIGSYS: cage and the UI stayed inside


def test_a_sigterm_to_cage_itself_is_why_the_unit_stops_the_ui_first(tmp_path: Path) -> None:
    """cage 0.1.4 (Debian 12) aborts on its own SIGTERM (cage issue #339). If a newer cage
    exits cleanly, this fails: then the unit's ExecStop= can go."""
    with cage_session(tmp_path) as session:
        session.wait_for(b"READY=1", START_TIMEOUT_S)
        os.kill(session.cage_pid(), signal.SIGTERM)
        rc = session.cage.wait(timeout=STOP_TIMEOUT_S)
        assert rc == -signal.SIGABRT, (rc, session.output()[-2000:])


def test_safe_mode_shows_its_screen_under_cage_on_wayland(tmp_path: Path) -> None:
    """kiosk-safe-mode.service's ExecStart= with the screen closed after 3 s (cage 0.1.4 always
    exits 0, so the UI's own status is written to a file)."""
    argv = unit_command("kiosk-safe-mode.service", "ExecStart")
    split = argv.index("--")
    assert argv[split + 1:] == ["/opt/dvc-kiosk/.venv/bin/kiosk", "run", "--safe-mode"]
    runtime, status = tmp_path / "run", tmp_path / "status"
    runtime.mkdir(mode=0o700)
    tmp_path.chmod(0o777)  # the unprivileged uid in the namespace writes the status here
    code = ("import sys; from PySide6.QtGui import QGuiApplication; "
            "from kiosk.ui.safe_mode import run_safe_mode; rc = run_safe_mode('vi', "
            "quit_after_ms=3000); print('platform', QGuiApplication.platformName()); sys.exit(rc)")
    ui = f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}; echo $? > {status}"
    argv = [f"XDG_RUNTIME_DIR={runtime}" if a.startswith("XDG_RUNTIME_DIR=") else a
            for a in argv[:split + 1]] + ["sh", "-c", ui]
    env = {**os.environ, **unit_environment("kiosk-safe-mode.service"), **HEADLESS,
           "HOME": str(tmp_path)}
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(unprivileged(argv), env=env, cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "platform wayland" in result.stdout, (result.stdout, result.stderr[-3000:])
    assert status.read_text().strip() == "0", result.stderr[-3000:]


VIRTUAL_KEYBOARD = '''
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine
from kiosk.ui.app_ui import prepare_environment
prepare_environment()  # the kiosk's own QT_IM_MODULE
QML = b"""
import QtQuick
import QtQuick.Controls
import QtQuick.VirtualKeyboard
ApplicationWindow {
    id: w; visible: true; width: 800; height: 600
    TextField { id: f; width: 300; Component.onCompleted: forceActiveFocus() }
    InputPanel { id: panel; y: w.height - height; width: w.width }
    property bool panelActive: panel.active
    property bool imVisible: Qt.inputMethod.visible
}
"""
app = QGuiApplication(sys.argv)
engine = QQmlApplicationEngine()
engine.loadData(QML)
window = engine.rootObjects()[0]
def look() -> None:
    if window.property("panelActive") and window.property("imVisible"):
        print("keyboard shown on", app.platformName(), flush=True)
        app.quit()
timer = QTimer(interval=100, timeout=look)
timer.start()
QTimer.singleShot(15000, app.quit)
sys.exit(app.exec())
'''


def test_the_on_screen_keyboard_opens_under_cage_on_wayland(tmp_path: Path) -> None:
    """Qt warns 'qtvirtualkeyboard currently is not supported at client-side' on Wayland; the
    keyboard (client-side, as the kiosk uses it) still opens for a focused text field."""
    argv = unit_command("kiosk.service", "ExecStart")
    split = argv.index("--")
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    argv = [f"XDG_RUNTIME_DIR={runtime}" if a.startswith("XDG_RUNTIME_DIR=") else a
            for a in argv[:split + 1]] + [sys.executable, "-c", VIRTUAL_KEYBOARD]
    env = {**os.environ, **unit_environment("kiosk.service"), **HEADLESS, "HOME": str(tmp_path)}
    for name in ("WAYLAND_DISPLAY", "QT_IM_MODULE"):
        env.pop(name, None)
    if os.geteuid() == 0:
        tmp_path.chmod(0o755)
    result = subprocess.run(unprivileged(argv), env=env, cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert "keyboard shown on wayland" in result.stdout, (result.stdout, result.stderr[-3000:])
