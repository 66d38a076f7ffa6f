"""A province's load on the gateway: many kiosks, two gateway processes, one PostgreSQL.

One process drives ``--kiosks`` real sync agents (each with its own kiosk store and sealed
applications) on a thread pool, over loopback, to two gateway processes on one throwaway
PostgreSQL cluster (Debian's package):

- ``--server http`` (default): two ``python -m sync.gateway --database`` processes, half the
  agents to each;
- ``--server gunicorn``: one address, gunicorn with ``--workers 2`` pre-forked processes
  (``--gunicorn-threads`` threads each), the kernel spreading the agents' connections.

Documents go to the shared data folder (``--documents folder``) or to S3-compatible object
storage (``--documents s3``: a throwaway ``moto_server`` on 127.0.0.1). ``--pool-size`` is
each process's most PostgreSQL connections.

Prints applications per second (wall clock from the first request to the last receipt), the
p50/p95 of the commit request's latency as the agents measured it, the load average, and checks
that every sealed application is on the gateway exactly once (rows, kiosk_seq, receipts) and
every document is stored once, byte-identical to the kiosk's file.

    .venv/bin/python -m bench.fleet --kiosks 500
    .venv/bin/python -m bench.fleet --kiosks 500 --server gunicorn
    .venv/bin/python -m bench.fleet --kiosks 500 --server gunicorn --documents s3
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.agent.config import AgentConfig
from sync.agent.loop import Agent
from sync.client.failure import GatewayError
from sync.gateway.app import GatewayApp
from sync.gateway.control import GatewayControl
from sync.gateway.keys import GatewayPublicKeys
from sync.gateway.limits import GatewayLimits
from sync.gateway.storage import StorageConfig
from sync.gateway.store import DEFAULT_POOL_SIZE
from sync.protocol.keys import (
    ed25519_public_from_b64,
    generate_signing_key,
    public_key_b64,
    x25519_public_from_b64,
)
from tests.sync.gateway_processes import gateway_process, gunicorn_gateway
from tests.sync.pg_cluster import throwaway_cluster
from tests.sync.s3_server import S3_ENV, S3Server, s3_test_client, throwaway_s3
from tests.sync.sealed_store import create_store, seal_applications, states

PAGE_BYTES = 30_000  # one page of a 200 dpi bilevel scan
DOCS = (("don", 1),)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiosks", type=int, default=500)
    parser.add_argument("--apps", type=int, default=1, help="applications per kiosk")
    parser.add_argument("--threads", type=int, default=32, help="agents running at once")
    parser.add_argument("--server", choices=("http", "gunicorn"), default="http")
    parser.add_argument("--gunicorn-threads", type=int, default=16,
                        help="threads per gunicorn worker (gthread)")
    parser.add_argument("--gunicorn-keep-alive", type=int, default=None,
                        help="seconds an idle connection stays open (gunicorn's default: 2)")
    parser.add_argument("--documents", choices=("folder", "s3"), default="folder")
    parser.add_argument("--pool-size", type=int, default=DEFAULT_POOL_SIZE,
                        help="PostgreSQL connections per gateway process")
    return parser.parse_args(argv)


@dataclass
class Fleet:
    """The kiosks' keys and stores, and what each sealed."""

    keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    stores: dict[str, Path] = field(default_factory=dict)
    sealed: dict[str, list[str]] = field(default_factory=dict)  # kiosk -> application ids
    documents: dict[str, tuple[int, str]] = field(default_factory=dict)  # app/doc -> size, sha


