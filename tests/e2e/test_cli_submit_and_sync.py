"""Field staff's path from the command line, as separate processes: seal, serve, sync, status."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

KIOSK = [sys.executable, "-m", "kiosk.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kiosk(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, "--config", str(config), *args], capture_output=True,
                          text=True, timeout=300, check=False)


def test_sealed_applications_reach_a_separate_gateway_process(tmp_path: Path) -> None:
    port = _free_port()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "data"\n[gateway]\nembedded_port = {port}\n', "utf-8")
    sealed = _kiosk(config, "sim", "submit", "--count", "3", "--seed", "7")
    assert sealed.returncode == 0, sealed.stderr
    codes = [line.split()[2] for line in sealed.stdout.splitlines() if " sealed " in line]
    assert len(codes) == 3

    before = json.loads(_kiosk(config, "sync", "status", "--json").stdout)
    assert before["queue"] == {"queued": 3}

    gateway = subprocess.Popen(
        [*KIOSK, "gateway", "serve", "--port", str(port), "--data", str(tmp_path / "data/gateway")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert gateway.stdout is not None
        assert "listening" in gateway.stdout.readline()
        once = _kiosk(config, "sync", "once")
        assert once.returncode == 0, once.stdout + once.stderr
        assert "sent 3" in once.stdout
        again = _kiosk(config, "sync", "once")  # nothing left, nothing resent
        assert "sent 0" in again.stdout
    finally:
        gateway.terminate()
        gateway.wait(timeout=30)
        if gateway.stdout is not None:
            gateway.stdout.close()
    after = json.loads(_kiosk(config, "sync", "status", "--json").stdout)
    assert after["queue"] == {"acked": 3}
    assert after["last_success_at"] is not None
