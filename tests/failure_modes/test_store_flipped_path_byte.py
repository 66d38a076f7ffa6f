"""One flipped byte in ``documents.path`` must not make an intact document look orphaned.

The file's name is its doc_id and its folder its application_id, both kept in their own columns;
before the fix the sweep trusted ``path`` alone, flagged the application damaged and deleted the
real file as an orphan.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.store import get_application, open_store, sweep
from tests.failure_modes.store_cli import checkpoint, documents_snapshot, kiosk_with_applications, store_file


def _flip_one_path_byte(db: Path) -> str:
    """Flip one character of one stored document path in the raw file; returns that path."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        path = str(conn.execute("SELECT path FROM documents ORDER BY rowid LIMIT 1").fetchone()[0])
    finally:
        conn.close()
    checkpoint(db)
    raw = bytearray(db.read_bytes())
    where = raw.find(path.encode("ascii"))
    assert where >= 0
    assert raw.count(path.encode("ascii")) == 1
    at = where + len("docs/") + 3  # a hex digit of the application id
    raw[at] = ord("0") if raw[at] != ord("0") else ord("1")
    db.write_bytes(bytes(raw))
    return path


def test_a_flipped_byte_in_a_path_keeps_the_file_and_the_application_sound(tmp_path: Path) -> None:
    config = kiosk_with_applications(tmp_path, 2)
    before = documents_snapshot(config)
    db = store_file(config)
    original = _flip_one_path_byte(db)
    app_id = original.split("/")[1]

    with open_store(db) as store:
        assert store.query("SELECT count(*) FROM documents WHERE path = ?", (original,))[0][0] == 0
        sweep(store)
        assert documents_snapshot(config) == before
        record = get_application(store, app_id)
        assert record is not None
        assert record.damaged_reason is None
        # the sweep put the derived path back (the file is proven by its size and hash)
        assert store.query("SELECT count(*) FROM documents WHERE path = ?", (original,))[0][0] == 1
