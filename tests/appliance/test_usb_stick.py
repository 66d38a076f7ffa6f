"""The staff USB export on a headless appliance, with a loop-device "stick".

A FAT-family stick image is attached to a loop device and mounted exactly as
media-usbstick.mount mounts a real stick (its Where= and Options=, with the test's unprivileged
user in place of "kiosk"). Then, as that user, the staff's own export (``kiosk export``, the
same ``sync.api.export_bundle`` the staff screen calls) writes the bundle onto it; the stick is
unmounted and mounted again (pulled out, plugged in) and every file read back against the signed
manifest. A read-only stick and a full one give staff a clear reason, leave the stick as it was
and lose nothing: the applications stay queued and the next stick takes them all.

Needs root (loop devices, mount): the suite runs as root on CI. exfatprogs and exfat-fuse
(`make apt`) give an exFAT stick on a kernel without the exfat driver; FAT32 runs where the
kernel has vfat.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kiosk.config import parse_config
from kiosk.layout import store_path
from kiosk.paths import REPO_ROOT, SYSTEMD_DIR
from kiosk.provision import ensure_kiosk_key
from kiosk.ui.admin.services import default_usb_roots
from kiosk.wiring.admin import usb_export_action
from sync.bundles.export import verify_bundle

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="loop devices and mount need root")

UNIT = SYSTEMD_DIR / "media-usbstick.mount"
RULES = SYSTEMD_DIR / "udev/71-dvc-kiosk-usb.rules"
KIOSK_USER = "nobody"  # stands in for the appliance's "kiosk" user: unprivileged, no groups
OTHER_UID = 1  # "daemon": another local account, which must not read citizens' bundles
KIOSK = [sys.executable, "-m", "kiosk.cli"]


def _unit_value(key: str) -> str:
    match = re.search(rf"^{key}=(.+)$", UNIT.read_text("utf-8"), re.M)
    assert match is not None, key
    return match.group(1).strip()


MOUNT_POINT = Path(_unit_value("Where"))


def test_the_udev_rule_the_mount_unit_and_the_kiosk_unit_agree() -> None:
    rules = RULES.read_text("utf-8")
    escaped = subprocess.run(["systemd-escape", "--path", "--suffix=mount", str(MOUNT_POINT)],
                             capture_output=True, text=True, check=True, timeout=30).stdout.strip()
    assert escaped == UNIT.name
    assert f'ENV{{SYSTEMD_WANTS}}+="{UNIT.name}"' in rules
    link = _unit_value("What").removeprefix("/dev/")
    assert f'SYMLINK+="{link}"' in rules
    assert 'ENV{ID_FS_TYPE}!="vfat|exfat"' in rules
    assert 'ENV{ID_BUS}!="usb"' in rules
    options = _unit_value("Options").split(",")
    assert {"uid=kiosk", "gid=kiosk", "fmask=0177", "dmask=0077", "nosuid", "nodev",
            "noexec"} <= set(options)
    kiosk = (SYSTEMD_DIR / "kiosk.service").read_text("utf-8")
    assert f"\nReadWritePaths=-{MOUNT_POINT}\n" in kiosk
    assert "\nProtectSystem=strict\n" in kiosk


@dataclass
class Stick:
    image: Path
    fstype: str
    device: str = ""
    ns: list[str] = field(default_factory=list)  # nsenter into the "host" namespace, or nothing

    def mount(self, *extra: str) -> None:
        options = _unit_value("Options").replace("uid=kiosk", f"uid={KIOSK_USER}")
        group = _group_name(pwd.getpwnam(KIOSK_USER).pw_gid)
        options = options.replace("gid=kiosk", f"gid={group}")  # by name, as the unit does
        options = ",".join([options, *extra])
        mount_type = self.fstype
        if self.fstype == "exfat" and not _kernel_has("exfat"):
            mount_type = "exfat-fuse"  # the same options; the kernel driver on a real kiosk
        result = subprocess.run([*self.ns, "mount", "-t", mount_type, "-o", options, self.device,
                                 str(MOUNT_POINT)], capture_output=True, text=True, timeout=60,
                                check=False)
        if result.returncode != 0 and "unknown filesystem type" in result.stderr:
            pytest.skip(f"this kernel has no {self.fstype} driver: {result.stderr.strip()}")
        assert result.returncode == 0, result.stderr

    def unmount(self) -> None:
        subprocess.run([*self.ns, "umount", str(MOUNT_POINT)], check=True, timeout=60)

    def fill(self, leave_free: int) -> None:
        """Take the stick's free space down to about ``leave_free`` bytes."""
        stat = os.statvfs(MOUNT_POINT)
        to_write = stat.f_bavail * stat.f_frsize - leave_free
        chunk = b"\0" * (1 << 20)
        with (MOUNT_POINT / "staff-video.bin").open("wb") as f:
            while to_write > 0:
                f.write(chunk[: min(len(chunk), to_write)])
                to_write -= len(chunk)


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name


