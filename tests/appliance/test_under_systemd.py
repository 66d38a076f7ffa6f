"""The shipped units under a real systemd, as PID 1, with nothing mocked in between.

The machines the suite runs on often have no systemd as PID 1 (containers, CI), so this boots
the installed systemd in new PID, mount, network, UTS, IPC and cgroup namespaces over an overlay
of the machine's own root (every write lands in a tmpfs: the machine is left as it was), lays the
appliance's files out with ``kiosk.system_install --package-tree /`` as the Debian package does,
and starts kiosk-sync.service and kiosk.service against a reference gateway on the container's
loopback. It then checks what the units promise: the kiosk reaches Welcome (Type=notify) inside
its sandbox; seccomp, no capabilities, no new privileges, umask 077 and no core dumps on the
process; /etc read-only but its configuration folder writable (the technician's settings);
other users' processes invisible; the state folder made by StateDirectory=; the agent sends
sealed applications; and a staff USB stick mounted on the host after the kiosk started shows up
inside the kiosk's sandbox, takes the export and goes again when pulled out.

What this cannot show: udev starting media-usbstick.mount (no udev in the container; see
test_usb_stick.py for the rule under udevadm test). The stick is mounted with the unit's Options=.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.paths import REPO_ROOT, SYSTEMD_DIR

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="booting systemd in namespaces needs root"),
    pytest.mark.skipif(not Path("/lib/systemd/systemd").exists(), reason="systemd is not installed"),
]

# Units of the machine's own boot that would touch shared kernel state (clock, sysctls, binfmt,
# modules, uevents) or are not needed: masked inside the container only.
MASKED = (
    "systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket "
    "systemd-udev-trigger.service systemd-udev-settle.service systemd-timesyncd.service "
    "systemd-sysctl.service systemd-binfmt.service systemd-modules-load.service "
    "systemd-pstore.service systemd-repart.service systemd-firstboot.service "
    "systemd-hwdb-update.service proc-sys-fs-binfmt_misc.automount tmp.mount "
    "kiosk-speech.service speech-dispatcher.service postgresql.service prometheus.service "
    "prometheus-node-exporter.service systemd-journal-remote.service "
    "systemd-journal-upload.service cron.service ssh.service networking.service "
    "apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer"
)
BOOT = r"""
set -e
B="$1"
mount -t tmpfs -o size=2g tmpfs "$B"
mkdir -p "$B/up" "$B/work" "$B/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$B/up,workdir=$B/work" "$B/root"
R="$B/root"
mount --rbind /dev "$R/dev"
mount --rbind /sys "$R/sys"
# the checkout wherever it is (CI clones anywhere, /tmp included, which the container's own
# systemd would otherwise cover with its tmpfs): bound at the same path
mkdir -p "$R$REPO"
mount --rbind "$REPO" "$R$REPO"
mkdir -p "$R/etc/systemd/system"
printf '[Unit]\nDescription=DVC Kiosk test boot\nRequires=basic.target\nAfter=basic.target\n' \
    > "$R/etc/systemd/system/dvc-test.target"
for u in $MASKED; do ln -sf /dev/null "$R/etc/systemd/system/$u"; done
cd "$R"
mkdir -p oldroot
pivot_root . oldroot
exec env container=dvc-kiosk-test /lib/systemd/systemd --system --unit=dvc-test.target
"""
PORT = 8791
DEADLINE_S = 60.0


@dataclass
class Container:
    pid: int
    host_root: Path  # the machine's own / as the container sees it

    def run(self, *cmd: str, check: bool = True, timeout: float = 120
            ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(["nsenter", "-t", str(self.pid), "-a", "--", *cmd],
                                capture_output=True, text=True, timeout=timeout, check=False)
        if check:
            assert result.returncode == 0, (cmd, result.stdout[-2000:], result.stderr[-3000:])
        return result

    def sh(self, script: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("sh", "-ec", script, check=check)

    def kiosk(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """A `kiosk` command as the kiosk user, in a transient unit like the real ones."""
        return self.run("systemd-run", "--wait", "--pipe", "--quiet", "-p", "User=kiosk",
                        "-p", "Group=kiosk", "-p", "StateDirectory=dvc-kiosk",
                        "-p", "StateDirectoryMode=0750", "-p", "UMask=0077", *_python_access(),
                        "-E", "KIOSK_CONFIG=/etc/dvc-kiosk/kiosk.toml",
                        "/opt/dvc-kiosk/.venv/bin/kiosk", *args, check=check)

    def main_pid(self, unit: str) -> int:
        return int(self.run("systemctl", "show", "-p", "MainPID", "--value", unit).stdout)

    def in_sandbox(self, unit: str, *cmd: str, check: bool = True
                   ) -> subprocess.CompletedProcess[str]:
        """``cmd`` as the kiosk user inside ``unit``'s own mount namespace (its sandbox)."""
        pid = self.main_pid(unit)
        return self.run("nsenter", "-t", str(pid), "-m", "--", "setpriv", "--reuid=kiosk",
                        "--regid=kiosk", "--init-groups", *cmd, check=check)


