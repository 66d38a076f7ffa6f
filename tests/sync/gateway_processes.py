"""Real gateway processes for tests and benches: ``python -m sync.gateway`` and gunicorn.

Each is started on a free loopback port and stopped (SIGTERM, bounded waits) afterwards; the
extra arguments choose the database, the documents' storage and the pool size.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 60
_numbers = itertools.count(1)


@contextmanager
def gateway_process(data: Path, database: str, extra: Sequence[str] = (), *,
                    env: Mapping[str, str] | None = None,
                    log: Path | None = None) -> Iterator[str]:
    """``python -m sync.gateway --database ...`` (plus ``extra``) on a free port; its URL."""
    log_path = log or data.parent / f"gateway-{next(_numbers)}.log"
    with log_path.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sync.gateway", "--port", "0", "--data", str(data),
             "--database", database, *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=err,
            text=True, env={**os.environ, **(env or {})})
        url: list[str] = []
        found = threading.Event()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                match = re.search(r"listening on (http://\S+),", line)
                if match and not url:
                    url.append(match.group(1))
                    found.set()

        reader = threading.Thread(target=read, daemon=True, name="gateway-stdout")
        reader.start()
        try:
            if not found.wait(START_TIMEOUT_S):
                raise RuntimeError(f"the gateway process did not start; see {log_path}")
            yield url[0]
        finally:
            proc.terminate()
            proc.wait(timeout=STOP_TIMEOUT_S)
            reader.join(timeout=STOP_TIMEOUT_S)
            if proc.stdout is not None:
                proc.stdout.close()


@contextmanager
def gunicorn_gateway(data: Path, database: str, workers: int = 2, *, threads: int = 1,
                     keep_alive_s: int | None = None,
                     env: Mapping[str, str] | None = None) -> Iterator[str]:
    """The WSGI gateway under gunicorn (``workers`` pre-forked processes, each with
    ``threads`` threads: gthread workers when more than one; ``keep_alive_s``: how long an idle
    connection stays open, gunicorn's default 2 s when None); its URL."""
    environment = {**os.environ, "DVC_GATEWAY_DATA": str(data),
                   "DVC_GATEWAY_DATABASE": database, **(env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
         "--bind", "127.0.0.1:0", "--log-level", "info",
         *(["--keep-alive", str(keep_alive_s)] if keep_alive_s is not None else []),
         "sync.gateway.wsgi:application"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    url: list[str] = []
    booted: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            match = re.search(r"Listening at: (http://\S+)", line)
            if match:
                url.append(match.group(1))
            if "Booting worker" in line:
                booted.append(line)
            if url and len(booted) >= workers:
                ready.set()

    reader = threading.Thread(target=read, daemon=True, name="gunicorn-stderr")
    reader.start()
    try:
        if not ready.wait(START_TIMEOUT_S):
            raise RuntimeError("gunicorn did not start its workers")
        yield url[0]
    finally:
        proc.terminate()
        proc.wait(timeout=STOP_TIMEOUT_S)
        reader.join(timeout=STOP_TIMEOUT_S)
        if proc.stderr is not None:
            proc.stderr.close()