def _kernel_has(fstype: str) -> bool:
    return any(line.split()[-1] == fstype
               for line in Path("/proc/filesystems").read_text().splitlines() if line.strip())


MKFS = {"exfat": ["mkfs.exfat", "-L", "USBSTAFF"], "vfat": ["mkfs.vfat", "-F", "32", "-n", "USBSTAFF"]}


@contextmanager
def loop_stick(tmp: Path, fstype: str, size_mb: int = 64) -> Iterator[Stick]:
    """A formatted stick image on a loop device; always detached and unmounted afterwards."""
    for tool in (MKFS[fstype][0], "losetup", "mount"):
        assert shutil.which(tool), f"{tool} is missing: `make apt` installs dosfstools and exfatprogs"
    if fstype == "exfat" and not _kernel_has("exfat"):
        assert shutil.which("mount.exfat-fuse") or Path("/sbin/mount.exfat-fuse").exists(), (
            "no exfat driver and no exfat-fuse: `make apt` installs exfat-fuse")
    if MOUNT_POINT.is_mount():
        pytest.fail(f"{MOUNT_POINT} is already mounted (a real stick, or another run): unmount it")
    stick = Stick(tmp / f"stick-{fstype}.img", fstype)
    with stick.image.open("wb") as f:
        f.truncate(size_mb << 20)
    subprocess.run([*MKFS[fstype], str(stick.image)], check=True, capture_output=True, timeout=60)
    made_mount_point = not MOUNT_POINT.exists()
    MOUNT_POINT.mkdir(parents=True, exist_ok=True)
    try:
        stick.device = subprocess.run(["losetup", "--find", "--show", str(stick.image)],
                                      capture_output=True, text=True, check=True,
                                      timeout=60).stdout.strip()
        yield stick
    finally:
        if MOUNT_POINT.is_mount() and subprocess.run(["umount", str(MOUNT_POINT)], check=False,
                                                     timeout=60).returncode:
            subprocess.run(["umount", "--lazy", str(MOUNT_POINT)], check=False, timeout=60)
        if stick.device:
            stop_fuse_daemons(stick.device)
            subprocess.run(["losetup", "--detach", stick.device], check=False, timeout=60)
        if made_mount_point:
            with suppress(OSError):
                MOUNT_POINT.rmdir()


