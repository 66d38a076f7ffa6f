"""Purging: after the gateway's ACK and a retention period, the personal content goes.

What stays is a tombstone: ids, code, kiosk_seq, manifest hash, document hashes and dates, so
staff and the gateway can still reconcile (``kiosk_seq`` stays allocated forever). The rows are
marked ``purged`` first and committed, then the files are deleted: a cut in between leaves
directories that the start-up sweep removes, because purged applications reference no file.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

from kiosk.store.applications import record_event
from kiosk.store.db import Store, iso_utc
from kiosk.store.files import fsync_dir
from kiosk.store.schema import ApplicationState

DEFAULT_RETENTION = timedelta(days=30)


def tombstone_manifest(manifest_json: str) -> str:
    """The sealed body without its encrypted payload (hashes, ids and dates remain)."""
    body = json.loads(manifest_json)
    body.pop("payload", None)
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def purge_acknowledged(store: Store, retention: timedelta = DEFAULT_RETENTION) -> int:
    """Purge applications acknowledged more than ``retention`` ago; returns how many."""
    now: datetime = store.clock()
    cutoff = iso_utc(now - retention)
    at = iso_utc(now)
    with store.write() as conn:
        rows = conn.execute(
            "SELECT application_id, manifest_json FROM applications "
            "WHERE state = ? AND purged_at IS NULL AND acked_at IS NOT NULL AND acked_at <= ? "
            "ORDER BY kiosk_seq",
            (ApplicationState.ACKED, cutoff),
        ).fetchall()
        for row in rows:
            application_id = row["application_id"]
            conn.execute(
                "UPDATE applications SET state = ?, purged_at = ?, updated_at = ?, "
                "manifest_json = ? WHERE application_id = ?",
                (
                    ApplicationState.PURGED,
                    at,
                    at,
                    tombstone_manifest(row["manifest_json"]),
                    application_id,
                ),
            )
            record_event(
                conn,
                application_id=application_id,
                at=at,
                from_state=ApplicationState.ACKED,
                to_state=ApplicationState.PURGED,
                detail=f"content purged after {retention.days} days of retention",
            )
    for row in rows:
        shutil.rmtree(store.docs_dir / row["application_id"], ignore_errors=True)
    if rows and store.docs_dir.is_dir():
        fsync_dir(store.docs_dir)
    return len(rows)
