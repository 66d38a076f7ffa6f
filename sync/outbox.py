"""The one place the sync agent touches the kiosk's SQLite store.

Every write is one ``BEGIN IMMEDIATE`` transaction, and a state change is written together with
its ``application_events`` row *before* the action it announces: if the power goes mid-upload, the
row says "uploading" and a restart re-drives the application from what the store and the
gateway's HEAD say, never from memory. Table and column names come from
``kiosk.store.schema`` (the only kiosk module sync may import).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.store import core
from kiosk.store import schema as s
from kiosk.store.errors import classify
from kiosk.store.health import check_existing_file, check_integrity, damaged_store
from kiosk.store.retention import purge_expired, purged_count
from kiosk.store.schema import ApplicationState as St

BUSY_TIMEOUT_MS = core.BUSY_TIMEOUT_MS
STALE_SEALED_S = 600.0

SENDABLE: tuple[St, ...] = (St.QUEUED, St.UPLOADING, St.COMMITTING, St.RETRY_WAIT, St.EXPORTED)
"""States the agent pushes online. EXPORTED is included: an online push is de-duplicated at the
gateway, so a bundle still on its way never blocks the link from confirming the application."""

WAITING: tuple[St, ...] = (St.SEALED, *SENDABLE)

_TABLES = {
    s.APPLICATIONS: "applications", s.DOCUMENTS: "documents",
    s.APPLICATION_EVENTS: "application_events", s.SYNC_STATE: "sync_state",
    s.RATINGS: "ratings", s.QUEUE_TICKETS: "queue_tickets", s.AUDIT_LOG: "audit_log",
}
if any(k != v for k, v in _TABLES.items()):  # the SQL below is literal, so it must agree
    raise RuntimeError(f"kiosk.store.schema renamed a table: {_TABLES}")


def _json_list(states: Sequence[St]) -> str:
    return json.dumps([str(x) for x in states])


iso = core.iso_from_epoch
"""The store's time format (:mod:`kiosk.store.core`) from the agent's epoch seconds."""

parse_iso = core.epoch_from_iso


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    size: int
    sha256: str
    path: Path  # absolute
    upload_offset: int
    uploaded: bool


@dataclass(frozen=True)
class PendingApplication:
    application_id: str
    kiosk_seq: int
    state: St
    manifest_json: str
    manifest_sha256: str
    attempts: int


@dataclass(frozen=True)
class QuarantinedApplication:
    application_id: str
    kiosk_seq: int
    application_code: str
    reason: str


@dataclass(frozen=True)
class RetryingApplication:
    application_id: str
    kiosk_seq: int
    application_code: str
    last_error: str
    next_attempt_at: str | None


class Outbox:
    """A connection to the store with the agent's reads and writes. Close it (or use ``with``)."""

    def __init__(self, db_path: Path, clock: Callable[[], float]) -> None:
        self.db_path = Path(db_path)
        self.data_dir = self.db_path.parent
        self._clock = clock
        # An existing store only: the agent never creates one (the kiosk would take an empty
        # file for a new store). A missing or empty file is refused before SQLite opens it.
        check_existing_file(self.db_path)  # before SQLite writes a header into a 0-byte file
        try:
            self._db = core.connect(self.db_path, create=False)
            try:  # a damaged store is refused here as at the kiosk's start, never worked on
                check_integrity(self._db, self.db_path)
            except BaseException:
                self._db.close()
                raise
        except sqlite3.Error as exc:
            if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
                raise damaged_store(self.db_path, str(exc)) from exc  # garbage: one line, not a traceback
            unavailable = classify(exc, self.data_dir)
            if unavailable is None:
                raise
            raise unavailable from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now_iso(self) -> str:
        return iso(self._clock())

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- sync_state ------------------------------------------------------------------------
    def get_state(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM sync_state WHERE key = ?",
                               (key,)).fetchone()
        return None if row is None else row[0]

    def _put_state(self, db: sqlite3.Connection, key: str, value: str | None) -> None:
        db.execute(
            "INSERT INTO sync_state(key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            (key, value, self.now_iso()))

    def set_state(self, key: str, value: str | None) -> None:
        with self._tx() as db:
            self._put_state(db, key, value)

    def swap_states(self, keys: Sequence[str],
                    decide: Callable[[dict[str, str | None]], dict[str, str | None] | None],
                    ) -> bool:
        """Atomically read ``keys``, let ``decide`` return new values (or None to leave them).

        The lease's compare-and-set: two agents racing for it serialise on BEGIN IMMEDIATE.
        """
        with self._tx() as db:
            current = {
                k: (r[0] if (r := db.execute(
                    "SELECT value FROM sync_state WHERE key = ?", (k,)).fetchone())
                    else None)
                for k in keys
            }
            new = decide(current)
            if new is None:
                return False
            for k, v in new.items():
                self._put_state(db, k, v)
            return True

    # -- applications ----------------------------------------------------------------------
    def promote_sealed(self, older_than_s: float = STALE_SEALED_S) -> int:
        """Queue sealed rows the kiosk left behind (a crash between its two commits).

        Only stale ones: the kiosk moves a fresh row sealed -> queued itself with a
        compare-and-set, which must not find the agent got there first.
        """
        cutoff = iso(self._clock() - older_than_s)
        with self._tx() as db:
            rows = db.execute(
                "SELECT application_id FROM applications WHERE state = ? "
                "AND damaged_reason IS NULL AND updated_at < ? ORDER BY kiosk_seq",
                (St.SEALED, cutoff)).fetchall()
            for (app_id,) in rows:
                self._transition(db, app_id, St.SEALED, St.QUEUED,
                                 "sealed row left behind: queued by the agent")
        return len(rows)

    def next_retry_at(self) -> float | None:
        """When the earliest application in retry-wait may go again (None: none waiting)."""
        row = self._db.execute(
            "SELECT MIN(next_attempt_at) FROM applications WHERE state IN "
            "(SELECT value FROM json_each(?)) AND damaged_reason IS NULL "
            "AND next_attempt_at IS NOT NULL", (_json_list(SENDABLE),)).fetchone()
        return None if row is None or row[0] is None else parse_iso(row[0])

    def next_sendable(self, after_seq: int = 0) -> PendingApplication | None:
        """The first application in kiosk order that may be sent now."""
        row = self._db.execute(
            "SELECT application_id, kiosk_seq, state, manifest_json, manifest_sha256, attempts "
            "FROM applications WHERE state IN (SELECT value FROM json_each(?)) AND damaged_reason IS NULL "
            "AND kiosk_seq > ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?) "
            "ORDER BY kiosk_seq LIMIT 1",
            (_json_list(SENDABLE), after_seq, self.now_iso())).fetchone()
        if row is None:
            return None
        return PendingApplication(row[0], row[1], St(row[2]), row[3], row[4], row[5])

    def _state_of(self, db: sqlite3.Connection, app_id: str) -> St:
        row = db.execute("SELECT state FROM applications WHERE application_id = ?",
                         (app_id,)).fetchone()
        if row is None:
            raise KeyError(app_id)
        return St(row[0])

    def _transition(self, db: sqlite3.Connection, app_id: str, old: St, new: St, detail: str,
                    **columns: object) -> None:
        """The store's one transition (legal-move table, event row); ``old`` is compared."""
        core.transition(db, app_id, new, at=self.now_iso(), detail=detail, expected_from=old,
                        columns=columns)

    def transition(self, app_id: str, new: St, detail: str = "", **columns: object) -> None:
        """Write the new state and its event row (before the action it announces)."""
        with self._tx() as db:
            old = self._state_of(db, app_id)
            if old == new and not columns:
                return
            self._transition(db, app_id, old, new, detail, **columns)

    def retry_later(self, app_id: str, at: float, error: str) -> None:
        with self._tx() as db:
            old = self._state_of(db, app_id)
            db.execute(
                "UPDATE applications SET attempts = attempts + 1, next_attempt_at = ?, "
                "last_error = ?, updated_at = ? WHERE application_id = ?",
                (iso(at), error[:500], self.now_iso(), app_id))
            if old is not St.RETRY_WAIT:
                self._transition(db, app_id, old, St.RETRY_WAIT, error)

    def clear_retry(self) -> None:
        """"Send now": every waiting application may go at once."""
        with self._tx() as db:
            db.execute("UPDATE applications SET next_attempt_at = NULL "
                       "WHERE next_attempt_at IS NOT NULL")

    def quarantine(self, app_id: str, reason: str) -> None:
        self.transition(app_id, St.QUARANTINED, reason, quarantine_reason=reason[:500])

    def received(self, app_id: str, receipt_no: str | None, gateway_state: str) -> None:
        self.transition(app_id, St.RECEIVED, f"receipt {receipt_no}", receipt_no=receipt_no,
                        gateway_state=gateway_state, gateway_updated_at=self.now_iso(),
                        next_attempt_at=None, last_error=None)

    # -- documents -------------------------------------------------------------------------
    def documents(self, app_id: str) -> list[DocumentRow]:
        rows = self._db.execute(
            "SELECT doc_id, size, sha256, path, upload_offset, uploaded_at FROM documents "
            "WHERE application_id = ? ORDER BY doc_id", (app_id,)).fetchall()
        # The file's place is derived from the ids (the path column is only a copy of it): a
        # damaged column can neither hide a document nor point the agent outside docs/.
        return [DocumentRow(r[0], r[1], r[2], self.data_dir / s.DOCS_DIRNAME / app_id / r[0],
                            r[4], r[5] is not None)
                for r in rows]

    def save_offset(self, app_id: str, doc_id: str, offset: int, *, done: bool = False) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE documents SET upload_offset = ?, uploaded_at = ? "
                "WHERE application_id = ? AND doc_id = ?",
                (offset, self.now_iso() if done else None, app_id, doc_id))

    # -- status pull-back and ack ------------------------------------------------------------
    def apply_status(self, items: Iterable[dict[str, object]]) -> int:
        n = 0
        with self._tx() as db:
            for item in items:
                cur = db.execute(
                    "UPDATE applications SET gateway_state = ?, gateway_note_vi = ?, "
                    "gateway_updated_at = ?, updated_at = ? WHERE application_id = ?",
                    (item.get("state"), item.get("note_vi"), item.get("updated_at"),
                     self.now_iso(), item.get("application_id")))
                n += cur.rowcount
        return n

    def apply_ack(self, highest_contiguous: int, missing: Sequence[int]) -> tuple[int, int]:
        """Mark received applications covered by the gateway's ack; re-queue ones it lost.

        Returns (acked, requeued).
        """
        lost = set(missing)
        acked = requeued = 0
        with self._tx() as db:
            rows = db.execute(
                "SELECT application_id, kiosk_seq, state FROM applications "
                "WHERE state IN (?, ?)", (St.RECEIVED, St.ACKED)).fetchall()
            for app_id, seq, state in rows:
                if seq in lost:
                    self._transition(db, app_id, St(state), St.QUEUED,
                                     "gateway ack lists it missing: sending again")
                    db.execute("UPDATE documents SET upload_offset = 0, uploaded_at = NULL"
                               " WHERE application_id = ?", (app_id,))
                    requeued += 1
                elif state == St.RECEIVED and seq <= highest_contiguous:
                    self._transition(db, app_id, St.RECEIVED, St.ACKED, "gateway ack",
                                     acked_at=self.now_iso())
                    acked += 1
        return acked, requeued

    # -- ratings and tickets ----------------------------------------------------------------
    def unsent_ratings(self, limit: int = 500) -> list[dict[str, object]]:
        rows = self._db.execute(
            "SELECT rating_id, at, procedure_code, score FROM ratings WHERE sent_at IS NULL "
            "ORDER BY at LIMIT ?", (limit,)).fetchall()
        # The protocol wants a non-empty procedure_code; a tap not tied to one says "-".
        return [{"rating_id": r[0], "at": r[1], "procedure_code": r[2] or "-", "score": r[3]}
                for r in rows]

    def mark_ratings_sent(self, rating_ids: Iterable[str]) -> None:
        with self._tx() as db:
            db.executemany("UPDATE ratings SET sent_at = ? WHERE rating_id = ?",
                           [(self.now_iso(), r) for r in rating_ids])

    def unsent_ticket_counts(self) -> list[dict[str, object]]:
        """Counts per (day, field) of tickets not yet reported: no personal data at all."""
        rows = self._db.execute(
            "SELECT day, field, COUNT(*), MAX(number) FROM queue_tickets "
            "WHERE sent_at IS NULL GROUP BY day, field ORDER BY day, field").fetchall()
        return [{"day": r[0], "field": r[1], "count": r[2], "max_number": r[3]} for r in rows]

    def mark_tickets_sent(self, days_fields: Iterable[tuple[str, str]]) -> None:
        with self._tx() as db:
            db.executemany("UPDATE queue_tickets SET sent_at = ? WHERE day = ? "
                           "AND field = ? AND sent_at IS NULL",
                           [(self.now_iso(), d, f) for d, f in days_fields])

    # -- retention ----------------------------------------------------------------------------
    def purge_acknowledged(self, retention_days: float) -> int:
        """Purge the content of applications acknowledged ``retention_days`` ago or more
        (tombstones stay; see :mod:`kiosk.store.retention`). Returns how many were purged."""
        now = datetime.fromtimestamp(self._clock(), UTC)
        report = purge_expired(self._db, self.data_dir, now=now,
                               retention=timedelta(days=retention_days))
        return report.purged

    def purged_count(self) -> int:
        return purged_count(self._db)

    # -- status report ------------------------------------------------------------------------
    def counts_by_state(self) -> dict[str, int]:
        rows = self._db.execute("SELECT state, COUNT(*) FROM applications GROUP BY state")
        return {r[0]: r[1] for r in rows.fetchall()}

    def oldest_waiting(self) -> str | None:
        row = self._db.execute("SELECT MIN(confirmed_at) FROM applications "
                               "WHERE state IN (SELECT value FROM json_each(?))",
                               (_json_list(WAITING),)).fetchone()
        return None if row is None else row[0]

    def quarantined(self) -> list[QuarantinedApplication]:
        rows = self._db.execute(
            "SELECT application_id, kiosk_seq, application_code, quarantine_reason "
            "FROM applications WHERE state = ? ORDER BY kiosk_seq", (St.QUARANTINED,))
        return [QuarantinedApplication(r[0], r[1], r[2], r[3] or "") for r in rows.fetchall()]

    def retrying(self) -> list[RetryingApplication]:
        rows = self._db.execute(
            "SELECT application_id, kiosk_seq, application_code, last_error, next_attempt_at "
            "FROM applications WHERE state = ? ORDER BY kiosk_seq", (St.RETRY_WAIT,))
        return [RetryingApplication(r[0], r[1], r[2], r[3] or "", r[4]) for r in rows.fetchall()]

    # -- bundles ------------------------------------------------------------------------------
    def exportable(self) -> list[tuple[PendingApplication, list[DocumentRow]]]:
        """Everything not yet confirmed by the gateway, in kiosk order (quarantined excluded)."""
        rows = self._db.execute(
            "SELECT application_id, kiosk_seq, state, manifest_json, manifest_sha256, attempts "
            "FROM applications WHERE state IN (SELECT value FROM json_each(?)) AND damaged_reason IS NULL "
            "ORDER BY kiosk_seq", (_json_list(WAITING),)).fetchall()
        return [(PendingApplication(r[0], r[1], St(r[2]), r[3], r[4], r[5]),
                 self.documents(r[0])) for r in rows]

    def mark_exported(self, app_ids: Iterable[str], bundle: str) -> None:
        with self._tx() as db:
            for app_id in app_ids:
                old = self._state_of(db, app_id)
                if old in WAITING:
                    self._transition(db, app_id, old, St.EXPORTED, f"bundle {bundle}",
                                     exported_bundle=bundle)

    def mark_acked_by_file(self, items: Iterable[tuple[str, str, str, str | None]],
                           bundle: str) -> int:
        """Apply ACK items (application_id, manifest_sha256, state, receipt_no). Idempotent."""
        n = 0
        with self._tx() as db:
            for app_id, sha, state, receipt in items:
                row = db.execute("SELECT state, manifest_sha256 FROM applications "
                                 "WHERE application_id = ?", (app_id,)).fetchone()
                if row is None or row[1] != sha or St(row[0]) in (St.ACKED, St.PURGED):
                    continue
                old = St(row[0])
                match state:
                    case "received":
                        self._transition(db, app_id, old, St.ACKED, f"ACK file {bundle}",
                                         acked_at=self.now_iso(), receipt_no=receipt,
                                         gateway_state="received")
                    case _:
                        reason = f"bundle {bundle}: gateway says {state}"
                        if old is St.QUARANTINED:
                            continue
                        self._transition(db, app_id, old, St.QUARANTINED, reason,
                                         quarantine_reason=reason)
                n += 1
        return n

    def audit(self, actor: str, action: str, detail: object) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO audit_log(at, actor, action, detail) VALUES (?,?,?,?)",
                       (self.now_iso(), actor, action, json.dumps(detail, sort_keys=True)))