def stop_fuse_daemons(device: str) -> None:
    """End the exfat-fuse daemon this test started for ``device`` (by its pid). A FUSE daemon
    started inside a test namespace keeps that namespace, and so its own mount, alive after the
    namespace's other processes are gone: it would hold the loop device for ever."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"mount.exfat-fuse") and device.encode() in args:
            pid = int(proc.name)
            try:
                fd = os.pidfd_open(pid)
            except ProcessLookupError:
                continue
            try:
                os.kill(pid, signal.SIGTERM)
                ready, _, _ = select.select([fd], [], [], 10.0)  # until it has exited
                if not ready:
                    os.kill(pid, signal.SIGKILL)
                    select.select([fd], [], [], 10.0)
            except ProcessLookupError:
                pass
            finally:
                os.close(fd)


@dataclass
class KioskData:
    folder: Path
    config: Path

    def run(self, *args: str, uid: int | None = None,
            ns: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
        user = pwd.getpwnam(KIOSK_USER)
        uid = user.pw_uid if uid is None else uid
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.folder),
               "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
        return subprocess.run(
            [*ns, "setpriv", f"--reuid={uid}", f"--regid={user.pw_gid}", "--clear-groups",
             *KIOSK, "--config", str(self.config), *args],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)

    def queue(self, ns: Sequence[str] = ()) -> dict[str, int]:
        status = self.run("sync", "status", "--json", ns=ns)
        assert status.returncode == 0, status.stderr
        queue: dict[str, int] = json.loads(status.stdout)["queue"]
        return queue


@pytest.fixture
def kiosk_data() -> Iterator[KioskData]:
    """A kiosk data folder owned by the unprivileged kiosk user, with three sealed applications."""
    folder = Path(tempfile.mkdtemp(prefix="dvc-usb-test-"))  # /tmp: reachable by that user
    try:
        user = pwd.getpwnam(KIOSK_USER)
        os.chown(folder, user.pw_uid, user.pw_gid)
        config = folder / "kiosk.toml"
        config.write_text(f'[paths]\ndata_dir = "{folder}/data"\n', "utf-8")
        data = KioskData(folder, config)
        sealed = data.run("sim", "submit", "--count", "3", "--seed", "7")
        assert sealed.returncode == 0, sealed.stderr
        assert data.queue() == {"queued": 3}
        yield data
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _bundles() -> list[Path]:
    return sorted(p for p in MOUNT_POINT.iterdir() if p.is_dir())


@pytest.mark.parametrize("fstype", ["exfat", "vfat"])
def test_staff_export_lands_on_the_stick_and_reads_back(
        tmp_path: Path, kiosk_data: KioskData, fstype: str) -> None:
    with loop_stick(tmp_path, fstype) as stick:
        assert MOUNT_POINT not in default_usb_roots()  # nothing plugged in: nothing offered
        stick.mount()
        assert MOUNT_POINT in default_usb_roots()  # the staff screen offers the stick
        exported = kiosk_data.run("export", "--to", str(MOUNT_POINT))
        assert exported.returncode == 0, exported.stdout + exported.stderr
        assert exported.stdout.startswith("exported 3 applications (seq 1..3)"), exported.stdout
        assert "verified" in exported.stdout
        assert kiosk_data.queue() == {"exported": 3}
        # another account on the kiosk cannot even list the stick (dmask=0077)
        other = subprocess.run(["setpriv", f"--reuid={OTHER_UID}", f"--regid={OTHER_UID}",
                                "--clear-groups", "ls", str(MOUNT_POINT)],
                               capture_output=True, text=True, timeout=60, check=False)
        assert other.returncode != 0
        assert "Permission denied" in other.stderr
        stick.unmount()  # pulled out ... and plugged in again: the files are on the device
        stick.mount()
        [bundle] = _bundles()
        assert not bundle.name.endswith(".partial")
        config = parse_config(kiosk_data.config.read_text("utf-8"), source="test")
        assert verify_bundle(bundle, ensure_kiosk_key(config).public_key()) == 3
        owner = bundle.stat()
        assert owner.st_uid == pwd.getpwnam(KIOSK_USER).pw_uid
        assert owner.st_mode & 0o077 == 0


def test_a_read_only_stick_says_so_and_loses_nothing(
        tmp_path: Path, kiosk_data: KioskData) -> None:
    with loop_stick(tmp_path, "exfat") as stick:
        stick.mount("ro")  # as the kernel mounts a stick whose write-protect switch is on
        refused = kiosk_data.run("export", "--to", str(MOUNT_POINT))
        assert refused.returncode == 2
        assert "export FAILED, nothing marked exported: the USB stick is read-only" in refused.stdout
        assert kiosk_data.queue() == {"queued": 3}
        # the staff screen's button runs the same export and shows the same reason
        config = parse_config(kiosk_data.config.read_text("utf-8"), source="test")
        key = ensure_kiosk_key(config)
        result = usb_export_action(store_path(config), config.kiosk.id, lambda: key)(MOUNT_POINT)
        assert not result.ok
        assert "read-only" in result.message
        assert result.staff_text == "usb_problem_read_only"  # the staff screen's own words
        stick.unmount()
        stick.mount()  # the switch slid back: everything still waiting goes out
        again = kiosk_data.run("export", "--to", str(MOUNT_POINT))
        assert again.stdout.startswith("exported 3 applications"), again.stdout + again.stderr
        assert kiosk_data.queue() == {"exported": 3}


def test_a_full_stick_says_so_keeps_its_files_and_loses_nothing(
        tmp_path: Path, kiosk_data: KioskData) -> None:
    docs = sum(f.stat().st_size for f in (kiosk_data.folder / "data").rglob("*")
               if f.is_file() and "docs" in f.parts)
    assert docs > 0
    with loop_stick(tmp_path, "exfat") as stick:
        stick.mount()
        (MOUNT_POINT / "staff-notes.txt").write_text("a staff member's own file\n", "utf-8")
        stick.fill(leave_free=docs // 3)
        full = kiosk_data.run("export", "--to", str(MOUNT_POINT))
        assert full.returncode == 2, full.stdout + full.stderr
        assert "export FAILED, nothing marked exported: the USB stick is full" in full.stdout
        assert kiosk_data.queue() == {"queued": 3}
        assert _bundles() == []  # no half bundle left behind taking the space
        assert (MOUNT_POINT / "staff-notes.txt").read_text("utf-8") == "a staff member's own file\n"
        (MOUNT_POINT / "staff-video.bin").unlink()  # staff make room
        again = kiosk_data.run("export", "--to", str(MOUNT_POINT))
        assert again.stdout.startswith("exported 3 applications"), again.stdout + again.stderr
        assert kiosk_data.queue() == {"exported": 3}


# -- under ProtectSystem=strict ---------------------------------------------------------------
# systemd (PID 1) keeps / shared; a service with ProtectSystem=strict gets its own mount namespace,
# a slave of the host's, where every mount is read-only but its ReadWritePaths= and
# StateDirectory= (bind mounts of themselves). SANDBOX below builds that namespace with
# util-linux the way systemd's namespace code does; HOST is a namespace with / shared, as on a
# systemd machine (this test machine may run without systemd, with / private).
SANDBOX = r"""
set -e
for p in "$@"; do [ -e "$p" ] && mount --bind "$p" "$p"; done
findmnt -rno TARGET | while read -r t; do
  case "$t" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue;; esac
  keep=""; for p in "$@"; do case "$t" in "$p"|"$p"/*) keep=1;; esac; done
  [ -n "$keep" ] || mount -o remount,bind,ro "$t" 2>/dev/null || true
done
echo ready
exec sleep 600
"""


HOST = ["unshare", "--mount", "--propagation", "shared", "sh", "-c", "echo ready; exec sleep 600"]


@contextmanager
def namespace(command: list[str]) -> Iterator[list[str]]:
    """Start ``command`` in new namespaces; it says "ready" once inside them, then sleeps.
    Yields the nsenter prefix (used only after "ready": before it, nsenter would enter the
    namespaces the command was started from)."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # bounded: the script sleeps after "ready" or fails
        assert line == "ready\n", (line, proc.stderr.read() if proc.stderr else "")
        yield ["nsenter", "-t", str(proc.pid), "-m", "--"]
    finally:
        proc.kill()
        proc.wait(timeout=30)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@contextmanager
def host_and_kiosk(rw_paths: list[Path]) -> Iterator[tuple[list[str], list[str]]]:
    with namespace(HOST) as host:
        sandbox = [*host, "unshare", "--mount", "--propagation", "slave",
                   "sh", "-c", SANDBOX, "sh", *map(str, rw_paths)]
        with namespace(sandbox) as kiosk:
            yield host, kiosk


def _roots_seen(kiosk_ns: list[str]) -> str:
    code = "from kiosk.ui.admin.services import default_usb_roots; print(default_usb_roots())"
    seen = subprocess.run([*kiosk_ns, sys.executable, "-c", code], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    return seen.stdout.strip()


def test_under_protect_system_strict_a_stick_plugged_in_later_takes_the_export(
        tmp_path: Path, kiosk_data: KioskData) -> None:
    with loop_stick(tmp_path, "exfat") as stick, \
            host_and_kiosk([MOUNT_POINT, kiosk_data.folder]) as (host, kiosk):
        denied = subprocess.run([*kiosk, "touch", "/etc/dvc-kiosk-test"], capture_output=True,
                                text=True, timeout=60, check=False)
        assert "Read-only file system" in denied.stderr  # the sandbox is strict
        assert _roots_seen(kiosk) == "[]"
        stick.ns = host
        stick.mount()  # plugged in after the kiosk started: udev mounts it on the host
        assert _roots_seen(kiosk) == f"[PosixPath('{MOUNT_POINT}')]"
        exported = kiosk_data.run("export", "--to", str(MOUNT_POINT), ns=kiosk)
        assert exported.stdout.startswith("exported 3 applications"), exported.stdout + exported.stderr
        assert kiosk_data.queue(ns=kiosk) == {"exported": 3}
        stick.unmount()  # pulled out: gone from the kiosk's view too
        assert _roots_seen(kiosk) == "[]"


@pytest.mark.parametrize("listed", [True, False], ids=["in-ReadWritePaths", "not-listed"])
def test_under_protect_system_strict_a_stick_already_in_needs_read_write_paths(
        tmp_path: Path, kiosk_data: KioskData, listed: bool) -> None:
    rw = [MOUNT_POINT, kiosk_data.folder] if listed else [kiosk_data.folder]
    with loop_stick(tmp_path, "exfat") as stick, \
            namespace(HOST) as host:
        stick.ns = host
        stick.mount()  # in the kiosk at boot: mounted before kiosk.service starts
        sandbox = [*host, "unshare", "--mount", "--propagation", "slave",
                   "sh", "-c", SANDBOX, "sh", *map(str, rw)]
        with namespace(sandbox) as kiosk:
            exported = kiosk_data.run("export", "--to", str(MOUNT_POINT), ns=kiosk)
            queue = kiosk_data.queue(ns=kiosk)
        stick.unmount()
    if listed:
        assert exported.stdout.startswith("exported 3 applications"), exported.stdout
        assert queue == {"exported": 3}
    else:  # what ReadWritePaths=-/media/usbstick in kiosk.service is there for
        assert "the USB stick is read-only" in exported.stdout, exported.stdout
        assert queue == {"queued": 3}


# -- the udev rule, run by udev's own rule engine ----------------------------------------------
RUNTIME_RULES = Path("/run/udev/rules.d")


def _udev_test(device: str, *, usb: bool) -> dict[str, str]:
    """``udevadm test`` of an "add" event for the loop device, with the shipped rule in the
    runtime rules folder; ``usb`` makes the loop device look as if it sat on the USB bus (what
    60-persistent-storage.rules' usb_id says of a real stick). Returns the event's properties.
    udevadm test also makes the /dev links it computes: they are removed again."""
    name = Path(device).name
    fake = RUNTIME_RULES / "69-dvc-kiosk-test-fake-usb.rules"
    rule = RUNTIME_RULES / RULES.name
    RUNTIME_RULES.mkdir(parents=True, exist_ok=True)
    props: dict[str, str] = {}
    try:
        if usb:
            fake.write_text(f'KERNEL=="{name}", ENV{{ID_BUS}}="usb"\n', "utf-8")
        shutil.copyfile(RULES, rule)
        out = subprocess.run(["udevadm", "test", "--action=add", f"/sys/class/block/{name}"],
                             capture_output=True, text=True, timeout=120, check=False)
        assert out.returncode == 0, out.stderr[-3000:]
        for line in (out.stdout + out.stderr).splitlines():
            key, sep, value = line.partition("=")
            if sep and key.isupper() and key.replace("_", "").isalnum():
                props[key] = value
        assert f"Reading rules file: {rule}" in out.stdout + out.stderr
    finally:
        fake.unlink(missing_ok=True)
        rule.unlink(missing_ok=True)
        for link in props.get("DEVLINKS", "").split():
            path = Path(link)
            if path.is_symlink() and path.resolve() == Path(device).resolve():
                path.unlink()
    return props


def test_udev_names_a_usb_stick_and_asks_for_the_mount(tmp_path: Path) -> None:
    assert shutil.which("udevadm"), "udevadm is part of systemd (make apt)"
    with loop_stick(tmp_path, "exfat") as stick:
        props = _udev_test(stick.device, usb=True)
        assert props["ID_FS_TYPE"] == "exfat"
        assert props["SYSTEMD_WANTS"] == UNIT.name
        assert "/dev/dvc-kiosk-usb" in props["DEVLINKS"].split()
        assert "systemd" in props["TAGS"]
        assert props["UDISKS_IGNORE"] == "1"
        # the same stick image on a disk that is not USB (the kiosk's own disk): left alone
        other = _udev_test(stick.device, usb=False)
        assert other["ID_FS_TYPE"] == "exfat"
        assert "SYSTEMD_WANTS" not in other
        assert "/dev/dvc-kiosk-usb" not in other.get("DEVLINKS", "")
    assert not Path("/dev/dvc-kiosk-usb").exists()