def _make_fleet(args: argparse.Namespace, tmp: Path, data: Path, database: str) -> tuple[
        Fleet, GatewayPublicKeys]:
    setup = GatewayApp(data, time.time, GatewayLimits(), database)
    control = GatewayControl(setup)
    fleet = Fleet()
    for n in range(args.kiosks):
        kiosk_id = f"KX-{n:04d}"
        fleet.keys[kiosk_id] = generate_signing_key()
        control.register_kiosk(kiosk_id, public_key_b64(fleet.keys[kiosk_id]))
    public = setup.keys.public
    setup.close()
    enc = x25519_public_from_b64(public.encryption_b64)
    started = time.perf_counter()
    for n, kiosk_id in enumerate(fleet.keys):
        fleet.stores[kiosk_id] = create_store(tmp / "kiosks" / kiosk_id)
        made = seal_applications(fleet.stores[kiosk_id], kiosk_id, enc, args.apps,
                                 page_bytes=PAGE_BYTES, docs=DOCS, seed=n + 1)
        fleet.sealed[kiosk_id] = [a.application_id for a in made]
        fleet.documents.update({f"{a.application_id}/{d}": sd for a in made
                                for d, sd in a.documents.items()})
    print(f"sealed {args.kiosks * args.apps} applications on {args.kiosks} kiosk stores "
          f"in {time.perf_counter() - started:.1f} s")
    return fleet, public


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    print(f"load average before: {_load()}")
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-fleet-")))
        url = stack.enter_context(throwaway_cluster())
        s3 = stack.enter_context(throwaway_s3()) if args.documents == "s3" else None
        if s3 is not None:
            os.environ.update(S3_ENV)  # this process checks the bucket; the gateways inherit it
        storage = StorageConfig() if s3 is None else StorageConfig(
            f"s3://{s3.bucket}/bench", s3.endpoint)
        data = tmp / "gateway"
        fleet, public = _make_fleet(args, tmp, data, url)
        latencies: list[float] = []
        refused: collections.Counter[str] = collections.Counter()
        lock = threading.Lock()
        with _gateways(args, data, url, storage, tmp) as urls:
            agents = []
            for n, kiosk_id in enumerate(fleet.keys):
                config = AgentConfig(
                    db_path=fleet.stores[kiosk_id], gateway_url=urls[n % len(urls)],
                    kiosk_id=kiosk_id, kiosk_key=fleet.keys[kiosk_id],
                    gateway_signing_key=ed25519_public_from_b64(public.signing_b64),
                    read_timeout_s=60.0)
                agent = Agent(config, wait=lambda _s: None)
                agent.client.commit = _timed(agent.client.commit, latencies, lock)  # type: ignore[method-assign]
                agent.client.exchange = _counted(agent.client.exchange, refused, lock)  # type: ignore[method-assign]
                agents.append(agent)
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.threads) as pool:
                reports = list(pool.map(lambda a: a.run_once(budget_s=600), agents))
            elapsed = time.perf_counter() - started
            for agent in agents:
                agent.close()
        load_after = _load()
        sent = sum(r.sent for r in reports)
        total = args.kiosks * args.apps
        server = ("2 `python -m sync.gateway` processes" if args.server == "http" else
                  f"gunicorn, 2 workers x {args.gunicorn_threads} threads")
        print(f"gateway load: {args.kiosks} kiosks x {args.apps} application(s) of "
              f"{len(DOCS)} page(s) ({PAGE_BYTES} B) through {server} on one PostgreSQL "
              f"(pool {args.pool_size} per process), documents in {storage.documents}, "
              f"{args.threads} agents at a time: {sent}/{total} sent in "
              f"{elapsed:.1f} s = {sent / elapsed:.1f} applications/s")
        latencies.sort()
        p50 = statistics.median(latencies) * 1000
        p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
        print(f"commit latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {len(latencies)} "
              f"commits")
        print("requests not answered as hoped (retried by the agents): "
              + (", ".join(f"{k} x{n}" for k, n in sorted(refused.items())) or "none"))
        print(f"load average after the run: {load_after}")
        check_once(url, fleet.sealed, fleet.stores)
        check_documents(fleet.documents, data, s3)
    return 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"


@contextmanager
def _gateways(args: argparse.Namespace, data: Path, database: str, storage: StorageConfig,
              tmp: Path) -> Iterator[list[str]]:
    """The gateway's URLs: two processes' own, or gunicorn's one."""
    env = {"DVC_GATEWAY_DB_POOL": str(args.pool_size)}
    if storage.documents != "folder":
        env |= {"DVC_GATEWAY_DOCUMENTS": storage.documents,
                "DVC_GATEWAY_S3_ENDPOINT": storage.s3_endpoint or ""}
    if args.server == "gunicorn":
        with gunicorn_gateway(data, database, workers=2, threads=args.gunicorn_threads,
                              keep_alive_s=args.gunicorn_keep_alive, env=env) as url:
            yield [url]
        return
    with gateway_process(data, database, env=env, log=tmp / "gw-a.log") as url_a, \
            gateway_process(data, database, env=env, log=tmp / "gw-b.log") as url_b:
        yield [url_a, url_b]


def check_documents(sealed: dict[str, tuple[int, str]], data: Path,
                    s3: S3Server | None) -> None:
    """Every document stored once, byte-identical (size and SHA-256) to the kiosk's file."""
    if s3 is None:
        stored = {f"{p.parent.name}/{p.name}": p.read_bytes()
                  for p in (data / "uploads").glob("*/*")}
    else:
        client = s3_test_client(s3.endpoint)
        stored = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket,
                                                                      Prefix="bench/doc/"):
            for item in page.get("Contents", []):
                name = item["Key"].removeprefix("bench/doc/")
                stored[name] = client.get_object(Bucket=s3.bucket, Key=item["Key"])["Body"].read()
        client.close()
    wrong = [k for k, (size, sha) in sealed.items() if k not in stored
             or (len(stored[k]), hashlib.sha256(stored[k]).hexdigest()) != (size, sha)]
    extra = set(stored) - set(sealed)
    if wrong or extra:
        raise SystemExit(f"document check FAILED: {len(wrong)} missing or different, "
                         f"{len(extra)} unexpected")
    where = "the data folder" if s3 is None else "the S3 bucket"
    print(f"documents: {len(stored)} in {where}, each once, byte-identical to the kiosk's file")


def _counted(call: Callable[..., Any], into: collections.Counter[str],
             lock: threading.Lock) -> Callable[..., Any]:
    def counted(method: str, path: str, *args: Any, **kw: Any) -> Any:
        try:
            return call(method, path, *args, **kw)
        except GatewayError as exc:
            what = path.rsplit("/", 1)[-1] if path.endswith(("commit", "ack", "ping")) else (
                path.split("/")[2])
            with lock:
                into[f"{method} {what}: {exc.failure.status} {exc.failure.code} "
                     f"({exc.failure.detail[:60]})"] += 1
            raise

    return counted


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
