"""The fleet's Prometheus alert rules and Grafana dashboard, checked against the real pieces.

``promtool`` (Debian package ``prometheus``, installed by ``make test``) must be present: a
missing promtool fails these tests rather than skipping them. Every metric the rules and the
dashboard name must be one the reference gateway serves after a real heartbeat.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    registered_kiosk,
    running_gateway,
)

ROOT = Path(__file__).resolve().parents[2]
PROM = ROOT / "monitoring" / "prometheus"
DASHBOARD = ROOT / "monitoring" / "grafana" / "dvc-kiosk-fleet.json"
METRIC_RE = re.compile(r"\bdvc_fleet_[a-z_]+\b")
TIMEOUT_S = 60


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool not found: install the Debian package 'prometheus' "
                    "(make test installs it)")
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool(), *args], cwd=PROM, capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=False)


def test_alert_rules_are_valid() -> None:
    done = run("check", "rules", "alerts.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 rules found" in done.stdout


def test_alert_rules_pass_their_unit_tests() -> None:
    done = run("test", "rules", "alerts_test.yml", "alerts_holidays_test.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("SUCCESS") == 2


def test_the_unit_tests_can_fail(tmp_path: Path) -> None:
    """A wrong expectation (K2 silent at minute 40, when it is exactly 30 minutes) fails."""
    shutil.copy(PROM / "alerts.yml", tmp_path / "alerts.yml")
    text = (PROM / "alerts_test.yml").read_text("utf-8")
    broken = text.replace("      - eval_time: 40m\n        alertname: KioskSilent\n"
                          "        exp_alerts: []\n",
                          "      - eval_time: 40m\n        alertname: KioskSilent\n"
                          "        exp_alerts:\n          - exp_labels: {severity: warning, "
                          "kiosk: K2}\n")
    assert broken != text
    (tmp_path / "alerts_test.yml").write_text(broken, "utf-8")
    done = subprocess.run([promtool(), "test", "rules", "alerts_test.yml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert done.returncode != 0
    assert "KioskSilent" in done.stdout + done.stderr


def served_metrics(tmp_path: Path) -> set[str]:
    """The metric names the gateway serves once a kiosk has sent a full heartbeat."""
    clock = FakeClock()
    with running_gateway(tmp_path / "gw", clock) as gw, registered_kiosk(gw, clock) as k:
        beat = {"kiosk_id": k.kiosk_id, "sent_at": "2026-11-18T08:00:00Z",
                "software_version": "0.1.0", "config_version": "c1",
                "catalog_version": "2026.12", "holidays_version": "2026.1",
                "facts_at": "2026-11-18T07:59:00Z", "queue": {"queued": 1},
                "oldest_unsent_age_s": 60, "quarantined": 0,
                "devices": {"printer": "no_paper"}, "disk_free_bytes": 10**9,
                "clock_skew_s": 2, "last_errors": ["no_link"], "holidays_to_year": 2028}
        assert k.json_call("POST", f"/v1/kiosks/{k.kiosk_id}/heartbeat", beat).status == 200
        text = requests.get(gw.url + "/metrics", timeout=5).text
    return {m.removesuffix("_total") for m in METRIC_RE.findall(text)} | set(
        METRIC_RE.findall(text))


def test_rules_and_dashboard_name_only_metrics_the_gateway_serves(tmp_path: Path) -> None:
    served = served_metrics(tmp_path)
    rules = set(METRIC_RE.findall((PROM / "alerts.yml").read_text("utf-8")))
    dashboard = json.loads(DASHBOARD.read_text("utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert len(exprs) >= 8
    in_dashboard = {m for e in exprs for m in METRIC_RE.findall(e)}
    assert rules, "the rules name no fleet metric"
    assert rules <= served, rules - served
    assert in_dashboard <= served, in_dashboard - served
    assert dashboard["uid"] == "dvc-kiosk-fleet"
    assert {"dvc_fleet_kiosk_up", "dvc_fleet_kiosk_queue_depth",
            "dvc_fleet_kiosk_oldest_unsent_age_seconds", "dvc_fleet_kiosk_device_status",
            "dvc_fleet_kiosk_info"} <= in_dashboard


def test_scrapes_backfill_into_a_prometheus_tsdb(tmp_path: Path) -> None:
    """The dashboard PNG's pipeline (monitoring/fleet_demo.py): /metrics scrapes with their
    times become OpenMetrics that promtool turns into TSDB blocks."""
    from monitoring.fleet_demo import to_openmetrics

    clock = FakeClock()
    with running_gateway(tmp_path / "gw", clock) as gw, registered_kiosk(gw, clock) as k:
        beat = {"kiosk_id": k.kiosk_id, "sent_at": "2026-11-18T08:00:00Z",
                "software_version": "0.1.0", "devices": {"printer": "ready"}}
        assert k.json_call("POST", f"/v1/kiosks/{k.kiosk_id}/heartbeat", beat).status == 200
        scrapes = []
        for _ in range(3):
            scrapes.append((clock(), requests.get(gw.url + "/metrics", timeout=5).text))
            clock.advance(60)
    text = to_openmetrics(scrapes)
    assert text.endswith("# EOF\n")
    assert "# TYPE dvc_fleet_kiosk info" in text
    assert text.count('dvc_fleet_kiosk_up{kiosk="KX-001"} 1.0') == 3
    (tmp_path / "fleet.om").write_text(text, "utf-8")
    done = subprocess.run([promtool(), "tsdb", "create-blocks-from", "openmetrics",
                           str(tmp_path / "fleet.om"), str(tmp_path / "tsdb")],
                          capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert any((tmp_path / "tsdb").iterdir())
