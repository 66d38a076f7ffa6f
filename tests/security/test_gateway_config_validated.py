"""Issue 10 item 5: gateway keys are checked when the config loads, and "loopback" means the
parsed host is loopback, not a host name that merely starts with ``127.``."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import ConfigError, parse_config

GOOD = base64.b64encode(bytes(range(32))).decode("ascii")


def _remote(url: str, signing: str = GOOD, encryption: str = GOOD) -> str:
    return (f'[gateway]\nmode = "remote"\nurl = "{url}"\n'
            f'signing_public_key = "{signing}"\nencryption_public_key = "{encryption}"\n')


@pytest.mark.parametrize("url", [
    "http://127.evil.example", "http://127.0.0.1.evil.example/", "http://localhost.evil.example",
    "http://evil.example/127.0.0.1", "http://user@evil.example", "ftp://127.0.0.1",
    "http://127.0.0.1@evil.example", "http://[::2]:8080",
])
def test_a_lookalike_loopback_url_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="plain http only on loopback"):
        parse_config(_remote(url))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8765", "http://127.1.2.3/", "http://localhost:9000", "http://[::1]:8080",
    "https://gateway.example.vn",
])
def test_real_loopback_and_https_are_accepted(url: str) -> None:
    assert parse_config(_remote(url)).gateway.url == url


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("signing_public_key", "not base64!", "not valid base64"),
    ("encryption_public_key", base64.b64encode(b"x" * 31).decode(), "31 bytes"),
    ("signing_public_key", base64.b64encode(b"x" * 64).decode(), "64 bytes"),
    ("encryption_public_key", GOOD.rstrip("="), "not valid base64"),
])
def test_a_bad_key_is_one_clear_message_naming_it(field: str, value: str, problem: str) -> None:
    text = _remote("https://gw.example.vn", **{field.split("_", maxsplit=1)[0]: value})
    with pytest.raises(ConfigError) as refused:
        parse_config(text)
    message = str(refused.value)
    assert f"gateway.{field}: " in message
    assert problem in message
    assert "Value error" not in message
    assert "KeyFormatError" not in message


def test_the_cli_says_it_in_one_place_without_a_traceback(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(_remote("https://gw.example.vn", signing="QUJD"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(cfg), "sync", "status"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "gateway.signing_public_key" in done.stderr
