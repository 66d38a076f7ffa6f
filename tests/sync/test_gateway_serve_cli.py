"""`kiosk gateway serve` takes the options of `python -m sync.gateway` and passes them on.

Before: the kiosk CLI's wrapper knew only --port, --host and --data, so a province could not run
its gateway processes through it on PostgreSQL, with documents in S3 or with a pool size. The
CLI's real argument parsing runs here and what `main_serve` receives is compared with what
`python -m sync.gateway` passes for the same options; one real `kiosk gateway serve` process is
started on 127.0.0.1:0 against a throwaway PostgreSQL with a pool of one connection.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from psycopg import sql

import sync.gateway.__main__ as gateway_main
from kiosk import cli
from sync.gateway import server
from sync.gateway.storage import ENV_DOCUMENTS, ENV_S3_ENDPOINT, StorageConfig
from sync.gateway.store import DEFAULT_POOL_SIZE, ENV_POOL_SIZE
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import TestKiosk
from tests.sync.pg_cluster import throwaway_cluster

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60
Call = tuple[tuple[Any, ...], dict[str, Any]]


@pytest.fixture(autouse=True)
def _umask_kept() -> Iterator[None]:
    """kiosk.cli.main sets the process umask to 077: put the test process's back."""
    before = os.umask(0o077)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture(autouse=True)
def _no_gateway_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (ENV_DOCUMENTS, ENV_S3_ENDPOINT, ENV_POOL_SIZE):
        monkeypatch.delenv(name, raising=False)


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    """main_serve replaced (in both entry points) by a recorder."""
    calls: list[Call] = []

    def record(*args: Any, **kwargs: Any) -> int:
        calls.append((args, kwargs))
        return 0

    monkeypatch.setattr(server, "main_serve", record)  # what kiosk.wiring imports at call time
    monkeypatch.setattr(gateway_main, "main_serve", record)
    return calls


def _normalised(call: Call) -> tuple[object, ...]:
    """(port, data, host, database, storage, pool_size) whichever way they were passed."""
    args, kwargs = call
    names = ("port", "data_dir", "host", "database_url")
    given = dict(zip(names, args, strict=False)) | kwargs
    return (given["port"], given["data_dir"], given.get("host", "127.0.0.1"),
            given.get("database_url"), given.get("storage") or StorageConfig(),
            given.get("pool_size", DEFAULT_POOL_SIZE))


OPTIONS = ["--port", "0", "--host", "127.0.0.1", "--database",
           "postgresql://gw@/dvc?host=/run/postgresql", "--documents", "s3://dvc-docs/hn",
           "--s3-endpoint", "http://127.0.0.1:9000", "--pool-size", "3"]


def test_kiosk_gateway_serve_passes_every_option_to_main_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _calls(monkeypatch)
    data = ["--data", str(tmp_path / "gw")]
    assert cli.main(["gateway", "serve", *OPTIONS, *data]) == 0
    assert gateway_main.main([*OPTIONS, *data]) == 0
    assert len(calls) == 2
    kiosk_call, module_call = (_normalised(c) for c in calls)
    assert kiosk_call == (0, tmp_path / "gw", "127.0.0.1",
                          "postgresql://gw@/dvc?host=/run/postgresql",
                          StorageConfig("s3://dvc-docs/hn", "http://127.0.0.1:9000"), 3)
    assert kiosk_call == module_call  # the two entry points agree


def test_the_defaults_are_those_of_python_m_sync_gateway_but_the_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _calls(monkeypatch)
    data = ["--data", str(tmp_path / "gw")]
    assert cli.main(["gateway", "serve", *data]) == 0
    assert gateway_main.main(data) == 0
    plain = [_normalised(c) for c in calls]
    # no options: SQLite in --data, documents in the folder, the default pool
    assert plain[0][3:] == (None, StorageConfig(), DEFAULT_POOL_SIZE)
    assert plain[1][3:] == plain[0][3:]
    # under a service manager the environment sets them (as for gunicorn)
    monkeypatch.setenv(ENV_DOCUMENTS, "s3://env-bucket")
    monkeypatch.setenv(ENV_S3_ENDPOINT, "http://127.0.0.1:9001")
    monkeypatch.setenv(ENV_POOL_SIZE, "5")
    assert cli.main(["gateway", "serve", *data]) == 0
    assert gateway_main.main(data) == 0
    from_env = [_normalised(c) for c in calls[2:]]
    assert from_env[0][4:] == (StorageConfig("s3://env-bucket", "http://127.0.0.1:9001"), 5)
    assert from_env[1][1:] == from_env[0][1:]
    # (the one default that differs, as README has said: kiosk 8080, python -m 8780)
    assert (from_env[0][0], from_env[1][0]) == (8080, 8780)
    # and an option given wins over the environment
    assert cli.main(["gateway", "serve", *data, "--documents", "folder", "--pool-size", "2"]) == 0
    assert _normalised(calls[4])[4:] == (StorageConfig("folder", "http://127.0.0.1:9001"), 2)


