"""kiosk.service as shipped (cage + Wayland, NotifyAccess=all with the UI as cage's child, the
watchdog, ExecStop=, the hardening) started by a real systemd 252 as PID 1, in the namespaces
test_under_systemd.py boots.

Changed for the container, in one drop-in, and nothing else: wlroots' headless backend with its
software renderer, so cage needs no GPU, input devices or seat (seatd is not exercised: with the
headless backend cage opens no seat).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.appliance.test_under_systemd import (
    DEADLINE_S,
    Container,
    _install,
    _python_access,
    _show,
    _wait,
    booted,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="booting systemd in namespaces needs root"),
    pytest.mark.skipif(not Path("/lib/systemd/systemd").exists(), reason="systemd is not installed"),
    pytest.mark.skipif(shutil.which("cage") is None or not Path("/usr/bin/Xwayland").exists(),
                       reason="cage and Xwayland (make setup)"),
    pytest.mark.skipif(shutil.which("unshare") is None or shutil.which("nsenter") is None,
                       reason="util-linux unshare/nsenter"),
]


def _ui_pid(c: Container) -> int:
    cage = c.main_pid("kiosk.service")
    kids = c.run("cat", f"/proc/{cage}/task/{cage}/children").stdout.split()
    assert kids, "cage has no child"
    return int(kids[0])


def test_kiosk_service_under_cage_under_a_real_systemd(tmp_path: Path) -> None:
    with booted(tmp_path) as c:
        _install(c)
        # the shipped unit as it is (test_under_systemd's own drop-in runs the UI offscreen)
        c.sh("""
            rm /etc/systemd/system/kiosk.service.d/test.conf
            printf '%s\n' '[Service]' \
                'Environment=QT_QPA_PLATFORM=wayland WLR_BACKENDS=headless' \
                'Environment=WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1' \
                > /etc/systemd/system/kiosk.service.d/zz-cage-headless.conf
            systemctl daemon-reload
        """)
        started = time.monotonic()
        start = c.run("systemctl", "start", "kiosk.service", timeout=DEADLINE_S + 30,
                      check=False)
        journal = c.run("journalctl", "--no-pager", "-n", "80", "-u", "kiosk.service",
                        check=False).stdout
        if start.returncode != 0:
            print(journal)
        assert start.returncode == 0, start.stderr
        print(f"kiosk.service under cage: active after {time.monotonic() - started:.1f} s")
        shown = _show(c, "kiosk.service", "ActiveState", "StatusText", "NotifyAccess",
                      "ExecMainPID")
        assert shown["ActiveState"] == "active", shown
        assert shown["StatusText"] == "Welcome screen shown"  # READY=1 from cage's child
        assert shown["NotifyAccess"] == "all"
        cage = int(shown["ExecMainPID"])
        assert c.run("readlink", f"/proc/{cage}/exe").stdout.strip() == "/usr/bin/cage"
        ui = _ui_pid(c)
        assert "libqwayland" in c.run("cat", f"/proc/{ui}/maps").stdout
        environ = c.run("cat", f"/proc/{ui}/environ").stdout.split("\0")
        assert "XDG_RUNTIME_DIR=/run/dvc-kiosk-display" in environ
        assert "WAYLAND_DISPLAY=wayland-0" in environ
        assert c.run("test", "-S", "/run/dvc-kiosk-display/wayland-0").returncode == 0
        # the UI, not cage, pings the watchdog: systemd's last-ping time moves on
        first = _show(c, "kiosk.service", "WatchdogTimestampMonotonic")
        deadline = time.monotonic() + 20  # the UI pings every WatchdogSec/2 = 15 s
        while (_show(c, "kiosk.service", "WatchdogTimestampMonotonic") == first
               and time.monotonic() < deadline):
            pass  # each look is a systemctl process
        assert _show(c, "kiosk.service", "WatchdogTimestampMonotonic") != first
        # hardening still on both processes
        for pid in (cage, ui):
            status = c.run("cat", f"/proc/{pid}/status").stdout
            assert re.search(r"^Seccomp:\s+2$", status, re.M), pid
            assert re.search(r"^CapEff:\s+0+$", status, re.M), pid
            assert re.search(r"^NoNewPrivs:\s+1$", status, re.M), pid
        # the seat daemon the unit wants is up (cage uses it only with the DRM backend)
        if Path("/usr/sbin/seatd").exists():
            assert _show(c, "seatd.service", "ActiveState")["ActiveState"] == "active"

        # the UI dies: cage exits with it, Restart=always brings both back to Welcome
        c.run("kill", "-KILL", str(ui))
        _wait(c, "kiosk.service", "NRestarts", "1")
        _wait(c, "kiosk.service", "StatusText", "Welcome screen shown")
        assert _show(c, "kiosk.service", "ActiveState")["ActiveState"] == "active"

        # a stop is clean (ExecStop= stops the UI first; cage 0.1.4 aborts on its own
        # SIGTERM): not failed, so OnFailure= does not put safe mode on the screen
        c.run("systemctl", "stop", "kiosk.service", timeout=60)
        after = _show(c, "kiosk.service", "ActiveState", "Result")
        assert after == {"ActiveState": "inactive", "Result": "success"}, after
        safe = _show(c, "kiosk-safe-mode.service", "ActiveState")
        assert safe["ActiveState"] == "inactive", safe

        # safe mode puts its screen up the same way, and stops as cleanly
        access = _python_access()
        python = "".join(f"'{access[i + 1]}' " for i in range(0, len(access), 2))
        c.sh(fr"""
            mkdir -p /etc/systemd/system/kiosk-safe-mode.service.d
            printf '%s\n' '[Service]' {python}\
                'Environment=WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1' \
                > /etc/systemd/system/kiosk-safe-mode.service.d/zz-cage-headless.conf
            systemctl daemon-reload
        """)
        c.run("systemctl", "start", "kiosk-safe-mode.service", timeout=60)
        safe_cage = int(_show(c, "kiosk-safe-mode.service", "ExecMainPID")["ExecMainPID"])
        deadline = time.monotonic() + DEADLINE_S  # Type=simple: started is before the exec
        exe = ""
        while exe != "/usr/bin/cage" and time.monotonic() < deadline:
            exe = c.run("readlink", f"/proc/{safe_cage}/exe", check=False).stdout.strip()
        assert exe == "/usr/bin/cage"
        maps = ""
        while "libqwayland" not in maps and time.monotonic() < deadline:
            kids = c.run("cat", f"/proc/{safe_cage}/task/{safe_cage}/children").stdout.split()
            maps = c.run("cat", f"/proc/{kids[0]}/maps", check=False).stdout if kids else ""
        assert "libqwayland" in maps  # the safe-mode screen is a Wayland client of cage
        c.run("systemctl", "stop", "kiosk-safe-mode.service", timeout=60)
        after = _show(c, "kiosk-safe-mode.service", "ActiveState", "Result")
        assert after == {"ActiveState": "inactive", "Result": "success"}, after