def _python_access() -> list[str]:
    """ProtectHome= hides /root and /home: a venv built on a Python there (pyenv on a developer's
    machine) needs that Python put back read-only. The appliance's venv uses /usr/bin/python3.
    The checkout itself (linked as /opt/dvc-kiosk, its venv's scripts name it) is put back too
    where the units hide it: under /root or /home, or under /tmp and /var/tmp, which PrivateTmp=
    replaces (CI may clone there)."""
    props: list[str] = []
    hidden: list[Path] = []
    base = Path(sys.base_prefix).resolve()
    repo = REPO_ROOT.resolve()
    for path in (base, repo):
        top = path.parts[1:2]
        if top in (("root",), ("home",)):
            hidden.append(path)
            if "ProtectHome=tmpfs" not in props:
                props += ["-p", "ProtectHome=tmpfs"]
        elif top == ("tmp",) or path.parts[1:3] == ("var", "tmp"):
            hidden.append(path)
    for path in dict.fromkeys(hidden):
        props += ["-p", f"BindReadOnlyPaths={path}"]
    return props


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


@contextmanager
def booted(tmp: Path) -> Iterator[Container]:
    base = tmp / "container"
    base.mkdir()
    env = {**os.environ, "MASKED": MASKED, "REPO": str(REPO_ROOT)}
    proc = subprocess.Popen(
        ["unshare", "--pid", "--fork", "--mount", "--net", "--uts", "--ipc", "--cgroup",
         "--propagation", "private", "sh", "-c", BOOT, "sh", str(base)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    init = 0
    systemd = Path("/lib/systemd/systemd").resolve()
    try:
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            kids = _children(proc.pid)  # unshare --fork's child: sh, then systemd
            if kids:
                init = kids[0]
                with suppress(OSError):
                    if Path(f"/proc/{init}/exe").resolve() == systemd:
                        break
            with suppress(subprocess.TimeoutExpired):  # the pause between looks: unshare failing
                proc.wait(timeout=0.05)
                break
        if proc.poll() is not None:
            raise AssertionError(f"systemd did not start: {proc.stderr.read() if proc.stderr else ''}")
        assert init, "unshare started nothing"
        container = Container(init, Path("/oldroot"))
        while time.monotonic() < deadline:  # systemctl needs the manager's socket
            if container.run("test", "-S", "/run/systemd/private", check=False).returncode == 0:
                break
            with suppress(subprocess.TimeoutExpired):  # the pause between looks
                proc.wait(timeout=0.1)
                break
        state = container.run("systemctl", "is-system-running", "--wait", check=False,
                               timeout=DEADLINE_S)
        assert state.stdout.strip() in ("running", "degraded"), state.stdout + state.stderr
        yield container
    finally:
        if init:
            with suppress(ProcessLookupError):
                os.kill(init, signal.SIGKILL)  # the container's PID 1: its namespace goes with it
        with suppress(ProcessLookupError):
            proc.kill()
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()
        with suppress(OSError):
            base.rmdir()


def _install(c: Container) -> None:
    c.sh(f"""
        ip link set lo up
        ln -sfn {REPO_ROOT} /opt/dvc-kiosk
        cd {REPO_ROOT} && .venv/bin/python -m kiosk.system_install --package-tree / >/dev/null
        systemd-sysusers
        systemd-tmpfiles --create dvc-kiosk.conf
        sed -i 's/^backend = "opencv"/backend = "simulated"/; s/^backend = "usb"/backend = "simulated"/' \
            /etc/dvc-kiosk/kiosk.toml
        mkdir -p /etc/systemd/system/kiosk.service.d /etc/systemd/system/kiosk-sync.service.d
        # no screen here: the UI offscreen without cage (kiosk.service's documented drop-in form)
        printf '%s\\n' '[Service]' 'ExecStart=' 'ExecStart=/opt/dvc-kiosk/.venv/bin/kiosk run' \
            'ExecStop=' 'NotifyAccess=main' 'Environment=QT_QPA_PLATFORM=offscreen' \
            > /etc/systemd/system/kiosk.service.d/test.conf
        # systemd PID 1 makes / shared outside a container (it leaves that to container managers)
        mount --make-rshared /
    """)
    access = _python_access()
    if access:
        drop_in = "[Service]\n" + "".join(f"{access[i + 1]}\n" for i in range(0, len(access), 2))
        for unit in ("kiosk", "kiosk-sync"):
            c.run("sh", "-c", f"printf '%s' '{drop_in}' > /etc/systemd/system/{unit}.service.d/python.conf")
    # the reference gateway on the container's loopback, this kiosk registered with it
    shown = c.kiosk("provision").stdout
    key = re.search(r"give it to the gateway operator\): (\S+)", shown)
    assert key is not None, shown
    code = ("import sys; from pathlib import Path; from sync.gateway.db import register_kiosk; "
            "from sync.gateway.keys import gateway_public_keys; d = Path('/srv/gw'); "
            "k = gateway_public_keys(d); register_kiosk(d, 'KIOSK-0001', sys.argv[1]); "
            "print(k.signing_b64, k.encryption_b64)")
    c.run("mkdir", "-p", "/srv/gw")
    signing, encryption = c.run(f"{REPO_ROOT}/.venv/bin/python", "-c", code, key.group(1)
                                ).stdout.split()
    c.sh(f"""
        sed -i -e 's#^url = ""#url = "http://127.0.0.1:{PORT}"#' \\
            -e 's#^signing_public_key = ""#signing_public_key = "{signing}"#' \\
            -e 's#^encryption_public_key = ""#encryption_public_key = "{encryption}"#' \\
            /etc/dvc-kiosk/kiosk.toml
        systemd-run --unit=dvc-test-gateway --quiet {REPO_ROOT}/.venv/bin/kiosk gateway serve \
            --host 127.0.0.1 --port {PORT} --data /srv/gw
        systemctl daemon-reload
    """)


def _queue(c: Container) -> dict[str, int]:
    status = c.kiosk("sync", "status", "--json")
    queue: dict[str, int] = json.loads(status.stdout)["queue"]
    return queue


def _wait_queue(c: Container, expected: dict[str, int]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    seen: dict[str, int] = {}
    while time.monotonic() < deadline:  # each look is a process start (about a second)
        seen = _queue(c)
        if seen == expected:
            return
    raise AssertionError(f"queue {seen}, expected {expected}")


def _mounted(c: Container) -> str:
    """What is mounted at /media/usbstick inside kiosk.service's sandbox."""
    return c.in_sandbox("kiosk.service", "findmnt", "-rn", "-o", "SOURCE", "--mountpoint",
                        "/media/usbstick", check=False).stdout


def _wait_for(c: Container, *cmd: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:  # each look is a process start
        if c.run(*cmd, check=False).returncode == 0:
            return
    raise AssertionError(f"{cmd} did not succeed within {timeout_s} s")


def _show(c: Container, unit: str, *props: str) -> dict[str, str]:
    args = [a for p in props for a in ("-p", p)]
    text = c.run("systemctl", "show", *args, unit).stdout
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def _wait(c: Container, unit: str, prop: str, value: str, timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:  # each look is a systemctl process (tens of ms)
        seen = _show(c, unit, prop)[prop]
        if seen == value:
            return
    raise AssertionError(f"{unit} {prop}={seen}, expected {value}")


def _status(c: Container, pid: int) -> dict[str, str]:
    text = c.run("cat", f"/proc/{pid}/status").stdout
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


@pytest.mark.skipif(shutil.which("unshare") is None or shutil.which("nsenter") is None,
                    reason="util-linux unshare/nsenter")
def test_the_units_under_a_real_systemd(tmp_path: Path) -> None:
    with booted(tmp_path) as c:
        _install(c)
        c.run("systemctl", "start", "kiosk-sync.service", "kiosk.service", timeout=DEADLINE_S + 30)
        shown = c.run("systemctl", "show", "-p", "ActiveState", "-p", "StatusText",
                      "kiosk.service").stdout
        assert "ActiveState=active" in shown
        assert "StatusText=Welcome screen shown" in shown  # sd_notify READY from the UI
        # the process carries the unit's hardening
        pid = c.main_pid("kiosk.service")
        status = _status(c, pid)
        assert status["Seccomp"].strip() == "2"  # SystemCallFilter=
        assert status["NoNewPrivs"].strip() == "1"
        assert int(status["CapEff"], 16) == 0
        assert int(status["CapBnd"], 16) == 0
        assert status["Umask"].strip() == "0077"
        assert re.search(r"Max core file size\s+0\s+0", c.run("cat", f"/proc/{pid}/limits").stdout)
        # the sandbox: /etc read-only, its configuration folder and state folder writable
        ro = c.in_sandbox("kiosk.service", "touch", "/etc/dvc-kiosk-test", check=False)
        assert "Read-only file system" in ro.stderr
        assert c.run("stat", "-c", "%U %a", "/etc/dvc-kiosk/kiosk.toml.last-good").stdout.split() \
            == ["kiosk", "600"]  # the config keeper kept the last good configuration
        assert c.run("stat", "-c", "%U:%G %a", "/var/lib/dvc-kiosk").stdout.split() \
            == ["kiosk:kiosk", "750"]  # StateDirectory=
        # ProtectProc=invisible: root's processes (PID 1 among them) are not there to see
        assert c.in_sandbox("kiosk.service", "test", "-e", "/proc/1", check=False).returncode != 0
        assert c.in_sandbox("kiosk.service", "test", "-e", f"/proc/{pid}").returncode == 0
        # the metrics textfile in node_exporter's folder, 0644, readable by another user (H16)
        prom = "/var/lib/prometheus/node-exporter/dvc_kiosk.prom"
        _wait_for(c, "test", "-s", prom)
        assert c.run("stat", "-c", "%U %a", prom).stdout.split() == ["kiosk", "644"]
        read = c.run("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "cat", prom)
        assert "dvc_kiosk_queue_depth 0" in read.stdout
        # the voice (H16): this machine has no sound card. With kiosk-speech.service running,
        # a kiosk start says the Welcome prompt, which fails in speech-dispatcher; the next start
        # used to hang until TimeoutStartSec=60 (Qt asked the wedged daemon for its voices).
        c.sh("""
            rm /etc/systemd/system/kiosk-speech.service  # masked by the boot above
            systemctl daemon-reload
            systemctl start kiosk-speech.service
        """)
        c.run("systemctl", "restart", "kiosk.service", timeout=DEADLINE_S + 30)
        _wait_for(c, "sh", "-c", "journalctl -u kiosk-speech.service | grep -qi 'alsa error'")
        started = time.monotonic()
        c.run("systemctl", "restart", "kiosk.service", timeout=DEADLINE_S + 30)
        restart_s = time.monotonic() - started
        print(f"kiosk.service restart after a failed utterance: {restart_s:.1f} s")
        assert restart_s < 15, restart_s
        assert "StatusText=Welcome screen shown" in c.run(
            "systemctl", "show", "-p", "StatusText", "kiosk.service").stdout
        # ... and, in its sandbox and under its filter, the voice says why it is silent
        pid = c.main_pid("kiosk.service")
        said = f"journalctl _PID={pid} | grep 'voice unavailable'"
        _wait_for(c, "sh", "-c", said, timeout_s=60)
        said = c.sh(said).stdout
        print(said.strip())
        assert "speech-dispatcher did not answer" in said or "audio never finished" in said

        # the sync agent under its own unit sends what the kiosk sealed
        sealed = c.kiosk("sim", "submit", "--count", "2", "--seed", "3")
        assert "sealed 2" in sealed.stdout
        _wait_queue(c, {"acked": 2})

        # a staff stick plugged in after the kiosk started: in its sandbox, takes the export
        c.run("systemctl", "stop", "dvc-test-gateway.service", "kiosk-sync.service")
        c.kiosk("sim", "submit", "--count", "1", "--seed", "4")
        assert _queue(c) == {"acked": 2, "queued": 1}
        image = tmp_path / "stick.img"
        with image.open("wb") as f:
            f.truncate(64 << 20)
        subprocess.run(["mkfs.exfat", str(image)], check=True, capture_output=True, timeout=60)
        device = subprocess.run(["losetup", "--find", "--show", str(image)], check=True,
                                capture_output=True, text=True, timeout=60).stdout.strip()
        try:
            options = re.findall(r"^Options=(.+)$", (SYSTEMD_DIR / "media-usbstick.mount")
                                 .read_text("utf-8"), re.M)[0]
            fstype = "exfat" if "exfat" in Path("/proc/filesystems").read_text() else "exfat-fuse"
            assert device not in _mounted(c)  # nothing plugged in
            c.run("mount", "-t", fstype, "-o", options, device, "/media/usbstick")
            assert device in _mounted(c)  # the host's new mount reached the running sandbox
            exported = c.in_sandbox("kiosk.service", "env", "KIOSK_CONFIG=/etc/dvc-kiosk/kiosk.toml",
                                    "/opt/dvc-kiosk/.venv/bin/kiosk", "export", "--to",
                                    "/media/usbstick")
            assert exported.stdout.startswith("exported 1 applications"), exported.stdout
            assert _queue(c) == {"acked": 2, "exported": 1}
            listing = c.run("ls", "-ln", "/media/usbstick").stdout
            assert "dvc-bundle-KIOSK-0001-3-3" in listing
            c.run("umount", "/media/usbstick")  # pulled out
            assert device not in _mounted(c)
        finally:
            subprocess.run(["losetup", "--detach", device], check=False, timeout=60)
