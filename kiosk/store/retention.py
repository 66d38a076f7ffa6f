"""Purging: after the gateway's ACK and a retention period, the personal content goes.

The sync agent calls :func:`purge_expired` on every pass (``[store] retention_days``, 30 by
default). What stays is a tombstone: ids, code, kiosk_seq, procedure, manifest hash, document
ids, sizes and hashes, dates and the receipt number, so staff and the gateway can still reconcile
(``kiosk_seq`` stays allocated forever). What goes: the encrypted document files, the sealed
payload inside the stored manifest, the masked name and the officer's note.

The rows are marked ``purged`` first and committed (one transaction, through the store's one
``transition``), then the files are deleted: a cut in between leaves folders of purged
applications, which the start-up sweep removes (the row proves they are purged). Connections run
with ``PRAGMA secure_delete`` (the old values are overwritten, not just unlinked from the page),
and the WAL is checkpointed and truncated afterwards so no old page image of the row lingers.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from kiosk.store import core
from kiosk.store.db import Store
from kiosk.store.files import fsync_dir
from kiosk.store.schema import DOCS_DIRNAME, ApplicationState

DEFAULT_RETENTION: Final = timedelta(days=30)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeReport:
    """What one purge did (counts only)."""

    purged: int = 0
    folders_removed: int = 0


def tombstone_manifest(manifest_json: str) -> str:
    """The sealed body without its encrypted payload (hashes, ids and dates remain)."""
    body = json.loads(manifest_json)
    body.pop("payload", None)
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def purge_expired(
    conn: sqlite3.Connection, data_dir: Path, *, now: datetime, retention: timedelta = DEFAULT_RETENTION
) -> PurgeReport:
    """Purge applications acknowledged at least ``retention`` before ``now``.

    ``conn`` is a store connection (:func:`kiosk.store.core.connect`) outside any transaction;
    ``data_dir`` the folder of the database (documents live in ``data_dir/docs``).
    """
    cutoff = core.iso_utc(now - retention)
    at = core.iso_utc(now)
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("BEGIN IMMEDIATE")
    try:
        rows = conn.execute(
            "SELECT application_id, manifest_json FROM applications "
            "WHERE state = ? AND purged_at IS NULL AND acked_at IS NOT NULL AND acked_at <= ? "
            "ORDER BY kiosk_seq",
            (ApplicationState.ACKED, cutoff),
        ).fetchall()
        for row in rows:
            core.transition(
                conn, row["application_id"], ApplicationState.PURGED, at=at,
                detail=f"content purged after {retention.days} days of retention",
                expected_from=ApplicationState.ACKED,
                columns={
                    "purged_at": at,
                    "manifest_json": tombstone_manifest(row["manifest_json"]),
                    "masked_name": "",
                    "gateway_note_vi": None,
                },
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    if not rows:
        return PurgeReport()
    docs_dir = data_dir / DOCS_DIRNAME
    removed = 0
    for row in rows:
        folder = docs_dir / row["application_id"]
        if folder.parent == docs_dir and folder.is_dir():  # the row, committed above, proves it
            shutil.rmtree(folder)
            removed += 1
    if docs_dir.is_dir():
        fsync_dir(docs_dir)
    try:  # old page images of the rows must not stay in the WAL
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as exc:
        log.info("checkpoint after purge deferred: %s", type(exc).__name__)
    return PurgeReport(len(rows), removed)


def purge_acknowledged(store: Store, retention: timedelta = DEFAULT_RETENTION) -> int:
    """Purge through an open :class:`Store` (its clock); returns how many were purged."""
    with store.write_lock():
        report = purge_expired(store.conn, store.data_dir, now=store.clock(), retention=retention)
    return report.purged


def purged_count(conn: sqlite3.Connection) -> int:
    """How many applications are tombstones (for status and metrics)."""
    row = conn.execute("SELECT count(*) FROM applications WHERE purged_at IS NOT NULL").fetchone()
    return int(row[0])
