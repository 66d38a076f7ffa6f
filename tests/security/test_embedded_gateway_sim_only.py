"""Issue 10 item 3: the embedded reference gateway is for simulation only.

Before: `kiosk system install` wrote a config with no [gateway], so an installed kiosk with real
devices ran the embedded gateway: its private keys in the kiosk's data folder (the kiosk could
open every application it sealed), OTPs next to the citizen's ID in clear, and a /_control/
that answered any local process (read OTPs, upsert kiosk keys, register VNeID tokens).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from kiosk.config import ConfigError, check_can_start, parse_config
from kiosk.system_install import install
from sync.gateway.server import start_gateway
from sync.protocol.keys import generate_signing_key, public_key_b64
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    registered_kiosk,
)

REAL_DEVICES = """[kiosk]
id = "KIOSK-0001"

[paths]
data_dir = "{data}"

[devices.camera]
backend = "opencv"

[devices.scanner]
backend = "sane"
device = "fujitsu:fi-7160:1"

[devices.printer]
backend = "usb"
"""


def kiosk_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=120, check=False, env=env)


def said(done: subprocess.CompletedProcess[str]) -> list[str]:
    """stderr without Qt's own start-up chatter about missing multimedia libraries."""
    return [line for line in done.stderr.strip().splitlines() if not line.startswith("qt.")]


def test_a_kiosk_with_real_devices_will_not_run_the_embedded_gateway(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(REAL_DEVICES.format(data=tmp_path / "data"), "utf-8")
    for args in (("run",), ("provision",)):
        done = kiosk_cli(config, *args)
        assert done.returncode == 2, (args, done.stderr)
        lines = said(done)
        assert len(lines) == 1, done.stderr
        assert "embedded reference gateway runs only on simulated devices" in lines[0]
        assert 'mode = "remote"' in lines[0]
        assert "camera = opencv" in lines[0]
    assert not (tmp_path / "data" / "gateway").exists()  # no gateway keys were made


def test_simulate_still_runs_the_embedded_gateway() -> None:
    config = parse_config(REAL_DEVICES.format(data="/tmp/x"))
    with pytest.raises(ConfigError):
        check_can_start(config)
    check_can_start(config.simulated())  # `kiosk run --simulate`, demo, sim: allowed
    check_can_start(parse_config(""))  # the built-in defaults are simulated


def test_the_installed_config_is_remote_and_refuses_to_start_until_provisioned(
    tmp_path: Path,
) -> None:
    install(tmp_path / "root")
    text = (tmp_path / "root/etc/dvc-kiosk/kiosk.toml").read_text("utf-8")
    if 'backend = "sane"\n\n' in text:  # the shipped file names no scanner (issue 10 item 11)
        text = text.replace('backend = "sane"\n', 'backend = "sane"\ndevice = "test"\n')
    installed = parse_config(text)
    assert installed.gateway.mode == "remote"  # said in the file, not a silent default
    assert installed.gateway.unprovisioned
    config = tmp_path / "kiosk.toml"
    config.write_text(text.replace("/var/lib/dvc-kiosk/data", str(tmp_path / "data")), "utf-8")
    done = kiosk_cli(config, "run")
    assert done.returncode == 2, done.stderr
    assert len(said(done)) == 1, done.stderr
    assert "not provisioned" in said(done)[0]
    shown = kiosk_cli(config, "provision")  # the technician gets the kiosk's key to hand over
    assert shown.returncode == 0, shown.stderr
    assert "kiosk public key" in shown.stdout
    assert not (tmp_path / "data" / "gateway").exists()


def test_control_needs_the_token_even_on_loopback(tmp_path: Path) -> None:
    with start_gateway(tmp_path / "gw") as gw:
        url = f"{gw.url}/_control/kiosks"
        body = {"kiosk_id": "EVIL-1", "public_key": public_key_b64(generate_signing_key())}
        assert requests.post(url, json=body, timeout=10).status_code == 401
        assert requests.post(url, json=body, headers={"X-Control-Token": "guess"},
                             timeout=10).status_code == 401
        assert requests.get(f"{gw.url}/_control/otp/{uuid.uuid4()}",
                            timeout=10).status_code == 401
        ok = requests.post(url, json=body, headers={"X-Control-Token": gw.control_token},
                           timeout=10)
        assert ok.status_code == 201
        token_file = tmp_path / "gw" / "control.token"
        assert token_file.read_text("ascii").strip() == gw.control_token
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600


def test_the_otp_table_has_no_citizen_id_and_the_log_no_code(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    citizen = "079090001234"
    app_id = str(uuid.uuid4())
    clock = FakeClock()
    caplog.set_level(logging.DEBUG)
    with start_gateway(tmp_path / "gw", clock=clock) as gw, registered_kiosk(gw, clock) as kiosk:
        r = kiosk.json_call("POST", "/v1/otp", {"application_id": app_id, "citizen_id": citizen})
        assert r.status == 202
        code = gw.control.otp_code(app_id)
        assert code is not None
    db = next((tmp_path / "gw").glob("*.sqlite3"))
    conn = sqlite3.connect(db)
    try:
        conn.execute("VACUUM")  # nothing left in free pages either
        rows = [tuple(map(str, r)) for r in conn.execute("SELECT * FROM otp_codes")]
        rows += [tuple(map(str, r)) for r in conn.execute("SELECT * FROM otps")]
    finally:
        conn.close()
    assert rows
    assert not [r for r in rows if citizen in " ".join(r)]
    assert citizen.encode() not in db.read_bytes()
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert app_id in logged  # the request was logged, but not its code
    assert code not in logged
