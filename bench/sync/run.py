"""Sync agent bench over loopback, against the real reference gateway.

Prints: applications per second (3 pages each), bytes on the wire per payload byte (goal at
most 1.05), bytes resent after a cut mid-document (goal at most one chunk), and the time for one
3-page application through a 4 KB/s shaped link. Pages are random (incompressible) bytes of
PAGE_BYTES, about a 200 dpi bilevel G4 page.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sync.agent.loop import Agent
from sync.netsim import FaultProxy
from tests.sync.rig import Rig, make_rig

PAGE_BYTES = 30_000
THREE_PAGES = (("don", 1), ("cccd", 1), ("giay-to", 1))
TWO_DOCS = (("don", 1), ("giay-to", 2))
ONE_DOC = (("ho-so", 3),)


def _agent(rig: Rig, url: str | None = None) -> Agent:
    return Agent(rig.config(url, read_timeout_s=30.0))


def _payload_bytes(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        manifests = conn.execute("SELECT SUM(LENGTH(CAST(manifest_json AS BLOB))) "
                                 "FROM applications").fetchone()[0]
        docs = conn.execute("SELECT SUM(size) FROM documents").fetchone()[0]
    finally:
        conn.close()
    return int(manifests) + int(docs)


def _port(rig: Rig) -> int:
    port = urlsplit(rig.gateway.url).port
    assert port is not None
    return port


def bench_throughput(tmp: Path, count: int) -> None:
    with make_rig(tmp) as rig:
        rig.seal(count, page_bytes=PAGE_BYTES, docs=THREE_PAGES)
        with _agent(rig) as agent:
            started = time.perf_counter()
            report = agent.run_once()
            elapsed = time.perf_counter() - started
        assert report.sent == count, report
        rate = count / elapsed
        print(f"throughput: {count} applications x 3 pages of {PAGE_BYTES} B in {elapsed:.2f} s"
              f" = {rate:.1f} applications/s")


def bench_wire_overhead(tmp: Path, count: int, docs: tuple[tuple[str, int], ...],
                        label: str) -> None:
    with make_rig(tmp) as rig:
        rig.seal(count, page_bytes=PAGE_BYTES, docs=docs)
        payload = _payload_bytes(rig.db)
        with FaultProxy("127.0.0.1", _port(rig)) as proxy, _agent(rig, proxy.url) as agent:
            report = agent.run_once()
            wire = proxy.bytes_up + proxy.bytes_down
        assert report.sent == count, report
        print(f"wire overhead ({label}): {wire} B on the wire (up {proxy.bytes_up}, down "
              f"{proxy.bytes_down}) for {payload} B of payload = {wire / payload:.4f} "
              "bytes per payload byte (goal <= 1.05; includes ping, status pull, ack, heartbeat "
              "and data-update check)")


def bench_resend_after_cut(tmp: Path, doc_bytes: int) -> None:
    with make_rig(tmp) as rig:
        (app,) = rig.seal(1, page_bytes=doc_bytes, docs=(("ban-chup", 1),))
        size = app.documents["ban-chup"][0]
        with FaultProxy("127.0.0.1", _port(rig)) as proxy, _agent(rig, proxy.url) as agent:
            proxy.cut_after(size // 2)
            first = agent.run_pass()
            chunk_at_cut = agent.uploader.sizer.size * 2  # it halved on the cut
            assert first.retry is not None, first
            assert agent.run_once().sent == 1
            resent = agent.uploader.chunk_bytes_sent - size
        print(f"resent after a cut mid-document: {resent} B for a {size} B document cut at "
              f"{size // 2} B (chunk in flight {chunk_at_cut} B; goal <= one chunk)")


def bench_shaped(tmp: Path, bps: int) -> None:
    with make_rig(tmp) as rig:
        rig.seal(1, page_bytes=PAGE_BYTES, docs=THREE_PAGES)
        payload = _payload_bytes(rig.db)
        with FaultProxy("127.0.0.1", _port(rig)) as proxy, _agent(rig, proxy.url) as agent:
            proxy.limit_rate(bps)
            started = time.perf_counter()
            report = agent.run_once()
            elapsed = time.perf_counter() - started
        assert report.sent == 1, report
        print(f"shaped link: one 3-page application ({payload} B payload) through "
              f"{bps} B/s each way in {elapsed:.1f} s (payload alone needs {payload / bps:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--cut-doc-bytes", type=int, default=3_000_000)
    parser.add_argument("--shaped-bps", type=int, default=4096)
    parser.add_argument("--skip-shaped", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as d:
        tmp = Path(d)
        bench_throughput(tmp / "throughput", args.count)
        bench_wire_overhead(tmp / "overhead3", args.count, THREE_PAGES,
                            "3 one-page documents per application")
        bench_wire_overhead(tmp / "overhead2", args.count, TWO_DOCS,
                            "2 documents of 1 + 2 pages per application")
        bench_wire_overhead(tmp / "overhead1", args.count, ONE_DOC,
                            "1 three-page document per application")
        bench_resend_after_cut(tmp / "cut", args.cut_doc_bytes)
        if not args.skip_shaped:
            bench_shaped(tmp / "shaped", args.shaped_bps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
