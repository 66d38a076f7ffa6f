"""Sealed applications as rows: reading them, and moving them between states.

Rows hold only what the slip and the status screens need (code, procedure, masked name, dates)
plus the sealed PUT body; the personal content exists only inside that body's ciphertext.
Every state change writes an ``application_events`` row in the same transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from kiosk.store import core, seqmark
from kiosk.store.core import record_event
from kiosk.store.db import Store, iso_utc, parse_iso_utc
from kiosk.store.errors import UnknownApplicationError
from kiosk.store.lookup_token import new_lookup_token
from kiosk.store.schema import ApplicationState

__all__ = [
    "ApplicationEvent",
    "DocumentRecord",
    "SealedRecord",
    "allocate_kiosk_seq",
    "count_by_state",
    "documents_of",
    "events_of",
    "find_by_code",
    "get_application",
    "insert_sealed",
    "list_applications",
    "manifest_json",
    "record_event",
    "transition",
]


@dataclass(frozen=True)
class SealedRecord:
    """An application as the kiosk keeps it after sealing (no personal content)."""

    application_id: str
    kiosk_seq: int
    application_code: str
    procedure_code: str
    catalog_version: str
    masked_name: str
    confirmed_at: datetime
    appointment_date: date
    state: ApplicationState
    manifest_sha256: str
    gateway_state: str | None = None
    gateway_note_vi: str | None = None
    receipt_no: str | None = None
    quarantine_reason: str | None = None
    damaged_reason: str | None = None
    lookup_token: str | None = None  # printed only in the slip's QR (see kiosk.store.lookup)


@dataclass(frozen=True)
class DocumentRecord:
    """One encrypted document file; ``size``/``sha256`` are of the encrypted bytes."""

    application_id: str
    doc_id: str
    kind: str
    pages: int
    size: int
    sha256: str
    mime: str
    path: str  # relative to the store's data directory
    upload_offset: int = 0


@dataclass(frozen=True)
class ApplicationEvent:
    """One recorded transition (``from_state`` is None for the sealing itself)."""

    at: datetime
    from_state: ApplicationState | None
    to_state: ApplicationState
    detail: str


_RECORD_COLUMNS = (
    "application_id, kiosk_seq, application_code, procedure_code, catalog_version, masked_name, "
    "confirmed_at, appointment_date, state, manifest_sha256, gateway_state, gateway_note_vi, "
    "receipt_no, quarantine_reason, damaged_reason, lookup_token"
)


def _record(row: sqlite3.Row) -> SealedRecord:
    return SealedRecord(
        application_id=row["application_id"],
        kiosk_seq=row["kiosk_seq"],
        application_code=row["application_code"],
        procedure_code=row["procedure_code"],
        catalog_version=row["catalog_version"],
        masked_name=row["masked_name"],
        confirmed_at=parse_iso_utc(row["confirmed_at"]),
        appointment_date=date.fromisoformat(row["appointment_date"]),
        state=ApplicationState(row["state"]),
        manifest_sha256=row["manifest_sha256"],
        gateway_state=row["gateway_state"],
        gateway_note_vi=row["gateway_note_vi"],
        receipt_no=row["receipt_no"],
        quarantine_reason=row["quarantine_reason"],
        damaged_reason=row["damaged_reason"],
        lookup_token=row["lookup_token"],
    )


def _document(row: sqlite3.Row) -> DocumentRecord:
    return DocumentRecord(
        application_id=row["application_id"],
        doc_id=row["doc_id"],
        kind=row["kind"],
        pages=row["pages"],
        size=row["size"],
        sha256=row["sha256"],
        mime=row["mime"],
        path=row["path"],
        upload_offset=row["upload_offset"],
    )


def get_application(store: Store, application_id: str) -> SealedRecord | None:
    """The application with this id, or None."""
    rows = store.query(
        f"SELECT {_RECORD_COLUMNS} FROM applications WHERE application_id = ?",
        (application_id,),
    )
    return _record(rows[0]) if rows else None


def find_by_code(store: Store, application_code: str) -> SealedRecord | None:
    """The application printed on a slip (status look-up), or None."""
    rows = store.query(
        f"SELECT {_RECORD_COLUMNS} FROM applications WHERE application_code = ?",
        (application_code.strip(),),
    )
    return _record(rows[0]) if rows else None


def list_applications(
    store: Store, states: Iterable[ApplicationState] | None = None, limit: int = -1
) -> list[SealedRecord]:
    """Applications in kiosk order, optionally only those in ``states``."""
    wanted = [str(s) for s in states] if states is not None else None
    where = f"WHERE state IN ({','.join('?' * len(wanted))})" if wanted is not None else ""
    rows = store.query(
        f"SELECT {_RECORD_COLUMNS} FROM applications {where} ORDER BY kiosk_seq LIMIT ?",
        (*(wanted or ()), limit),
    )
    return [_record(r) for r in rows]


def count_by_state(store: Store) -> dict[ApplicationState, int]:
    """How many applications are in each state (states with none are absent)."""
    rows = store.query("SELECT state, count(*) AS n FROM applications GROUP BY state")
    return {ApplicationState(r["state"]): r["n"] for r in rows}


def documents_of(store: Store, application_id: str) -> list[DocumentRecord]:
    """The application's document files, in doc_id order."""
    rows = store.query("SELECT * FROM documents WHERE application_id = ? ORDER BY doc_id", (application_id,))
    return [_document(r) for r in rows]


