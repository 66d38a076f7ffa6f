"""Where the gateway's PostgreSQL URL comes from, so its password need not be in the process list.

Every user of a machine can read every process's command line (``ps -ef``, /proc/PID/cmdline),
so ``--database postgresql://user:password@host/db`` shows the password to all of them. The
URL (or its password) can come instead, for every entry point (``python -m sync.gateway``,
``kiosk gateway serve``, gunicorn's ``sync.gateway.wsgi``), from:

- ``$DVC_GATEWAY_DATABASE``: systemd ``EnvironmentFile=`` (a root-owned 0600 file; not
  ``Environment=``, which ``systemctl show`` tells any user);
- a file holding the URL: ``--database-file PATH`` or ``$DVC_GATEWAY_DATABASE_FILE``
  (systemd ``LoadCredential=database:/etc/...`` with ``DVC_GATEWAY_DATABASE_FILE=%d/database``);
- libpq itself, for a URL with no password: ``PGPASSFILE`` (or ``~/.pgpass``, mode 0600),
  ``PGPASSWORD``, ``PGSERVICEFILE``; psycopg hands the URL to libpq as it is.

The first found wins, in that order after ``--database``; a password given on the command line
still works, with one warning line on stderr.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sync.gateway.sql import is_postgres_url

ENV_DATABASE = "DVC_GATEWAY_DATABASE"
ENV_DATABASE_FILE = "DVC_GATEWAY_DATABASE_FILE"
MAX_URL_FILE = 64 * 1024

COMMAND_LINE_WARNING = (
    "gateway: warning: the password in --database can be read by every user of this machine "
    "in the process list; give it in PGPASSFILE, or the URL in $DVC_GATEWAY_DATABASE "
    "(EnvironmentFile=) or a file (--database-file, $DVC_GATEWAY_DATABASE_FILE, LoadCredential=)")


class DatabaseUrlError(Exception):
    """The file that should hold the database URL cannot be read: one line for the operator."""


def has_password(url: str) -> bool:
    """Whether a ``postgresql://`` URL carries a password (in its user part or its query)."""
    try:
        parts = urlsplit(url)
        in_user = parts.password is not None
    except ValueError:
        return "@" in url  # unparsable: say so rather than stay silent
    return in_user or "password" in parse_qs(parts.query)


def read_url_file(path: Path) -> str:
    """The URL in ``path`` (surrounding blank space and a final newline dropped)."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_URL_FILE + 1)
    except OSError as exc:
        raise DatabaseUrlError(
            f"cannot read the database URL from {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_URL_FILE:
        raise DatabaseUrlError(f"{path} is larger than a database URL ({MAX_URL_FILE} bytes)")
    try:
        url = raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise DatabaseUrlError(f"{path} is not UTF-8 text") from exc
    if not url or "\n" in url:
        raise DatabaseUrlError(f"{path} must hold one line: postgresql://...")
    return url


def database_url_from(option: str | None = None, option_file: Path | None = None,
                 environ: Mapping[str, str] | None = None) -> str | None:
    """The URL from ``--database``, ``--database-file``, ``$DVC_GATEWAY_DATABASE_FILE`` or
    ``$DVC_GATEWAY_DATABASE``, the first given; None: SQLite in the data folder. A URL that
    is not PostgreSQL's raises DatabaseUrlError."""
    env = os.environ if environ is None else environ
    if option:
        url = option
    elif option_file is not None:
        url = read_url_file(option_file)
    elif env.get(ENV_DATABASE_FILE):
        url = read_url_file(Path(env[ENV_DATABASE_FILE]))
    else:
        url = env.get(ENV_DATABASE) or ""
    if url and not is_postgres_url(url):
        # never "no database" in disguise: a typo would start a SQLite gateway of its own
        start = url.split(":", 1)[0][:24]  # (never the rest: it may hold the password)
        raise DatabaseUrlError(f"the database must be a postgresql://... URL, not one that "
                               f"starts {start!r}; without one the rows are in SQLite in the "
                               "data folder")
    return url or None
