"""Checks before the store is used: refuse a lost, replaced or damaged database, touch nothing.

A kiosk that opens a fresh or broken database next to existing document folders must not go on:
its start-up sweep would take every sealed document for an orphan, and its kiosk_seq would start
again at 1. These checks run before anything is written and raise ``StoreRefusedError`` with one
line for the technician.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

from kiosk.store import core
from kiosk.store.errors import StoreRefusedError, classify
from kiosk.store.files import is_temp_name
from kiosk.store.schema import DOCS_DIRNAME
from kiosk.store.seqmark import mark_path, read_mark

SQLITE_HEADER: Final = b"SQLite format 3\x00"

RESTORE_TODO: Final = (
    "stop the kiosk and restore {name} from a backup; if there is none, move {docs} aside "
    "(never delete it) and call the vendor"
)


def application_folders(docs_dir: Path) -> list[Path]:
    """The application folders under ``docs/`` (temp files and stray files are not counted)."""
    if not docs_dir.is_dir():
        return []
    return sorted(p for p in docs_dir.iterdir() if p.is_dir() and not is_temp_name(p.name))


def _refuse_new(path: Path, how: str, folders: int) -> StoreRefusedError:
    docs = path.parent / DOCS_DIRNAME
    return StoreRefusedError(
        f"{path} is {how} but {docs} holds {folders} sealed application folder(s)",
        RESTORE_TODO.format(name=path.name, docs=docs),
    )


def damaged_store(path: Path, detail: str) -> StoreRefusedError:
    docs = path.parent / DOCS_DIRNAME
    return StoreRefusedError(
        f"{path} is damaged ({detail})",
        "stop the kiosk, copy the whole data folder for the vendor, then restore "
        f"{path.name} from a backup; do not delete {docs}",
    )


def check_before_open(path: Path) -> None:
    """Refuse a missing or empty file while documents exist, a file that is not SQLite, and an
    unreadable kiosk_seq mark. Reads only."""
    folders = len(application_folders(path.parent / DOCS_DIRNAME))
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        header = None
    except IsADirectoryError:
        raise damaged_store(path, "it is a folder, not a file") from None
    if header is None and folders:
        raise _refuse_new(path, "missing", folders)
    if header == b"" and folders:
        raise _refuse_new(path, "empty (0 bytes)", folders)
    if header and header != SQLITE_HEADER:
        raise damaged_store(path, "not an SQLite database")
    try:
        read_mark(mark_path(path))
    except ValueError as exc:
        raise StoreRefusedError(
            f"{mark_path(path)} (the kiosk_seq high-water mark) is unreadable: {exc}",
            "stop the kiosk and call the vendor: the next application code cannot be chosen safely",
        ) from exc


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that fails ``PRAGMA integrity_check`` or is new while documents exist."""
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc):
            raise  # locked, I/O: the environment, classified by the caller
        raise damaged_store(path, str(exc)) from exc
    verdict = [str(r[0]) for r in rows]
    if verdict != ["ok"]:
        raise damaged_store(path, f"integrity check: {verdict[0][:120]}")
    folders = len(application_folders(path.parent / DOCS_DIRNAME))
    if version == 0 and folders:
        raise _refuse_new(path, "a new, empty database", folders)


def check_existing_store(path: Path) -> None:
    """For tools that read an existing store (``kiosk sync status``, the agent): refuse, in one
    line, a missing data folder or file and anything :func:`check_before_open` or
    :func:`check_integrity` refuses. Opens the file without creating anything."""
    check_existing_file(path)
    try:
        conn = core.connect(path, create=False)
        try:
            check_integrity(conn, path)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if not isinstance(exc, sqlite3.OperationalError):
            raise damaged_store(path, str(exc)) from exc
        unavailable = classify(exc, path.parent)
        if unavailable is None:
            raise
        raise unavailable from exc


def check_existing_file(path: Path) -> None:
    """What must hold before SQLite may open ``path`` for a tool that never creates a store:
    its folder and a non-empty SQLite file exist (:func:`check_before_open`'s rules too).

    SQLite itself must not be the first to look: opening a 0-byte file and setting WAL mode
    writes a new, empty database into it, and the evidence that the disk lost the file is gone.
    Reads only."""
    if not path.parent.is_dir():
        raise StoreRefusedError(
            f"the data folder {path.parent} does not exist",
            "check paths.data_dir in the kiosk configuration (the kiosk creates it on first start)",
        )
    check_before_open(path)
    if not path.exists():
        raise StoreRefusedError(
            f"{path} does not exist yet",
            "start the kiosk once to create it, or check paths.data_dir in the configuration",
        )
    if path.stat().st_size == 0:
        raise StoreRefusedError(
            f"{path} is empty (0 bytes)", "start the kiosk once to create the store"
        )
