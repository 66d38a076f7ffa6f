"""Two kinds of storage failure, kept apart: the environment's and our own.

A full disk, a read-only remount or a lock held too long is the kiosk's environment failing: the
UI says "the kiosk cannot save right now, please see an officer" and the technician gets the
detail. Anything else (a constraint violated, bad SQL) is a bug and propagates unchanged, loudly.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from enum import StrEnum
from pathlib import Path


class Unavailability(StrEnum):
    """Why the store cannot be used right now."""

    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    BUSY = "busy"
    IO_ERROR = "io_error"
    CANNOT_OPEN = "cannot_open"


_MESSAGES = {
    Unavailability.DISK_FULL: "the kiosk's disk is full",
    Unavailability.READ_ONLY: "the kiosk's storage is read-only",
    Unavailability.BUSY: "the kiosk's database is locked by another process",
    Unavailability.IO_ERROR: "the kiosk's storage reported an I/O error",
    Unavailability.CANNOT_OPEN: "the kiosk's database cannot be opened",
}


_TODO = {
    Unavailability.DISK_FULL: "free space on the kiosk's disk (df -h), then try again",
    Unavailability.READ_ONLY: "check that the disk is mounted read-write and the data folder "
                              "belongs to the kiosk's user",
    Unavailability.BUSY: "another kiosk process holds the database: try again in a minute",
    Unavailability.IO_ERROR: "the storage may be failing or full: check df -h, copy the data "
                             "folder for the vendor",
    Unavailability.CANNOT_OPEN: "check paths.data_dir in the configuration and the folder's "
                                "permissions",
}


class StoreError(Exception):
    """Base of the store's own errors."""


class StoreUnavailable(StoreError):  # noqa: N818 (the name the other packages use)
    """The environment (disk, permissions, another process) stops the store; not a bug."""

    def __init__(self, reason: Unavailability, detail: str) -> None:
        super().__init__(f"{_MESSAGES[reason]} ({detail}); {_TODO[reason]}")
        self.reason = reason
        self.detail = detail


class StoreTooNewError(StoreError):
    """The file was written by a newer kiosk; refusing beats silently misreading it."""


class StoreRefusedError(StoreError):
    """The store is not safe to use (lost, replaced, damaged): the kiosk refuses to start.

    The message is one line for the technician: what is wrong, what to do, and that nothing was
    changed (the refusal comes before any write, so the documents and the file are as found).
    """

    def __init__(self, what: str, todo: str) -> None:
        super().__init__(f"{what}; {todo}; nothing was changed")
        self.what = what
        self.todo = todo


class UnknownApplicationError(StoreError):
    """No application with that id or code."""


class StateConflictError(StoreError):
    """A transition expected another current state (another process moved it first)."""


_SQLITE_REASONS = {
    "SQLITE_FULL": Unavailability.DISK_FULL,
    "SQLITE_READONLY": Unavailability.READ_ONLY,
    "SQLITE_BUSY": Unavailability.BUSY,
    "SQLITE_LOCKED": Unavailability.BUSY,
    "SQLITE_IOERR": Unavailability.IO_ERROR,
    "SQLITE_CANTOPEN": Unavailability.CANNOT_OPEN,
    "SQLITE_PERM": Unavailability.READ_ONLY,
}

_ERRNO_REASONS = {
    errno.ENOSPC: Unavailability.DISK_FULL,
    errno.EDQUOT: Unavailability.DISK_FULL,
    errno.EROFS: Unavailability.READ_ONLY,
    errno.EACCES: Unavailability.READ_ONLY,
    errno.EPERM: Unavailability.READ_ONLY,
    errno.EIO: Unavailability.IO_ERROR,
}


FULL_BELOW_BYTES = 1 << 20
"""A filesystem with less free space than this counts as full when SQLite reports an I/O error
(it says "disk I/O error", not "disk full", when it cannot grow its shared-memory file)."""


def _nearly_full(where: Path) -> bool:
    try:
        return shutil.disk_usage(where).free < FULL_BELOW_BYTES
    except OSError:
        return False


def classify(exc: BaseException, where: Path | None = None) -> StoreUnavailable | None:
    """The environment failure ``exc`` stands for, or None when it is a bug.

    ``where`` (the data folder) lets an SQLite I/O error on a full filesystem be told as such.
    """
    if isinstance(exc, StoreUnavailable):
        return exc
    if isinstance(exc, sqlite3.OperationalError):
        name = getattr(exc, "sqlite_errorname", "") or ""
        reason = _SQLITE_REASONS.get("_".join(name.split("_")[:2]))
        if reason is None and "disk is full" in str(exc):
            reason = Unavailability.DISK_FULL
        if reason is Unavailability.IO_ERROR and where is not None and _nearly_full(where):
            reason = Unavailability.DISK_FULL
        return None if reason is None else StoreUnavailable(reason, f"{name}: {exc}")
    if isinstance(exc, OSError) and exc.errno in _ERRNO_REASONS:
        return StoreUnavailable(_ERRNO_REASONS[exc.errno], f"{type(exc).__name__}: {exc}")
    return None
