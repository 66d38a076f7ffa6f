"""Where the Prometheus textfile goes and how it is written: node_exporter (another user) can read
it. On the appliance it goes to node_exporter's textfile folder on Debian, which kiosk.service may
write (ReadWritePaths=) and where tmpfiles gives user kiosk an ACL; it is written atomically and
0644 although the kiosk runs with umask 077, and it names no person."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devices.status import DeviceStatus, Health
from kiosk.config import KioskConfig, PathsSection, parse_config
from kiosk.layout import metrics_dir
from kiosk.metrics import render, write_textfile
from kiosk.paths import REPO_ROOT
from kiosk.system_install import DEFAULT_CONFIG
from kiosk.ui.demo import fresh_demo_config
from tests.unit.system.test_metrics import _insert

NODE_EXPORTER_DIR = Path("/var/lib/prometheus/node-exporter")  # Debian's default textfile folder
SYSTEMD = REPO_ROOT / "systemd"
NOW = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    before = os.umask(mask)
    try:
        yield
    finally:
        os.umask(before)


def test_the_textfile_is_0644_under_umask_077_and_the_folder_is_left_as_it_is(
        tmp_path: Path) -> None:
    folder = tmp_path / "node-exporter"
    folder.mkdir()
    folder.chmod(0o2775)  # someone else's folder: not ours to change
    with _umask(0o077):
        for text in ("dvc_kiosk_queue_depth 1\n", "dvc_kiosk_queue_depth 2\n"):
            target = write_textfile(folder, text)
            assert target == folder / "dvc_kiosk.prom"
            assert stat.S_IMODE(target.stat().st_mode) == 0o644
            assert target.read_text("utf-8") == text
        made = write_textfile(tmp_path / "made" / "here", "dvc_kiosk_queue_depth 3\n")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o2775
    assert [p.name for p in folder.iterdir()] == ["dvc_kiosk.prom"]  # no temporary file left
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o755
    assert stat.S_IMODE(made.stat().st_mode) == 0o644


def test_a_failed_write_leaves_the_last_file_and_no_temporary(tmp_path: Path) -> None:
    write_textfile(tmp_path, "dvc_kiosk_queue_depth 1\n")
    with pytest.raises(UnicodeEncodeError):
        write_textfile(tmp_path, "dvc_kiosk_queue_depth \udc80\n")  # cannot be encoded
    assert [p.name for p in tmp_path.iterdir()] == ["dvc_kiosk.prom"]
    assert (tmp_path / "dvc_kiosk.prom").read_text("utf-8") == "dvc_kiosk_queue_depth 1\n"


def test_where_the_textfile_goes(tmp_path: Path) -> None:
    appliance = parse_config(DEFAULT_CONFIG, source="kiosk.toml")
    assert metrics_dir(appliance) == NODE_EXPORTER_DIR
    development = KioskConfig(paths=PathsSection(data_dir=tmp_path / "data"))
    assert metrics_dir(development) == tmp_path / "data" / "metrics"
    demo = fresh_demo_config(appliance, tmp_path / "demo")  # kiosk demo: the old place
    assert metrics_dir(demo) == (tmp_path / "demo" / "kiosk-data" / "metrics").resolve()
    # the unit may write there, and tmpfiles lets user kiosk create and rename its file
    unit = (SYSTEMD / "kiosk.service").read_text("utf-8")
    assert f"\nReadWritePaths=-{NODE_EXPORTER_DIR}\n" in unit
    tmpfiles = (SYSTEMD / "tmpfiles/dvc-kiosk.conf").read_text("utf-8")
    assert re.search(rf"^d\s+{NODE_EXPORTER_DIR}\s+-\s+-\s+-\s+-$", tmpfiles, re.M)
    assert re.search(rf"^a\+\s+{NODE_EXPORTER_DIR}\s+(-\s+){{4}}u:kiosk:rwx$", tmpfiles, re.M)


def test_the_textfile_names_no_person(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.sqlite3"
    _insert(db, 1, "queued", "2026-11-22T08:00:00Z")  # masked name "N. V. A.", code K01-000001-0
    text = render(db, NOW, {"printer": Health(DeviceStatus.NO_PAPER, "paper out in tray 1")},
                  {"sessions": 4})
    assert "K01-" not in text
    assert "N. V. A." not in text
    assert "tray" not in text  # a device's free-text detail stays out too
    sample = re.compile(r'^dvc_kiosk_[a-z_]+(\{[a-z_]+="[a-z0-9_]+"(,[a-z_]+="[a-z0-9_]+")*\})? '
                        r"[0-9.]+$")
    for line in text.splitlines():
        if not line.startswith("#"):
            assert sample.match(line), line  # numbers and closed-set labels only


KIOSK_UID, PROMETHEUS_UID = 64990, 64991  # users made up for this test, in a mount namespace


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("systemd-tmpfiles") is None
                    or shutil.which("unshare") is None or shutil.which("setpriv") is None,
                    reason="needs root, systemd-tmpfiles, unshare and setpriv")
@pytest.mark.parametrize("acl", [True, False], ids=["shipped-tmpfiles", "without-the-acl"])
def test_user_kiosk_writes_it_and_node_exporters_user_reads_it(acl: bool) -> None:
    """The shipped tmpfiles lines applied by systemd-tmpfiles (users kiosk and prometheus only
    in a private mount namespace), then the kiosk's own write_textfile run as user kiosk with
    umask 077, then the file read as node_exporter's user."""
    with tempfile.TemporaryDirectory(prefix="dvc-metrics-") as name:  # pytest's is root-only
        tmp_path = Path(name)
        tmp_path.chmod(0o755)
        _tmpfiles_then_write_then_read(tmp_path, acl)