def test_wrong_values_are_refused_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data", str(tmp_path / "gw")]
    for argv in (["--pool-size", "0"], ["--pool-size", "many"]):
        with pytest.raises(SystemExit) as exited:
            cli.main(["gateway", "serve", *data, *argv])
        assert exited.value.code == 2
        assert "at least 1" in capsys.readouterr().err
    # the real main_serve: a documents place that is neither folder nor s3:// does not start
    assert cli.main(["gateway", "serve", *data, "--port", "0", "--documents", "s3:/x"]) == 2
    assert "documents must be 'folder' or s3://bucket" in capsys.readouterr().out
    assert not (tmp_path / "gw").exists()  # nothing created


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with throwaway_cluster() as url:
        yield url


def test_kiosk_gateway_serve_runs_on_postgres_with_its_pool(tmp_path: Path, cluster: str) -> None:
    """A real `kiosk gateway serve --database ... --pool-size 1` process on 127.0.0.1:0: the rows
    go to PostgreSQL and, with 8 clients at once, the process opens one connection (its pool
    would grow towards the default 8 otherwise)."""
    with psycopg.connect(cluster, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier("served")))
    database = cluster.replace("@/postgres?", "@/served?")
    data = tmp_path / "gw"
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())",
             "gateway", "serve", "--port", "0", "--data", str(data), "--database", database,
             "--pool-size", "1", "--documents", "folder"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True,
            env={k: v for k, v in os.environ.items()
                 if k not in (ENV_DOCUMENTS, ENV_S3_ENDPOINT, ENV_POOL_SIZE)})
        lines: list[str] = []
        listening = threading.Event()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                if line.startswith("gateway: documents in"):
                    listening.set()
            listening.set()  # ended: no need to wait any longer

        reader = threading.Thread(target=read, daemon=True, name="serve-stdout")
        reader.start()
        try:
            assert listening.wait(START_TIMEOUT_S), f"did not start: {lines}; see {log}"
            assert proc.poll() is None, f"ended {proc.returncode}: {lines}; {log.read_text()}"
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+),", "".join(lines))
            assert found is not None, lines
            url = found.group(1)
            signing = re.search(r"signing key \(Ed25519\)\s+(\S+)", "".join(lines))
            assert signing is not None
            assert requests.get(url + "/v1/ping", timeout=30).status_code == 204
            first = TestKiosk(url, signing.group(1), FakeClock.from_real_time(), "KX-001")
            # 8 clients of one kiosk at once (their repeats dated later, one after the other)
            kiosks = [first] + [TestKiosk(url, first.gateway_signing_b64, first.clock, "KX-001",
                                          first.key, last_dates=first.last_dates)
                                for _ in range(7)]
            try:
                with psycopg.connect(database, autocommit=True) as conn:
                    conn.execute("INSERT INTO kiosks (kiosk_id, public_key, registered_at) "
                                 "VALUES ('KX-001', %s, 0)", (first.public_b64,))
                answers = _at_once(kiosks, "/v1/kiosks/KX-001/ack", rounds=4)
                assert answers == [(200, True)] * 32
            finally:
                for kiosk in kiosks:
                    kiosk.close()
            with psycopg.connect(database) as conn:
                row = conn.execute(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()").fetchone()
            assert row == (1,)  # --pool-size 1 reached the pool (8 would have grown)
            assert "gateway: documents in folder" in "".join(lines)
            assert not (data / "gateway.sqlite3").exists()  # --database reached the store
        finally:
            proc.terminate()
            proc.wait(timeout=START_TIMEOUT_S)
            reader.join(timeout=START_TIMEOUT_S)
            if proc.stdout is not None:
                proc.stdout.close()
    assert proc.returncode == 0


def _at_once(kiosks: list[TestKiosk], target: str, rounds: int) -> list[tuple[int, bool]]:
    """Every kiosk client GETs ``target`` ``rounds`` times, all clients at the same time."""
    answers: list[tuple[int, bool]] = []
    barrier = threading.Barrier(len(kiosks))

    def run(kiosk: TestKiosk) -> None:
        barrier.wait(timeout=30)
        for _ in range(rounds):
            answer = kiosk.call("GET", target)
            answers.append((answer.status, answer.signed))

    threads = [threading.Thread(target=run, args=(k,)) for k in kiosks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers
