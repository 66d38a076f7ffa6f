"""The gateway's files are its own whatever the umask it was started with.

`kiosk gateway serve` runs under the kiosk CLI's umask 077, but `python -m sync.gateway` and
gunicorn keep the caller's (usually 022). The gateway's database holds live OTP codes and the
identities VNeID tokens stand for, and its folder every upload: what the gateway creates is
0700 (folders) and 0600 (files), and the database of an older gateway is tightened to 0600.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """``path`` as a folder; each level this call creates is 0700 (one that exists is left)."""
    missing: list[Path] = []
    at = path
    while not at.exists():
        missing.append(at)
        at = at.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another thread or process made it at the same moment
        folder.chmod(DIR_MODE)  # mkdir's mode went through the umask
    return path


def private_file(path: Path) -> Path:
    """``path`` exists (created empty if missing) and is 0600, whoever made it before."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    if path.stat().st_mode & 0o777 != FILE_MODE:
        path.chmod(FILE_MODE)
    return path


def tighten(path: Path) -> None:
    """An existing file (an older gateway's) made 0600; a missing one is left missing."""
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_mode & 0o777 != FILE_MODE:
            path.chmod(FILE_MODE)


def open_private(path: Path, flags: int) -> int:
    """``os.open`` that creates the file 0600 (``flags`` without O_CREAT are passed as they are)."""
    return os.open(path, flags, FILE_MODE)
