"""One way to find the configuration everywhere: --config, $KIOSK_CONFIG, /etc/dvc-kiosk/kiosk.toml;
the built-in demo defaults only for the demo commands; --verbose and --version say what is used."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import cli
from kiosk import config as config_mod
from kiosk.config import config_path
from kiosk.ui.demo import DEMO_MARK, DemoFolderError, fresh_demo_config


@pytest.fixture
def no_system_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No $KIOSK_CONFIG and an /etc/dvc-kiosk/kiosk.toml that is (for now) absent; umask restored."""
    import os

    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    system = tmp_path / "etc/dvc-kiosk/kiosk.toml"
    monkeypatch.setattr(config_mod, "SYSTEM_CONFIG", system)
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    os.umask(old)
    yield system
    os.umask(old)


def _write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_the_order_is_option_then_environment_then_the_system_file(
        no_system_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config_path(None) is None
    _write(no_system_config)
    assert config_path(None) == no_system_config
    env = _write(tmp_path / "env.toml")
    monkeypatch.setenv("KIOSK_CONFIG", str(env))
    assert config_path(None) == env
    given = tmp_path / "given.toml"
    assert config_path(given) == given


def test_a_data_command_without_any_configuration_is_refused(
        no_system_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["sync", "status"]) == 2
    err = capsys.readouterr().err
    assert "no configuration" in err
    assert str(no_system_config) in err
    assert "KIOSK_CONFIG" in err
    assert not (tmp_path / "var").exists()  # nothing was made under the current folder


def test_the_system_file_is_found_without_options(
        no_system_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "installed-data"
    _write(no_system_config, f'[paths]\ndata_dir = "{data}"\n')
    cli.main(["--verbose", "sync", "status"])  # an empty kiosk: whatever it answers, it says where
    err = capsys.readouterr().err
    assert f"kiosk: config: {no_system_config}" in err
    assert f"kiosk: data dir: {data}" in err


def test_an_unreadable_system_file_is_named_not_skipped(
        no_system_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(no_system_config)

    def denied(self: Path) -> bool:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "is_file", denied)
    assert config_path(None) == no_system_config


def test_demo_commands_take_the_built_in_defaults(
        no_system_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `kiosk ctl` drives a simulated kiosk started with the demo defaults: none runs here
    code = cli.main(["--verbose", "ctl", "wait-screen", "welcome", "--timeout", "0.5"])
    err = capsys.readouterr().err
    assert "kiosk: no configuration" not in err
    assert "no simulated kiosk is listening" in err
    assert "kiosk: config: built-in demo defaults (no configuration file)" in err
    assert code == 1


def test_version_names_the_build_and_the_config(
        no_system_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("kiosk (dvc-kiosk) ")
    assert "build: " in out
    assert "config: none found" in out
    _write(no_system_config)
    assert cli.main(["--version"]) == 0
    assert f"config: {no_system_config}" in capsys.readouterr().out


def test_a_bare_kiosk_asks_for_a_command(no_system_config: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main([])
    assert exc.value.code == 2


def test_the_demo_plays_on_its_own_fresh_kiosk(tmp_path: Path) -> None:
    real = config_mod.parse_config(
        '[kiosk]\ncommune_name = "Xã Hòa Bình"\n[display]\nlanguage = "en"\n'
        '[paths]\ndata_dir = "/var/lib/dvc-kiosk/data"\n'
        '[devices.printer]\nbackend = "usb"\n', source="real.toml")
    out = tmp_path / "out"
    first = fresh_demo_config(real, out)
    assert first.data_dir == (out / "kiosk-data").resolve()
    assert first.gateway.mode == "embedded"
    assert first.devices.printer.backend == "simulated"
    assert first.kiosk.commune_name == "Xã Hòa Bình"
    assert first.display.language == "en"
    leftover = first.data_dir / "kiosk.db"
    leftover.write_text("a previous demo's state", "utf-8")
    second = fresh_demo_config(real, out)
    assert second.data_dir == first.data_dir
    assert not leftover.exists()
    assert (second.data_dir / DEMO_MARK).is_file()


def test_the_demo_never_wipes_a_folder_it_did_not_make(tmp_path: Path) -> None:
    someone = _write(tmp_path / "out/kiosk-data/kiosk.db", "not the demo's")
    with pytest.raises(DemoFolderError, match="not made by kiosk demo"):
        fresh_demo_config(config_mod.KioskConfig(), tmp_path / "out")
    assert someone.read_text("utf-8") == "not the demo's"
