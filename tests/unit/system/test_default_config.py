"""The configuration the package ships (/etc/dvc-kiosk/kiosk.toml) is valid as shipped, lists
every key the kiosk reads with its default, and keeps the kiosk from starting unprovisioned."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from kiosk.config import ConfigError, KioskConfig, check_can_start, parse_config
from kiosk.system_install import DEFAULT_CONFIG, install, package_tree


def _keys(model: BaseModel, section: str = "") -> list[tuple[str, str, object]]:
    found: list[tuple[str, str, object]] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            found += _keys(value, f"{section}.{name}".strip("."))
        else:
            found.append((section, name, value))
    return found


def _sections(text: str) -> dict[str, str]:
    """Each [section]'s text, commented lines included."""
    parts = re.split(r"^\[([a-z.]+)\]\s*$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_the_shipped_config_is_valid_and_refuses_to_start_unprovisioned() -> None:
    config = parse_config(DEFAULT_CONFIG, source="kiosk.toml")
    assert config.data_dir == Path("/var/lib/dvc-kiosk/data")
    assert config.gateway.mode == "remote"
    assert config.devices.camera.backend == "opencv"
    assert config.devices.printer.backend == "usb"
    with pytest.raises(ConfigError, match="not provisioned"):
        check_can_start(config)


def test_every_key_is_listed_in_its_section_with_its_default() -> None:
    sections = _sections(DEFAULT_CONFIG)
    for section, key, default in _keys(KioskConfig()):
        text = sections.get(section)
        assert text is not None, f"[{section}] is missing"
        line = re.search(rf"^(#\s*)?{key} = (.+?)(\s+#.*)?$", text, flags=re.M)
        assert line is not None, f"{section}.{key} is not listed"
        if line.group(1):  # commented: it must show the built-in default exactly
            shown = tomllib.loads(f"v = {line.group(2)}")["v"]
            expected = str(default) if isinstance(default, Path) else default
            assert shown == expected, f"{section}.{key}: shows {shown!r}, default {default!r}"


def test_the_commented_defaults_change_nothing_when_uncommented() -> None:
    """Taking the "#" off every default line gives the same configuration."""
    uncommented = re.sub(r"^# ([a-z_]+ = )", r"\1", DEFAULT_CONFIG, flags=re.M)
    assert parse_config(uncommented) == parse_config(DEFAULT_CONFIG)


def test_install_and_the_package_tree_write_the_shipped_file(tmp_path: Path) -> None:
    install(tmp_path / "a", prefix=Path("/opt/dvc-kiosk"))
    assert (tmp_path / "a/etc/dvc-kiosk/kiosk.toml").read_text("utf-8") == DEFAULT_CONFIG
    placed = {p.relative_to(tmp_path / "b").as_posix() for p in package_tree(tmp_path / "b")}
    assert {"etc/dvc-kiosk/kiosk.toml", "lib/systemd/system/kiosk.service",
            "lib/udev/rules.d/70-dvc-kiosk.rules", "usr/lib/sysusers.d/dvc-kiosk.conf",
            "usr/lib/tmpfiles.d/dvc-kiosk.conf",
            "usr/lib/systemd/timesyncd.conf.d/dvc-kiosk.conf"} <= placed
