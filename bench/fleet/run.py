"""A province's load on the gateway: many kiosks, two gateway processes, one PostgreSQL.

One process drives ``--kiosks`` real sync agents (each with its own kiosk store and sealed
applications) on a thread pool; half talk to one ``python -m sync.gateway --database`` process
and half to another, both on one throwaway PostgreSQL cluster (Debian's package) and one data
folder, over loopback. Prints applications per second (wall clock from the first request to the
last receipt), the p50/p95 of the commit request's latency as the agents measured it, and checks
that every sealed application is on the gateway exactly once (rows, kiosk_seq, receipts).

    .venv/bin/python -m bench.fleet --kiosks 500
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psycopg

from sync.agent.config import AgentConfig
from sync.agent.loop import Agent
from sync.gateway.app import GatewayApp
from sync.gateway.control import GatewayControl
from sync.gateway.limits import GatewayLimits
from sync.protocol.keys import (
    ed25519_public_from_b64,
    generate_signing_key,
    public_key_b64,
    x25519_public_from_b64,
)
from tests.sync.pg_cluster import throwaway_cluster
from tests.sync.sealed_store import create_store, seal_applications, states

ROOT = Path(__file__).resolve().parents[2]
PAGE_BYTES = 30_000  # one page of a 200 dpi bilevel scan
DOCS = (("don", 1),)


@contextmanager
def gateway_process(data: Path, database: str, log: Path) -> Iterator[str]:
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sync.gateway", "--port", "0", "--data", str(data),
             "--database", database], cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)
        assert proc.stdout is not None
        url: list[str] = []
        ready = threading.Event()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                match = re.search(r"listening on (http://\S+),", line)
                if match and not url:
                    url.append(match.group(1))
                    ready.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            if not ready.wait(60):
                raise SystemExit(f"gateway did not start; see {log}")
            yield url[0]
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            reader.join(timeout=30)
            proc.stdout.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiosks", type=int, default=500)
    parser.add_argument("--apps", type=int, default=1, help="applications per kiosk")
    parser.add_argument("--threads", type=int, default=32, help="agents running at once")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as d, throwaway_cluster() as url:
        tmp = Path(d)
        data = tmp / "gateway"
        setup = GatewayApp(data, time.time, GatewayLimits(), url)
        control = GatewayControl(setup)
        keys = {}
        for n in range(args.kiosks):
            kiosk_id = f"KX-{n:04d}"
            keys[kiosk_id] = generate_signing_key()
            control.register_kiosk(kiosk_id, public_key_b64(keys[kiosk_id]))
        public = setup.keys.public
        setup.close()
        enc = x25519_public_from_b64(public.encryption_b64)
        started = time.perf_counter()
        stores: dict[str, Path] = {}
        sealed: dict[str, list[str]] = {}
        for n, kiosk_id in enumerate(keys):
            stores[kiosk_id] = create_store(tmp / "kiosks" / kiosk_id)
            made = seal_applications(stores[kiosk_id], kiosk_id, enc, args.apps,
                                     page_bytes=PAGE_BYTES, docs=DOCS, seed=n + 1)
            sealed[kiosk_id] = [a.application_id for a in made]
        print(f"sealed {args.kiosks * args.apps} applications on {args.kiosks} kiosk stores "
              f"in {time.perf_counter() - started:.1f} s")
        latencies: list[float] = []
        lock = threading.Lock()
        with gateway_process(data, url, tmp / "gw-a.log") as url_a, \
                gateway_process(data, url, tmp / "gw-b.log") as url_b:
            agents = []
            for n, kiosk_id in enumerate(keys):
                config = AgentConfig(
                    db_path=stores[kiosk_id], gateway_url=(url_a, url_b)[n % 2],
                    kiosk_id=kiosk_id, kiosk_key=keys[kiosk_id],
                    gateway_signing_key=ed25519_public_from_b64(public.signing_b64),
                    read_timeout_s=60.0)
                agent = Agent(config, wait=lambda _s: None)
                agent.client.commit = _timed(agent.client.commit, latencies, lock)  # type: ignore[method-assign]
                agents.append(agent)
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.threads) as pool:
                reports = list(pool.map(lambda a: a.run_once(budget_s=600), agents))
            elapsed = time.perf_counter() - started
            for agent in agents:
                agent.close()
        sent = sum(r.sent for r in reports)
        total = args.kiosks * args.apps
        print(f"gateway load: {args.kiosks} kiosks x {args.apps} application(s) of "
              f"{len(DOCS)} page(s) ({PAGE_BYTES} B) through 2 gateway processes on one "
              f"PostgreSQL, {args.threads} agents at a time: {sent}/{total} sent in "
              f"{elapsed:.1f} s = {sent / elapsed:.1f} applications/s")
        latencies.sort()
        p50 = statistics.median(latencies) * 1000
        p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
        print(f"commit latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {len(latencies)} "
              f"commits")
        check_once(url, sealed, stores)
    return 0


def _timed(call: Callable[..., Any], into: list[float],
           lock: threading.Lock) -> Callable[..., Any]:
    def timed(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(*args)
        finally:
            with lock:
                into.append(time.perf_counter() - started)

    return timed


def check_once(url: str, sealed: dict[str, list[str]], stores: dict[str, Path]) -> None:
    """Every sealed application on the gateway exactly once, committed, with its own receipt."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT application_id, kiosk_id, kiosk_seq, receipt_no "
                            "FROM applications").fetchall()
    expected = {app for apps in sealed.values() for app in apps}
    ids = [r[0] for r in rows]
    problems = []
    if len(ids) != len(set(ids)):
        problems.append("an application id appears twice")
    if set(ids) != expected:
        problems.append(f"{len(expected - set(ids))} missing, {len(set(ids) - expected)} "
                        "unexpected")
    if any(r[3] is None for r in rows):
        problems.append("an application is not committed")
    if len({r[3] for r in rows}) != len(rows):
        problems.append("a receipt number is used twice")
    if len({(r[1], r[2]) for r in rows}) != len(rows):
        problems.append("a (kiosk, kiosk_seq) appears twice")
    not_received = [k for k, db in stores.items()
                    if any(s not in ("received", "acked") for s in states(db).values())]
    if not_received:
        problems.append(f"{len(not_received)} kiosks still hold unsent applications")
    if problems:
        raise SystemExit("exactly-once check FAILED: " + "; ".join(problems))
    print(f"exactly once: {len(rows)} applications on the gateway, each once, committed, "
          "distinct receipts; every kiosk store says received/acked")


if __name__ == "__main__":
    raise SystemExit(main())
