"""Every unit the appliance ships passes systemd's own verifier, carries the hardening a careful
distribution gives its services, and keeps the exposure `systemd-analyze security` measured
(README "Hardening of the units"; before this work kiosk.service scored 5.5 MEDIUM)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.paths import REPO_ROOT, SYSTEMD_DIR
from kiosk.system_install import install, package_tree

pytestmark = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                reason="systemd-analyze is part of systemd (make apt)")
UNIT_KINDS = ("service", "timer", "socket", "path", "mount", "automount")
KIOSK_USER_UNITS = ("kiosk.service", "kiosk-safe-mode.service", "kiosk-sync.service",
                    "kiosk-speech.service")
# the most `systemd-analyze security` may find in each unit, x10 (its --threshold= scale)
EXPOSURE_MAX = {"kiosk.service": 20, "kiosk-safe-mode.service": 12, "kiosk-sync.service": 17,
                "kiosk-speech.service": 12}


def _units() -> list[Path]:
    return [p for kind in UNIT_KINDS for p in sorted(SYSTEMD_DIR.glob(f"*.{kind}"))]


def _staged(root: Path) -> Path:
    """The units in ``root``/etc/systemd/system, with the checkout as prefix (so ExecStart= exists)."""
    unit_dir = root / "etc/systemd/system"
    unit_dir.mkdir(parents=True)
    for unit in _units():
        text = unit.read_text("utf-8").replace("/opt/dvc-kiosk", str(REPO_ROOT))
        (unit_dir / unit.name).write_text(text, "utf-8")
    return unit_dir


def _text(name: str) -> str:
    return (SYSTEMD_DIR / name).read_text("utf-8")


def _analyze(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["systemd-analyze", *args], capture_output=True, text=True, timeout=120,
                          check=False)


def test_every_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    units = sorted(_staged(tmp_path).iterdir())
    names = {u.name for u in units}
    assert {"kiosk.service", "kiosk-update.timer", "media-usbstick.mount"} <= names
    result = _analyze("verify", "--man=no", *map(str, units))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


def test_both_installers_ship_every_unit(tmp_path: Path) -> None:
    """`kiosk system install` and the Debian package's tree carry the same units as systemd/."""
    names = {u.name for u in _units()}
    install(tmp_path / "a", prefix=Path("/opt/dvc-kiosk"))
    assert {p.name for p in (tmp_path / "a/etc/systemd/system").iterdir()} == names
    package_tree(tmp_path / "b")
    assert {p.name for p in (tmp_path / "b/lib/systemd/system").iterdir()} == names
    assert (tmp_path / "b/lib/udev/rules.d/71-dvc-kiosk-usb.rules").is_file()


def test_the_units_are_hardened_as_documented() -> None:
    for name in KIOSK_USER_UNITS:
        text = _text(name)
        for line in ("UMask=0077", "LimitCORE=0", "ProtectProc=invisible", "NoNewPrivileges=yes",
                     "ProtectSystem=strict", "SystemCallFilter=@system-service",
                     "SystemCallArchitectures=native", "RestrictNamespaces=yes"):
            assert f"\n{line}\n" in text, (name, line)
    for name in ("kiosk.service", "kiosk-safe-mode.service", "kiosk-sync.service"):
        text = _text(name)
        assert "\nStateDirectory=dvc-kiosk\n" in text, name
        assert "ReadWritePaths=/var/lib" not in text, name
    tmpfiles = (SYSTEMD_DIR / "tmpfiles/dvc-kiosk.conf").read_text("utf-8")
    assert not re.search(r"^d\s+/var/lib/dvc-kiosk", tmpfiles, re.M)  # StateDirectory= does it
    # the technician's on-screen settings are saved next to kiosk.toml (kiosk/admin/config_keeper.py):
    # found by starting kiosk.service under a real systemd, where /etc was read-only to it
    assert re.search(r"^d\s+/etc/dvc-kiosk\s+0770\s+root\s+kiosk\s", tmpfiles, re.M)
    for name in ("kiosk.service", "kiosk-safe-mode.service"):
        assert "\nReadWritePaths=/etc/dvc-kiosk\n" in _text(name), name
    for unit in _units():
        assert "systemd-udev-settle" not in unit.read_text("utf-8"), unit.name
    # the updater runs dpkg as root: files its maintainer scripts create must stay readable
    assert "\nUMask=0022\n" in _text("kiosk-update.service")
    assert "\nLimitCORE=0\n" in _text("kiosk-update.service")


@pytest.mark.parametrize("unit", sorted(EXPOSURE_MAX))
def test_exposure_stays_where_it_was_measured(tmp_path: Path, unit: str) -> None:
    _staged(tmp_path)
    result = _analyze("security", "--offline=true", f"--root={tmp_path}",
                      f"--threshold={EXPOSURE_MAX[unit]}", "--no-pager", unit)
    score = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout)
    assert score is not None, result.stdout[-2000:] + result.stderr
    assert result.returncode == 0, f"{unit}: exposure {score.group(1)} > {EXPOSURE_MAX[unit] / 10}"


def test_an_unhardened_unit_fails_the_threshold(tmp_path: Path) -> None:
    """The check above can fail: a plain service scores far above the threshold."""
    unit_dir = tmp_path / "etc/systemd/system"
    unit_dir.mkdir(parents=True)
    (unit_dir / "plain.service").write_text("[Service]\nUser=nobody\nExecStart=/bin/true\n")
    result = _analyze("security", "--offline=true", f"--root={tmp_path}", "--threshold=20",
                      "--no-pager", "plain.service")
    assert result.returncode != 0
    assert "Overall exposure level for plain.service" in result.stdout
