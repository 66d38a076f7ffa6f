"""Six hours of a small fleet, for real: heartbeats -> /metrics -> Prometheus -> the dashboard.

Eight simulated kiosks (real kiosk stores, applications sealed by the kiosk's sealer, the real
sync agent) talk to the reference gateway over 127.0.0.1 on a shared fake clock that runs the
six hours ending now in two-minute steps. After every step the gateway's /metrics is scraped;
the scrapes are backfilled into a Prometheus TSDB (``promtool tsdb create-blocks-from
openmetrics``), a real Prometheus serves it, and every panel of the Grafana dashboard
(monitoring/grafana/dvc-kiosk-fleet.json) is evaluated with its own PromQL through
Prometheus' HTTP API and drawn with Pillow into a PNG (Grafana itself is not needed).

Story: KX-05 loses its link at 3:30 and is still silent at the end; KX-06's printer runs out of paper from
1:30 to 3:00; KX-07 has an application quarantined at 2:30; KX-08's clock is 7 minutes fast and
the gateway keeps refusing its applications (500), which were confirmed 20 hours before the
window, so its oldest unsent application crosses 24 hours; KX-03 and KX-04 still run last
month's catalog.

    .venv/bin/python monitoring/fleet_demo.py --out docs/fleet-dashboard.png
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from prometheus_client.parser import text_string_to_metric_families

from monitoring.draw import Panel, Series, draw_dashboard
from sync.agent.config import AgentConfig
from sync.agent.heartbeat import KioskFacts, publish_kiosk_facts
from sync.agent.loop import Agent
from sync.gateway.faults import Fault
from sync.gateway.server import RunningGateway, start_gateway
from sync.protocol.keys import (
    ed25519_public_from_b64,
    generate_signing_key,
    public_key_b64,
    x25519_public_from_b64,
)
from tests.sync.sealed_store import create_store, seal_applications

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "monitoring" / "grafana" / "dvc-kiosk-fleet.json"
HOURS = 6
STEP_S = 120
CATALOG = "2026.12-vn-ht-2"
OLD_CATALOG = "2026.11-vn-ht-1"


class Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@dataclass
class SimKiosk:
    kiosk_id: str
    db: Path
    agent: Agent
    catalog: str = CATALOG
    seed: int = 0
    sealed: list[str] = field(default_factory=list)

    def facts(self, clock: Callable[[], float], printer: str = "ready") -> None:
        publish_kiosk_facts(self.db, KioskFacts(
            config_version="cfg-7d41", catalog_version=self.catalog, holidays_version="2026.2",
            holidays_to_year=2028,
            devices={"printer": printer, "scanner": "ready", "camera": "ready"}), clock=clock)


def _offset_clock(clock: Clock, offset: float) -> Callable[[], float]:
    def now() -> float:
        return clock() + offset

    return now


def simulate(tmp: Path, start: float) -> list[tuple[float, str]]:
    """Run the fleet for HOURS; the /metrics text after every step, with its time."""
    clock = Clock(start)
    gateway = start_gateway(tmp / "gateway", clock=clock)
    kiosks: list[SimKiosk] = []
    scrapes: list[tuple[float, str]] = []
    enc = x25519_public_from_b64(gateway.public_keys.encryption_b64)
    try:
        for n in range(1, 9):
            kiosk_id = f"KX-{n:02d}"
            key = generate_signing_key()
            gateway.control.register_kiosk(kiosk_id, public_key_b64(key))
            db = create_store(tmp / kiosk_id)
            offset = 420.0 if kiosk_id == "KX-08" else 0.0
            kclock = _offset_clock(clock, offset)
            config = AgentConfig(
                db_path=db, gateway_url=gateway.url, kiosk_id=kiosk_id, kiosk_key=key,
                gateway_signing_key=ed25519_public_from_b64(gateway.public_keys.signing_b64),
                connect_timeout_s=2.0, read_timeout_s=5.0, lease_term_s=600.0)
            agent = Agent(config, clock=kclock, monotonic=time.monotonic,
                          wait=lambda _s: None, rand=lambda: 0.5)
            kiosks.append(SimKiosk(kiosk_id, db, agent,
                                   OLD_CATALOG if n in (3, 4) else CATALOG, seed=n * 1000))
        by_id = {k.kiosk_id: k for k in kiosks}
        # KX-08: applications confirmed 20 hours before the window; the gateway refuses them.
        k8 = by_id["KX-08"]
        old = seal_applications(k8.db, "KX-08", enc, 3, page_bytes=1500, seed=8,
                                confirmed_at=datetime.fromtimestamp(start - 20 * 3600, UTC))
        gateway.control.script(*[Fault.answer(500, method="PUT", path=a.application_id)
                                 for a in old for _ in range(400)])
        steps = HOURS * 3600 // STEP_S
        for step in range(steps + 1):
            t = step * STEP_S
            for k in kiosks:
                _tick(k, t, clock, enc, gateway)
            scrapes.append((clock(), _scrape(gateway.url)))
            clock.now += STEP_S
    finally:
        for k in kiosks:
            k.agent.close()
        gateway.stop()
    return scrapes


def _tick(k: SimKiosk, t: int, clock: Clock, enc: X25519PublicKey,
          gateway: RunningGateway) -> None:
    hour = t / 3600
    printer = "no_paper" if k.kiosk_id == "KX-06" and 1.5 <= hour < 3.0 else "ready"
    k.facts(clock, printer)
    # A citizen about every 20 minutes (staggered per kiosk), one every 10 at the busiest.
    every = 600 if 2 <= hour < 4 else 1200
    if (t + k.seed) % every < STEP_S:
        k.seed += 1
        made = seal_applications(k.db, k.kiosk_id, enc, 1,
                                 page_bytes=1500, seed=k.seed,
                                 confirmed_at=datetime.fromtimestamp(clock(), UTC))
        if k.kiosk_id == "KX-07" and hour >= 2.5 and not k.sealed:
            k.sealed.append(made[0].application_id)
            gateway.control.script(Fault.answer(422, method="PUT", path=made[0].application_id,
                                                code="manifest_conflict"))
    if k.kiosk_id == "KX-05" and hour >= 3.5:
        return  # no link: nothing leaves, nothing is heard
    k.agent.run_pass()


def _scrape(base_url: str) -> str:
    with urllib.request.urlopen(base_url + "/metrics", timeout=10) as r:  # noqa: S310 - loopback
        return str(r.read().decode("utf-8"))


def to_openmetrics(scrapes: list[tuple[float, str]]) -> str:
    """Every scrape's samples with their time, grouped by family as OpenMetrics requires."""
    families: dict[str, tuple[str, list[str]]] = {}
    for at, text in scrapes:
        for fam in text_string_to_metric_families(text):
            if fam.type == "counter":
                continue  # this process's counter; the fleet view needs none
            kind = "info" if fam.name.endswith("_info") else "gauge"
            name = fam.name.removesuffix("_info") if kind == "info" else fam.name
            lines = families.setdefault(name, (kind, []))[1]
            for s in fam.samples:
                labels = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(s.labels.items()))
                lines.append(f"{s.name}{{{labels}}} {s.value} {at:.3f}")
    out: list[str] = []
    for name, (kind, lines) in families.items():
        out.append(f"# TYPE {name} {kind}")
        out.extend(lines)
    out.append("# EOF")
    return "\n".join(out) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Prometheus:
    """A real Prometheus over the backfilled TSDB, on a loopback port; stop() ends it."""

    def __init__(self, tsdb: Path, workdir: Path) -> None:
        binary = shutil.which("prometheus")
        if binary is None:
            raise SystemExit("prometheus not found: apt-get install prometheus")
        config = workdir / "prometheus.yml"
        config.write_text("global:\n  scrape_interval: 1m\n", "utf-8")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = (workdir / "prometheus.log").open("wb")
        self._proc = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.tsdb.path={tsdb}",
             "--storage.tsdb.retention.time=30d", f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/-/ready", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self._proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"prometheus did not become ready; see {workdir / 'prometheus.log'}")

    def query_range(self, expr: str, start: float, end: float, step: int) -> list[Series]:
        q = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
        with urllib.request.urlopen(f"{self.url}/api/v1/query_range?{q}", timeout=30) as r:  # noqa: S310
            data = json.loads(r.read())
        if data.get("status") != "success":
            raise RuntimeError(f"{expr}: {data}")
        return [Series(dict(res["metric"]), [(float(t), float(v)) for t, v in res["values"]])
                for res in data["data"]["result"]]

    def query(self, expr: str, at: float) -> list[Series]:
        q = urllib.parse.urlencode({"query": expr, "time": at})
        with urllib.request.urlopen(f"{self.url}/api/v1/query?{q}", timeout=30) as r:  # noqa: S310
            data = json.loads(r.read())
        if data.get("status") != "success":
            raise RuntimeError(f"{expr}: {data}")
        return [Series(dict(res["metric"]), [(float(res["value"][0]), float(res["value"][1]))])
                for res in data["data"]["result"]]

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=20)
        self._log.close()


