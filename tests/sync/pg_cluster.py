"""A throwaway PostgreSQL cluster for tests: initdb in a temporary folder, a Unix socket only.

Debian's ``postgresql`` package provides the binaries (``pg_config --bindir``). PostgreSQL
refuses to run as root, so as root the cluster runs as the ``postgres`` user (``runuser``).
Missing PostgreSQL fails the test that asks for it, never skips it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PORT = 5432  # on a private socket folder: no clash with any other cluster
TIMEOUT_S = 120


def _bindir() -> Path:
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                             check=True, timeout=30).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL not found: install the Debian package 'postgresql'")
    return found[-1].parent


@contextmanager
def throwaway_cluster(password: str | None = None) -> Iterator[str]:
    """Yield a ``postgresql://`` URL to a fresh cluster; stop and delete it afterwards.

    With ``password`` the cluster asks every client for it (scram-sha-256) and the URL
    carries none: the test gives it the way it tests."""
    bindir = _bindir()
    base = Path(tempfile.mkdtemp(prefix="dvc-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data = base / "data"
    log = base / "server.log"

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True,
                              timeout=TIMEOUT_S, check=False)
        if done.returncode != 0:
            tail = log.read_text("utf-8")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}{tail}")

    auth = ["-A", "trust"]
    if password is not None:
        pwfile = base / "pwfile"
        pwfile.write_text(password + "\n")
        if prefix:
            shutil.chown(pwfile, "postgres", "postgres")
        auth = ["-A", "scram-sha-256", f"--pwfile={pwfile}"]
    try:
        run(str(bindir / "initdb"), "-D", str(data), *auth, "-U", "postgres",
            "-E", "UTF8", "--locale=C", "--no-sync")
        options = f"-k {base} -c listen_addresses='' -p {PORT} -c fsync=off"
        run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w",
            "-t", str(TIMEOUT_S), "start")
        try:
            yield f"postgresql://postgres@/postgres?host={base}&port={PORT}"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)
