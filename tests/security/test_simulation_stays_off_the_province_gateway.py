"""Made-up applications never go to a province's gateway by accident.

``kiosk sim submit`` seals applications of made-up citizens, and ``kiosk run --simulate`` lets a
tester play sessions on simulated devices. Run on an installed kiosk (its configuration names the
province's gateway), both sealed those made-up applications into the real queue, and
kiosk-sync.service delivered them to the province as citizens' applications. Now both refuse, in
one line, when the configuration's gateway is not on this machine (loopback: the reference
gateway of a test rig), unless the tester says ``--allow-remote-gateway`` (a province's test
gateway). Nothing is created.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

KEY = base64.b64encode(bytes(range(32))).decode()


def installed_config(folder: Path, url: str) -> Path:
    config = folder / "kiosk.toml"
    config.write_text(f'''[paths]
data_dir = "data"

[gateway]
mode = "remote"
url = "{url}"
signing_public_key = "{KEY}"
encryption_public_key = "{KEY}"

[devices.camera]
backend = "simulated"
[devices.scanner]
backend = "simulated"
[devices.printer]
backend = "simulated"
''', "utf-8")
    return config


def kiosk(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=120, check=False, env=env)


@pytest.mark.parametrize("command", [("sim", "submit", "--count", "1"), ("run", "--simulate")])
def test_simulated_applications_are_refused_for_a_province_gateway(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    config = installed_config(tmp_path, "https://dvc.example.gov.vn/gateway")

    done = kiosk(config, *command)

    assert done.returncode == 2, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "https://dvc.example.gov.vn/gateway" in lines[0]
    assert "--allow-remote-gateway" in lines[0]
    assert not (tmp_path / "data").exists()


def test_a_province_test_gateway_can_be_asked_for_by_name(tmp_path: Path) -> None:
    config = installed_config(tmp_path, "https://test.dvc.example.gov.vn")

    done = kiosk(config, "sim", "submit", "--count", "1", "--allow-remote-gateway")

    assert done.returncode == 0, done.stderr
    assert "1/1 sealed K01-000001-" in done.stdout
