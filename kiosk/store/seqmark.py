"""The kiosk_seq high-water mark, kept outside the database too, so a code is never reused.

``counters.kiosk_seq`` in the database is the working counter. If the database is lost or
replaced (a bad copy, a restored backup, a technician's fresh start), that counter starts again
and the next application would reuse a code already printed on a citizen's slip and already
known to the gateway. So the highest number ever handed out is also kept in a small file beside
the database (``kiosk_seq.json``), written atomically and fsynced:

- ``reserved``: written *before* the sealing transaction inserts the row (so a number is on disk
  before it can be used);
- ``committed``: written after a commit made a number real (best effort: the reservation already
  protects it, this only tells a rolled-back reservation from a committed one).

The next number is ``counter + 1`` while the database is at least as far as ``committed``; a
database behind ``committed`` (replaced, restored) continues after everything ever reserved. A seal that rolls
back leaves ``reserved = counter + 1`` and the next seal reuses that number, so no gap appears
(the gateway acknowledges only a contiguous run of numbers).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from kiosk.store.files import atomic_write
from kiosk.store.schema import COUNTER_KIOSK_SEQ

MARK_NAME: Final = "kiosk_seq.json"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeqMark:
    """What the file says (zeros when it does not exist yet)."""

    reserved: int = 0
    committed: int = 0

    @property
    def highest(self) -> int:
        return max(self.reserved, self.committed)


def mark_path(db_path: Path) -> Path:
    """The mark beside the database file."""
    return Path(db_path).with_name(MARK_NAME)


def read_mark(path: Path) -> SeqMark:
    """The mark at ``path``; a missing file is an empty mark, an unreadable one raises ValueError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return SeqMark()
    try:
        body = json.loads(raw)
        return SeqMark(int(body["reserved"]), int(body["committed"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not a kiosk_seq mark ({exc})") from exc


def write_mark(path: Path, mark: SeqMark) -> None:
    """Replace the mark atomically and durably (temp, fsync, rename, directory fsync)."""
    body = json.dumps({"reserved": mark.reserved, "committed": mark.committed}, sort_keys=True)
    atomic_write(path.parent, path.name, (body + "\n").encode("ascii"))


def next_seq(counter: int, mark: SeqMark) -> int:
    """The number to hand out next, given the database's counter and the file's mark."""
    if counter < mark.committed:
        # The database is behind a number known to be committed: it was replaced or restored.
        # Whatever was reserved after that may have been committed too: continue after it all.
        return mark.highest + 1
    base = counter
    if mark.reserved > base + 1:
        # A number above base was reserved after base + 1 was already in use: this database
        # lost committed applications. Continue after everything ever reserved.
        return mark.reserved + 1
    return base + 1


def db_file(conn: sqlite3.Connection) -> Path | None:
    """The main database file of ``conn`` (None for an in-memory database)."""
    for row in conn.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return Path(row[2]) if row[2] else None
    return None


def _counter(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM counters WHERE name = ?", (COUNTER_KIOSK_SEQ,)).fetchone()
    return int(row[0]) if row is not None else 0


def reserve(conn: sqlite3.Connection) -> int:
    """Allocate the next kiosk_seq inside the caller's write transaction.

    The reservation reaches the disk before the number is returned; the counter update is
    rolled back with the transaction if sealing fails.
    """
    counter = _counter(conn)
    path = db_file(conn)
    mark = read_mark(mark_path(path)) if path is not None else SeqMark()
    seq = next_seq(counter, mark)
    if path is not None and seq > mark.reserved:
        write_mark(mark_path(path), SeqMark(reserved=seq, committed=mark.committed))
    conn.execute("UPDATE counters SET value = ? WHERE name = ?", (seq, COUNTER_KIOSK_SEQ))
    return seq


def note_committed(conn: sqlite3.Connection, known: int = 0) -> int:
    """After a commit: raise ``committed`` to the database's counter if it is behind.

    ``known`` is the counter the caller last saw noted (the file is read only when the counter
    moved past it). Returns the counter now noted. Never raises: the commit already happened
    and the reservation protects the number anyway.
    """
    try:
        counter = _counter(conn)
        path = db_file(conn)
        if path is None or counter <= known:
            return max(counter, known)
        where = mark_path(path)
        mark = read_mark(where)
        if counter > mark.committed:
            write_mark(where, SeqMark(reserved=max(mark.reserved, counter), committed=counter))
        return counter
    except (OSError, ValueError, sqlite3.Error) as exc:
        log.warning("kiosk_seq mark not updated after commit: %s", type(exc).__name__)
        return known

