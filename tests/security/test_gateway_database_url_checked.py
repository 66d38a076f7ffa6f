"""A database URL that is not PostgreSQL's is refused, never taken for "no database".

Before: the gateway used PostgreSQL only for a URL starting ``postgresql://`` or
``postgres://`` and took anything else (a typo: ``postgresq://``, ``postgresql:/db``, another
database's URL) as if no database had been given: it started on SQLite in its data folder, so
a province's gateway process with a mistyped URL took kiosks' applications into a file of its
own, apart from every other process, and nothing said so. Now such a URL (from --database, the
environment or a file) is one line, exit 2, nothing created; the URL's password is not echoed.

Real parts: both gateway programs as processes, and gunicorn's WSGI factory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sync.gateway import wsgi
from sync.gateway.database_url import DatabaseUrlError

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zx9-not-echoed"
MODULE = [sys.executable, "-m", "sync.gateway"]
KIOSK = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())",
         "gateway", "serve"]
ENTRY_POINTS = {"python-m": MODULE, "kiosk": KIOSK}
BAD_URLS = [f"postgresq://dvc:{SECRET}@db/dvc", f"postgresql:/dvc:{SECRET}@db/dvc",
            f"mysql://dvc:{SECRET}@db/dvc", "gateway.sqlite3"]
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if not k.startswith(("DVC_GATEWAY_", "PGPASS"))}


@pytest.mark.parametrize(("entry", "given", "url"), [
    *(("python-m", "option", url) for url in BAD_URLS),
    ("kiosk", "option", BAD_URLS[0]), ("kiosk", "option", BAD_URLS[3]),
    ("python-m", "environment", BAD_URLS[1]), ("kiosk", "environment", BAD_URLS[2])])
def test_a_url_that_is_not_postgresql_is_refused(
        tmp_path: Path, entry: str, given: str, url: str) -> None:
    data = tmp_path / "gw"
    args = ["--database", url] if given == "option" else []
    env = CLEAN_ENV | ({"DVC_GATEWAY_DATABASE": url} if given == "environment" else {})
    # timeout: on the old code the gateway started and served (on SQLite) until killed
    try:
        done = subprocess.run([*ENTRY_POINTS[entry], "--port", "0", "--data", str(data), *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=20, env=env,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the gateway started with database {url!r}: {exc.stdout!r}")
    assert done.returncode == 2, done.stdout + done.stderr
    lines = [line for line in (done.stdout + done.stderr).splitlines()
             if "password in --database" not in line]  # (the option's own warning)
    assert len(lines) == 1, lines
    assert lines[0].startswith("gateway: "), lines
    assert "postgresql://" in lines[0]
    assert SECRET not in done.stdout + done.stderr
    assert not data.exists()  # no SQLite gateway of its own


def test_gunicorn_refuses_it_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("DVC_GATEWAY_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DVC_GATEWAY_DATA", str(tmp_path / "gw"))
    monkeypatch.setenv("DVC_GATEWAY_DATABASE", BAD_URLS[0])
    with pytest.raises(DatabaseUrlError) as refused:
        wsgi.gateway_from_env().close()
    assert SECRET not in str(refused.value)
    assert not (tmp_path / "gw").exists()