def manifest_json(store: Store, application_id: str) -> bytes:
    """The exact PUT body sealed for this application (what the agent sends)."""
    rows = store.query("SELECT manifest_json FROM applications WHERE application_id = ?", (application_id,))
    if not rows:
        raise UnknownApplicationError(application_id)
    return str(rows[0]["manifest_json"]).encode("utf-8")


def events_of(store: Store, application_id: str) -> list[ApplicationEvent]:
    """The application's transitions, oldest first."""
    rows = store.query(
        "SELECT at, from_state, to_state, detail FROM application_events "
        "WHERE application_id = ? ORDER BY event_id",
        (application_id,),
    )
    return [
        ApplicationEvent(
            at=parse_iso_utc(r["at"]),
            from_state=ApplicationState(r["from_state"]) if r["from_state"] else None,
            to_state=ApplicationState(r["to_state"]),
            detail=r["detail"],
        )
        for r in rows
    ]


def transition(
    store: Store,
    application_id: str,
    to_state: ApplicationState,
    *,
    detail: str = "",
    expected_from: ApplicationState | Sequence[ApplicationState] | None = None,
) -> SealedRecord:
    """Move an application to ``to_state`` and record why, atomically (see
    :func:`kiosk.store.core.transition`: illegal moves raise ``IllegalTransitionError``).

    ``expected_from`` makes it a compare-and-set: when another process has moved the
    application first, ``StateConflictError`` is raised and nothing changes.
    """
    at = store.now_text()
    with store.write() as conn:
        core.transition(conn, application_id, to_state, at=at, detail=detail,
                        expected_from=expected_from)
    record = get_application(store, application_id)
    assert record is not None
    return record


def allocate_kiosk_seq(conn: sqlite3.Connection) -> int:
    """The next kiosk_seq; call inside the sealing transaction (rolled back with it).

    A counter row, not ``max(kiosk_seq) + 1``, so a purged row never frees its number; and a
    high-water mark file beside the database, written before the number is used, so a lost or
    replaced database never hands a number out twice (:mod:`kiosk.store.seqmark`).
    """
    return seqmark.reserve(conn)


def insert_sealed(
    conn: sqlite3.Connection,
    record: SealedRecord,
    manifest: bytes,
    documents: Sequence[DocumentRecord],
    at: str,
) -> None:
    """Insert the application, its documents and its sealing event (inside the transaction)."""
    conn.execute(
        "INSERT INTO applications(application_id, kiosk_seq, application_code, procedure_code, "
        "catalog_version, masked_name, confirmed_at, appointment_date, state, manifest_json, "
        "manifest_sha256, created_at, updated_at, lookup_token) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            record.application_id,
            record.kiosk_seq,
            record.application_code,
            record.procedure_code,
            record.catalog_version,
            record.masked_name,
            iso_utc(record.confirmed_at),
            record.appointment_date.isoformat(),
            record.state,
            manifest.decode("utf-8"),
            record.manifest_sha256,
            at,
            at,
            record.lookup_token or new_lookup_token(),
        ),
    )
    conn.executemany(
        "INSERT INTO documents(application_id, doc_id, kind, pages, size, sha256, mime, path) "
        "VALUES (?,?,?,?,?,?,?,?)",
        [(d.application_id, d.doc_id, d.kind, d.pages, d.size, d.sha256, d.mime, d.path) for d in documents],
    )
    record_event(
        conn,
        application_id=record.application_id,
        at=at,
        from_state=None,
        to_state=record.state,
        detail="sealed",
    )
