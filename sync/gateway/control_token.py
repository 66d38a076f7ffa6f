"""The token /_control/ asks for: a random secret in a file only the gateway's user can read.

Tests and the kiosk's simulation tools in the same process take it from ``RunningGateway``;
a tester's shell reads the file (``X-Control-Token: $(cat <data>/control.token)``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from sync.gateway.private import private_dir

CONTROL_TOKEN_FILE = "control.token"  # noqa: S105 (a file name, not a secret)
CONTROL_TOKEN_HEADER = "X-Control-Token"  # noqa: S105 (a header name)


def load_or_create_control_token(data_dir: Path) -> str:
    """The gateway's control token, made (0600, atomically) the first time."""
    path = data_dir / CONTROL_TOKEN_FILE
    with contextlib.suppress(FileNotFoundError):
        token = path.read_text("ascii").strip()
        if len(token) >= 32:
            return token
    private_dir(data_dir)
    token = secrets.token_urlsafe(32)
    tmp = path.with_name(f".{CONTROL_TOKEN_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, token.encode("ascii") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    tmp.replace(path)
    return token
