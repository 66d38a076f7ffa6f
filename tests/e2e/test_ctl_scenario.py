"""The testers' scenario script against a real `kiosk run --simulate` process.

A complete session with the printer out of paper at the slip and the link down when the agent
wants to send; then paper back, link back, send now, and the back office moves the application
on. The kiosk tells us it is up the way it tells systemd: READY=1 on a notify socket.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from kiosk.ctl.sim_commands import SAMPLE_COUNT, SAMPLE_SEED
from kiosk.domain.fake_citizens import sample_identities

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests/e2e/scenarios/paper_out_link_down.sh"
KIOSK = [sys.executable, "-m", "kiosk.cli"]

pytestmark = pytest.mark.slow


def _status(config: Path) -> dict[str, object]:
    out = subprocess.run([*KIOSK, "--config", str(config), "sync", "status", "--json"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    result: dict[str, object] = json.loads(out)
    return result


def test_paper_out_and_link_outage_scenario(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[paths]\ndata_dir = "data"\n[voice]\nengine = "mock"\n', "utf-8")
    notify_path = tmp_path / "notify.sock"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NOTIFY_SOCKET": str(notify_path),
           "WATCHDOG_USEC": "10000000", "PYTHONUNBUFFERED": "1"}
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(str(notify_path))
        notify.settimeout(120)
        kiosk = subprocess.Popen([*KIOSK, "--config", str(config), "run", "--simulate", "--windowed"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            message = notify.recv(4096)
            assert message.startswith(b"READY=1"), message
            assert notify.recv(4096) == b"WATCHDOG=1"  # pinged from the GUI thread
            kiosk_cmd = " ".join([sys.executable, "-m", "kiosk.cli", "--config", str(config)])
            run = subprocess.run(["sh", str(SCRIPT)], cwd=ROOT, capture_output=True, text=True,
                                 timeout=600, check=False,
                                 env={**env, "KIOSK": kiosk_cmd, "OUT": str(tmp_path / "shots"),
                                      "SYNC": "agent"})
            assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
            assert "the slip did not print" in run.stdout
            assert (tmp_path / "shots/done_paper_out.png").stat().st_size > 0
        finally:
            kiosk.send_signal(signal.SIGTERM)
            _, err = kiosk.communicate(timeout=60)
        assert kiosk.returncode == 0, err.decode()[-3000:]
    status = _status(config)
    queue = status["queue"]
    assert isinstance(queue, dict)
    assert set(queue) <= {"received", "acked"}, queue
    assert sum(queue.values()) == 1
    logs = err.decode()
    for line in logs.splitlines():
        if line.startswith("{"):
            json.loads(line)  # every log line is JSON
    # no personal data in the logs: none of the sample citizens' names or ID numbers, no ID-shaped number
    people = sample_identities(SAMPLE_SEED, date.today(), SAMPLE_COUNT)
    for person in people:
        assert person.citizen_id not in logs
        assert person.full_name not in logs
    assert re.search(r"(?<![0-9])[0-9]{12}(?![0-9])", logs) is None
    metrics = (tmp_path / "data/metrics/dvc_kiosk.prom").read_text("utf-8")
    assert "dvc_kiosk_queue_depth" in metrics
    assert 'dvc_kiosk_device_status{device="printer",status=' in metrics
    # The agent's heartbeat took what the running UI published to the (embedded) gateway.
    with closing(sqlite3.connect(tmp_path / "data/gateway/gateway.sqlite3")) as gw:
        (body,) = gw.execute("SELECT body FROM heartbeats").fetchone()
    beat = json.loads(body)
    assert beat["catalog_version"]
    assert beat["config_version"].startswith("cfg-")
    assert set(beat["devices"]) == {"camera", "scanner", "printer"}
    assert beat["queue"]
    assert beat["software_version"]
