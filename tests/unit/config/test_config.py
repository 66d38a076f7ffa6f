"""The configuration file: defaults run the simulated kiosk; bad files are refused clearly."""

from pathlib import Path

import pytest

from kiosk.config import ConfigError, KioskConfig, load_config, parse_config


def test_defaults_run_a_simulated_kiosk_with_embedded_gateway() -> None:
    config = KioskConfig()
    assert config.devices.camera.backend == "simulated"
    assert config.devices.printer.dot_width == 576
    assert config.gateway.mode == "embedded"


def test_relative_data_dir_is_taken_from_the_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[paths]\ndata_dir = "data"\n[devices.printer]\npaper_width_mm = 58\n', "utf-8")
    config = load_config(path)
    assert config.data_dir == (tmp_path / "data").resolve()
    assert config.devices.printer.dot_width == 384


def test_a_typo_names_the_key() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config('[devices.printer]\nbakend = "usb"\n', source="k.toml")
    assert "devices.printer.bakend: unknown key" in str(err.value)


def test_a_bad_value_names_the_key_and_problem() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config('[devices.printer]\npaper_width_mm = 70\n', source="k.toml")
    message = str(err.value)
    assert message.startswith("k.toml: the configuration is not valid")
    assert "devices.printer.paper_width_mm" in message


def test_broken_toml_is_refused() -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_config("[kiosk\nid = 1", source="k.toml")


def test_remote_gateway_needs_https_and_keys() -> None:
    with pytest.raises(ConfigError, match="gateway"):
        parse_config('[gateway]\nmode = "remote"\nurl = "http://example.org"\n')


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")


def test_env_var_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "k.toml"
    path.write_text('[kiosk]\nid = "KIOSK-ENV-7"\n', "utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    assert load_config().kiosk.id == "KIOSK-ENV-7"