def _tmpfiles_then_write_then_read(tmp_path: Path, acl: bool) -> None:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    passwd, group = tmp_path / "passwd", tmp_path / "group"
    passwd.write_text(Path("/etc/passwd").read_text("utf-8")
                      + f"kiosk:x:{KIOSK_UID}:{KIOSK_UID}::/nonexistent:/usr/sbin/nologin\n"
                      + f"prometheus:x:{PROMETHEUS_UID}:{PROMETHEUS_UID}::/nonexistent:"
                        "/usr/sbin/nologin\n", "utf-8")
    group.write_text(Path("/etc/group").read_text("utf-8") + f"kiosk:x:{KIOSK_UID}:\n"
                     f"prometheus:x:{PROMETHEUS_UID}:\n", "utf-8")
    shutil.copy(passwd, root / "etc/passwd")
    shutil.copy(group, root / "etc/group")
    conf = tmp_path / "dvc-kiosk.conf"
    shipped = (SYSTEMD / "tmpfiles/dvc-kiosk.conf").read_text("utf-8")
    conf.write_text(shipped if acl else re.sub(r"^a\+.*$", "", shipped, flags=re.M), "utf-8")
    apply = subprocess.run(
        ["unshare", "--mount", "sh", "-c",
         'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && '
         'exec systemd-tmpfiles --root="$3" --create "$4"', "sh",
         str(passwd), str(group), str(root), str(conf)],
        capture_output=True, text=True, timeout=60, check=False)
    assert apply.returncode == 0, apply.stderr
    folder = root / NODE_EXPORTER_DIR.relative_to("/")
    write = subprocess.run(
        ["setpriv", f"--reuid={KIOSK_UID}", f"--regid={KIOSK_UID}", "--clear-groups",
         sys.executable, "-c",
         "import os, sys; from pathlib import Path; os.umask(0o077); "
         "from kiosk.metrics import write_textfile; "
         "write_textfile(Path(sys.argv[1]), 'dvc_kiosk_queue_depth 7\\n')", str(folder)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)
    if not acl:  # the folder belongs to root: without the ACL the kiosk cannot write there
        assert write.returncode != 0
        assert "Permission denied" in write.stderr
        return
    assert write.returncode == 0, write.stderr
    target = folder / "dvc_kiosk.prom"
    info = target.stat()
    assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (KIOSK_UID, 0o644)
    read = subprocess.run(
        ["setpriv", f"--reuid={PROMETHEUS_UID}", f"--regid={PROMETHEUS_UID}", "--clear-groups",
         "cat", str(target)], capture_output=True, text=True, timeout=30, check=False)
    assert (read.returncode, read.stdout) == (0, "dvc_kiosk_queue_depth 7\n"), read.stderr
