"""Durable file writes: a file is either absent or complete, even across a power cut.

Write a temp name in the same directory, fsync it, rename it over the final name, then fsync the
directory so the rename itself is on disk. A crash leaves at most a ``*.tmp`` file, which the
start-up sweep deletes.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from kiosk.store.schema import TEMP_SUFFIX

FileWriter = Callable[[Path, str, bytes], Path]
"""``(directory, name, data) -> final path``: what sealing calls; tests inject faulty ones."""


def fsync_dir(directory: Path) -> None:
    """Make the directory's entries (creations, renames, deletions) durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def ensure_dir(directory: Path, mode: int = PRIVATE_DIR_MODE) -> None:
    """Create ``directory`` (and parents) durably, readable by the kiosk's user only (0700
    whatever the umask): each new entry's parent is fsynced."""
    if directory.is_dir():
        return
    ensure_dir(directory.parent, mode)
    try:
        directory.mkdir(mode=mode)
    except FileExistsError:
        return
    directory.chmod(mode)  # mkdir's mode is filtered by the umask; this one is exact
    fsync_dir(directory.parent)


def make_private(path: Path, mode: int = PRIVATE_FILE_MODE) -> None:
    """Tighten an existing file or folder to ``mode`` when group or others have any access."""
    with suppress(FileNotFoundError):
        if path.stat().st_mode & 0o077:
            path.chmod(mode)


def temp_name(name: str) -> str:
    """A unique temp name for ``name`` that the sweep recognises."""
    return f".{name}.{uuid.uuid4().hex}{TEMP_SUFFIX}"


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is one of :func:`temp_name`'s (left behind by a crash)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def atomic_write(directory: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``directory/name`` atomically and durably; returns the final path.

    On any failure (``ENOSPC`` included) the temp file is removed and the error propagates.
    """
    if "/" in name or name in {"", ".", ".."} or is_temp_name(name):
        raise ValueError(f"not a plain file name: {name!r}")
    ensure_dir(directory)
    tmp = directory / temp_name(name)
    final = directory / name
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        tmp.replace(final)
    except BaseException:
        with suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(directory)
    return final
