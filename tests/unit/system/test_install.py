"""`kiosk system install` into a staging root, then systemd's own verifier reads the units."""

import subprocess
from pathlib import Path

from kiosk.paths import REPO_ROOT
from kiosk.system_install import install


def test_install_renders_units_with_the_real_prefix(tmp_path: Path) -> None:
    result = install(tmp_path, prefix=REPO_ROOT)
    unit = (tmp_path / "etc/systemd/system/kiosk.service").read_text("utf-8")
    live = unit.replace("\\\n", " ")  # ExecStart= continues on the next line (cage -- kiosk run)
    starts = [line for line in live.splitlines() if line.startswith("ExecStart=")]
    assert any(f" {REPO_ROOT}/.venv/bin/kiosk run" in line for line in starts), starts
    assert "/opt/dvc-kiosk" not in unit
    assert (tmp_path / "etc/tmpfiles.d/dvc-kiosk.conf").exists()
    assert (tmp_path / "etc/dvc-kiosk/kiosk.toml").exists()
    assert result.commands_run == ()


def test_install_keeps_an_existing_config(tmp_path: Path) -> None:
    config = tmp_path / "etc/dvc-kiosk/kiosk.toml"
    config.parent.mkdir(parents=True)
    config.write_text("# mine\n", "utf-8")
    install(tmp_path)
    assert config.read_text("utf-8") == "# mine\n"


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    install(tmp_path, prefix=REPO_ROOT)
    units = sorted((tmp_path / "etc/systemd/system").glob("*.service"))
    assert len(units) >= 2
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, units)],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


def test_a_broken_unit_is_caught(tmp_path: Path) -> None:
    """The verifier check above can fail: a misspelt key is reported."""
    bad = tmp_path / "bad.service"
    bad.write_text("[Service]\nExecStart=/bin/true\nRestartt=always\n", "utf-8")
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(bad)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert "Unknown key" in result.stderr
