"""A configuration nested thousands deep (a corrupted or hostile file) is refused in one line,
exit 2, instead of a ``RecursionError`` traceback from the TOML parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, parse_config
from tests.failure_modes.store_cli import kiosk, one_line

DEEP = 100_000


@pytest.mark.parametrize(
    "text",
    ["x = " + "[" * DEEP + "]" * DEEP + "\n", "x = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n"],
    ids=["arrays", "inline-tables"],
)
def test_deeply_nested_toml_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError, match="nested too deeply"):
        parse_config(text, source="deep.toml")


def test_the_cli_says_it_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "deep.toml"
    config.write_text("x = " + "[" * DEEP + "]" * DEEP + "\n", "utf-8")

    done = kiosk(config, "sync", "status")

    assert done.returncode == 2, done.stdout + done.stderr
    assert "nested too deeply" in one_line(done.stderr)
