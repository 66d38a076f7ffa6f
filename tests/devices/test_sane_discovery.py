"""Listing SANE devices through the real ``test`` backend."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from devices.scanner.sane_discovery import SaneDevice, list_sane_devices
from devices.scanner.sane_test_backend import write_test_backend_config

pytestmark = pytest.mark.skipif(shutil.which("scanimage") is None, reason="sane-utils missing")


def test_the_test_backend_devices_are_listed(tmp_path: Path) -> None:
    config = write_test_backend_config(tmp_path / "sane")
    (config / "test.conf").write_text("number_of_devices 2\n", encoding="ascii")
    devices = list_sane_devices(env={"SANE_CONFIG_DIR": str(config)}, timeout_s=30)
    assert [d.name for d in devices] == ["test:0", "test:1"]
    assert devices[0] == SaneDevice("test:0", "Noname", "frontend-tester", "virtual device")


def test_no_backend_enabled_lists_nothing(tmp_path: Path) -> None:
    config = tmp_path / "empty"
    config.mkdir()
    (config / "dll.conf").write_text("", encoding="ascii")
    assert list_sane_devices(env={"SANE_CONFIG_DIR": str(config)}, timeout_s=30) == ()


def test_a_missing_scanimage_lists_nothing(tmp_path: Path) -> None:
    assert list_sane_devices(str(tmp_path / "no-scanimage")) == ()
