"""Field staff's actions on a quarantined application: put it back in the queue.

A quarantined application waits for a person. When staff have fixed the cause (a key re-provisioned,
the gateway's operator told them it is safe), "retry" sets it back to ``queued`` so the agent sends it
again; "export" does the same and the staff screen then writes a USB bundle, which carries every
queued application. The state change, its ``application_events`` row and the ``audit_log`` row are
one ``BEGIN IMMEDIATE`` transaction, as the store's conventions require. The agent re-drives the
application from the gateway's answers (HEAD offsets, de-duplicated PUT), never from memory.

Command line: ``kiosk sync retry CODE`` calls :func:`retry_cli`.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from kiosk.store import core
from kiosk.store import schema as s
from kiosk.store.errors import StoreError, classify
from kiosk.store.health import check_existing_store
from kiosk.store.schema import ApplicationState as St


class StaffActionError(Exception):
    """The action cannot be done (unknown code, not quarantined); the message says why."""


@dataclass(frozen=True)
class Requeued:
    application_id: str
    application_code: str
    kiosk_seq: int
    previous_reason: str
    damaged: bool  # the start-up sweep found its files damaged: the agent will not send it


def requeue_quarantined(
    db_path: Path,
    code_or_id: str,
    *,
    actor: str = "staff",
    why: str = "retry",
    clock: Callable[[], float] = time.time,
) -> Requeued:
    """Set one quarantined application back to ``queued`` (by application code or id)."""
    key = code_or_id.strip()
    if not key:
        raise StaffActionError("give an application code (like K01-000123-4)")
    check_existing_store(db_path)  # missing, empty, damaged or new: refused, left as it is
    try:
        db = core.connect(db_path, create=False)
    except sqlite3.Error as exc:
        unavailable = classify(exc)
        if unavailable is None:
            raise
        raise unavailable from exc
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            done = _requeue(db, key, actor, why, core.iso_from_epoch(clock()))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return done
    finally:
        db.close()


def _requeue(db: sqlite3.Connection, key: str, actor: str, why: str, now: str) -> Requeued:
    row = db.execute(
        f"SELECT application_id, application_code, kiosk_seq, state, quarantine_reason, "
        f"damaged_reason FROM {s.APPLICATIONS} WHERE application_code = ? OR application_id = ?",
        (key, key),
    ).fetchone()
    if row is None:
        raise StaffActionError(f"no application {key} in this kiosk's store")
    app_id, code, seq, state, reason, damaged = row
    if state != St.QUARANTINED:
        raise StaffActionError(f"{code} is {state}, not quarantined: nothing to retry")
    core.transition(
        db, str(app_id), St.QUEUED, at=now, detail=f"{actor}: {why} (was: {reason or '-'})",
        expected_from=St.QUARANTINED,
        columns={"quarantine_reason": None, "attempts": 0, "next_attempt_at": None,
                 "last_error": None},
    )
    db.execute(
        f"INSERT INTO {s.AUDIT_LOG}(at, actor, action, detail) VALUES (?, ?, ?, ?)",
        (now, actor, f"sync.{why}", f"{code} #{seq}"),
    )
    return Requeued(str(app_id), str(code), int(seq), str(reason or ""), damaged is not None)


def retry_cli(db_path: Path, code: str, out: TextIO = sys.stdout, *, actor: str = "staff-cli") -> int:
    """``kiosk sync retry CODE``: 0 requeued, 2 refused (the reason is printed)."""
    try:
        done = requeue_quarantined(db_path, code, actor=actor)
    except StaffActionError as exc:
        out.write(f"retry refused: {exc}\n")
        return 2
    except StoreError as exc:
        out.write(f"retry refused: {exc}\n")
        return 2
    out.write(f"{done.application_code} (#{done.kiosk_seq}) is queued again; "
              f"it was quarantined for: {done.previous_reason or '-'}\n")
    if done.damaged:
        out.write("WARNING: its files are damaged; the agent will not send it until they are back\n")
    return 0