def _legend(fmt: str, labels: dict[str, str]) -> str:
    out = fmt
    for key, value in labels.items():
        out = out.replace("{{" + key + "}}", value)
    return out if fmt else ", ".join(f"{k}={v}" for k, v in sorted(labels.items())
                                     if k != "__name__")


def evaluate(prom: Prometheus, start: float, end: float) -> list[Panel]:
    dashboard = json.loads(DASHBOARD.read_text("utf-8"))
    panels: list[Panel] = []
    for p in dashboard["panels"]:
        series: list[Series] = []
        for target in p["targets"]:
            if p["type"] == "table":
                got = prom.query(target["expr"], end)
            else:
                got = prom.query_range(target["expr"], start, end, STEP_S)
            for s in got:
                s.name = _legend(target.get("legendFormat", ""), s.labels)
                series.append(s)
        grid = p["gridPos"]
        panels.append(Panel(p["title"], p["type"], series, grid["x"], grid["y"], grid["w"],
                            grid["h"], p["fieldConfig"]["defaults"].get("unit", "")))
    return panels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "fleet-dashboard.png")
    parser.add_argument("--keep", type=Path, help="also keep the scrapes (OpenMetrics) here")
    args = parser.parse_args(argv)
    promtool = shutil.which("promtool")
    if promtool is None:
        raise SystemExit("promtool not found: apt-get install prometheus")
    end = float(int(time.time()) // STEP_S * STEP_S) - STEP_S
    start = end - HOURS * 3600
    with tempfile.TemporaryDirectory(prefix="fleet-demo-") as d:
        tmp = Path(d)
        started = time.monotonic()
        scrapes = simulate(tmp / "sim", start)
        print(f"simulated {HOURS} h of 8 kiosks in {time.monotonic() - started:.1f} s, "
              f"{len(scrapes)} scrapes")
        om = tmp / "fleet.om"
        om.write_text(to_openmetrics(scrapes), "utf-8")
        if args.keep is not None:
            shutil.copy(om, args.keep)
        tsdb = tmp / "tsdb"
        subprocess.run([promtool, "tsdb", "create-blocks-from", "openmetrics", "--quiet",
                        str(om), str(tsdb)], check=True, timeout=600)
        prom = Prometheus(tsdb, tmp)
        try:
            panels = evaluate(prom, start, end)
        finally:
            prom.stop()
    title = (f"DVC kiosk fleet — {datetime.fromtimestamp(start, UTC):%Y-%m-%d %H:%M} to "
             f"{datetime.fromtimestamp(end, UTC):%H:%M} UTC (Prometheus over real heartbeats)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    draw_dashboard(panels, title, start, end).save(args.out, optimize=True)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
