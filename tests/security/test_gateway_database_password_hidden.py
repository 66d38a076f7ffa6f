"""The gateway's PostgreSQL password need not be on its command line, and is warned about there.

Before: `python -m sync.gateway` and `kiosk gateway serve` took the database only as
``--database postgresql://user:password@...``: the password was in the process list (every user
of the machine reads /proc/<pid>/cmdline, `ps -ef`), and nothing said so. Only gunicorn
(sync.gateway.wsgi) read ``$DVC_GATEWAY_DATABASE``.

Now, for every entry point: the URL from ``$DVC_GATEWAY_DATABASE`` (systemd
``EnvironmentFile=``), or from a file (``--database-file``, ``$DVC_GATEWAY_DATABASE_FILE``:
systemd ``LoadCredential=``); libpq's own PGPASSFILE / PGPASSWORD with a URL that has no
password; and one line on stderr when a password is given on the command line.

Real parts: the gateway as its own process (both entry points) against a throwaway PostgreSQL
cluster that asks for a password (scram-sha-256), on a Unix socket.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from sync.gateway import wsgi
from sync.gateway.storage import ENV_DOCUMENTS, ENV_S3_ENDPOINT
from sync.gateway.store import ENV_POOL_SIZE
from tests.sync.pg_cluster import throwaway_cluster

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Mk-7fQz2-tinh-secret"  # the throwaway cluster's
START_TIMEOUT_S = 60
MODULE = [sys.executable, "-m", "sync.gateway"]
KIOSK = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())",
         "gateway", "serve"]
ENTRY_POINTS = {"python-m": MODULE, "kiosk": KIOSK}
GATEWAY_ENV = ("DVC_GATEWAY_DATABASE", "DVC_GATEWAY_DATABASE_FILE", "PGPASSWORD", "PGPASSFILE",
               ENV_DOCUMENTS, ENV_S3_ENDPOINT, ENV_POOL_SIZE)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """``postgresql://postgres@/postgres?host=...&port=...``: no password in it."""
    with throwaway_cluster(password=PASSWORD) as url:
        yield url


def with_password(url: str) -> str:
    return url.replace("postgres@", f"postgres:{PASSWORD}@", 1)


@dataclass
class Served:
    cmdline: str  # what every user of the machine sees in the process list
    stdout: str
    stderr: str
    sqlite_made: bool


def serve(tmp_path: Path, command: list[str], *args: str, **env: str) -> Served:
    """Start the gateway, wait until it listens, ping it, stop it."""
    data = tmp_path / "gw"
    err_path = tmp_path / "stderr"
    environment = {k: v for k, v in os.environ.items() if k not in GATEWAY_ENV} | env
    with err_path.open("w") as err:
        proc = subprocess.Popen([*command, "--port", "0", "--data", str(data), *args],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True,
                                env=environment)
        lines: list[str] = []
        listening = threading.Event()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                if line.startswith("gateway: documents in"):
                    listening.set()
            listening.set()

        reader = threading.Thread(target=read, daemon=True, name="serve-stdout")
        reader.start()
        try:
            assert listening.wait(START_TIMEOUT_S), f"did not start: {lines}"
            cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().replace(b"\0", b" ")
            assert proc.poll() is None, (f"ended {proc.returncode}: {lines} "
                                         f"{err_path.read_text()[-3000:]}")
            url = "".join(lines).split("listening on ", 1)[1].split(",", 1)[0]
            assert requests.get(url + "/v1/ping", timeout=30).status_code == 204
        finally:
            proc.terminate()
            proc.wait(timeout=START_TIMEOUT_S)
            reader.join(timeout=START_TIMEOUT_S)
            if proc.stdout is not None:
                proc.stdout.close()
    assert proc.returncode == 0
    return Served(cmdline.decode(), "".join(lines), err_path.read_text(),
                  (data / "gateway.sqlite3").exists())


def on_postgres_quietly(served: Served) -> None:
    assert not served.sqlite_made  # the rows went to PostgreSQL
    assert PASSWORD not in served.cmdline
    assert PASSWORD not in served.stdout + served.stderr
    assert "password" not in served.stderr.lower()  # nothing to warn about


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_password_on_the_command_line_is_warned_about_in_one_line(
        tmp_path: Path, cluster: str, entry: str) -> None:
    served = serve(tmp_path, ENTRY_POINTS[entry], "--database", with_password(cluster))
    assert not served.sqlite_made  # it still works as before
    warnings = [line for line in served.stderr.splitlines() if "password" in line.lower()]
    assert len(warnings) == 1, served.stderr
    assert warnings[0].startswith("gateway: "), warnings
    assert "process list" in warnings[0]
    assert PASSWORD not in served.stdout + served.stderr  # the warning does not repeat it


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_the_url_from_the_environment(tmp_path: Path, cluster: str, entry: str) -> None:
    """systemd: ``EnvironmentFile=/etc/dvc-gateway/database.env`` (0600, root's)."""
    served = serve(tmp_path, ENTRY_POINTS[entry], DVC_GATEWAY_DATABASE=with_password(cluster))
    on_postgres_quietly(served)


@pytest.mark.parametrize("how", ["python-m --database-file", "python-m env", "kiosk --database-file",
                                 "kiosk env"])
def test_the_url_from_a_file(tmp_path: Path, cluster: str, how: str) -> None:
    """systemd: ``LoadCredential=database:/etc/dvc-gateway/database.url`` and
    ``Environment=DVC_GATEWAY_DATABASE_FILE=%d/database`` (the credentials folder)."""
    url_file = tmp_path / "database.url"
    url_file.write_text(with_password(cluster) + "\n")
    url_file.chmod(0o600)
    entry, way = how.split(" ")
    if way == "--database-file":
        served = serve(tmp_path, ENTRY_POINTS[entry], "--database-file", str(url_file))
    else:
        served = serve(tmp_path, ENTRY_POINTS[entry], DVC_GATEWAY_DATABASE_FILE=str(url_file))
    on_postgres_quietly(served)


@pytest.mark.parametrize("libpq", ["PGPASSFILE", "PGPASSWORD"])
def test_libpq_password_file_or_environment(tmp_path: Path, cluster: str, libpq: str) -> None:
    """A URL without a password on the command line, the password where libpq looks for it.
    (A guard: libpq did this before too; the gateway must not get in its way.)"""
    if libpq == "PGPASSFILE":
        passfile = tmp_path / "pgpass"
        passfile.write_text(f"*:*:*:postgres:{PASSWORD}\n")
        passfile.chmod(0o600)  # libpq ignores a passfile others can read
        env = {"PGPASSFILE": str(passfile)}
    else:
        env = {"PGPASSWORD": PASSWORD}
    served = serve(tmp_path, MODULE, "--database", cluster, **env)
    on_postgres_quietly(served)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_database_file_that_cannot_be_read_is_one_line(tmp_path: Path, entry: str) -> None:
    missing = tmp_path / "no-such.url"
    env = {k: v for k, v in os.environ.items() if k not in GATEWAY_ENV}
    done = subprocess.run([*ENTRY_POINTS[entry], "--port", "0", "--data", str(tmp_path / "gw")],
                          cwd=ROOT, capture_output=True, text=True, timeout=30,
                          env=env | {"DVC_GATEWAY_DATABASE_FILE": str(missing)}, check=False)
    assert done.returncode == 2, done.stderr
    out = (done.stdout + done.stderr).strip().splitlines()
    assert len(out) == 1, out
    assert str(missing) in out[0]
    assert not (tmp_path / "gw").exists()  # nothing made: no SQLite gateway instead


def test_gunicorn_reads_the_url_from_a_file(
        tmp_path: Path, cluster: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What each gunicorn worker builds from its environment (sync.gateway.wsgi)."""
    url_file = tmp_path / "database.url"
    url_file.write_text(with_password(cluster) + "\n")
    for name in GATEWAY_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DVC_GATEWAY_DATA", str(tmp_path / "gw"))
    monkeypatch.setenv("DVC_GATEWAY_DATABASE_FILE", str(url_file))
    gateway = wsgi.gateway_from_env()
    try:
        assert gateway.store.postgres
    finally:
        gateway.close()
    assert not (tmp_path / "gw" / "gateway.sqlite3").exists()
