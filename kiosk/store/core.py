"""The one writer of application state: connection set-up, the time format, legal transitions.

Every process that writes ``applications.state`` (the kiosk's store, the sync agent's outbox, the
staff tools) opens its connection with :func:`connect`, formats times with :func:`iso_utc` /
:func:`iso_from_epoch`, and moves an application with :func:`transition`, which checks the move
against :data:`LEGAL_TRANSITIONS` and writes the ``application_events`` row in the same
transaction. Pure Python and ``sqlite3`` only: no Qt, no kiosk UI or domain, so ``sync/`` may
import it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Final

from kiosk.store.errors import StateConflictError, StoreError, UnknownApplicationError
from kiosk.store.schema import ApplicationState as St

BUSY_TIMEOUT_MS: Final = 10_000
"""How long any process waits for another's write lock before giving up (one value for all)."""

TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"
"""The store's (and the protocol's) time format: ISO 8601 UTC with ``Z``, to the second."""

DETAIL_MAX: Final = 500
"""Event details and reasons are cut to this many characters (technician-facing English)."""


# --- time -----------------------------------------------------------------------------------


def utc_now() -> datetime:
    """The real clock (tests inject their own)."""
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    """``moment`` in the store's format; naive datetimes are refused."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the store keeps UTC times only")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def iso_from_epoch(epoch_s: float) -> str:
    """A Unix time in the store's format (the agent's clocks count seconds)."""
    return iso_utc(datetime.fromtimestamp(epoch_s, UTC))


def parse_iso_utc(text: str) -> datetime:
    """Inverse of :func:`iso_utc`."""
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def epoch_from_iso(text: str) -> float:
    """Inverse of :func:`iso_from_epoch`."""
    return parse_iso_utc(text).timestamp()


# --- connection -----------------------------------------------------------------------------


def connect(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, create: bool = True) -> sqlite3.Connection:
    """A connection with the store's pragmas: WAL, ``synchronous=FULL``, foreign keys, one busy
    timeout, ``secure_delete`` (deleted content is overwritten, so a purge leaves no trace).

    Autocommit mode (``isolation_level=None``): transactions are always explicit. ``create=False``
    opens an existing file only (the agent and staff tools must never create an empty store: the
    kiosk would take it for a new one). Rows are addressable by column name and index.
    """
    target: str | Path = path
    if not create:
        target = f"{Path(path).resolve().as_uri()}?mode=rw"
    conn = sqlite3.connect(
        target,
        isolation_level=None,
        timeout=busy_timeout_ms / 1000,
        check_same_thread=False,
        uri=not create,
    )
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
    except BaseException:
        conn.close()
        raise
    return conn


# --- transitions ----------------------------------------------------------------------------

_EVERY_PIPELINE_STEP = (St.QUARANTINED, St.EXPORTED, St.ACKED)

LEGAL_TRANSITIONS: Final[Mapping[St, frozenset[St]]] = MappingProxyType({
    # sealed by the kiosk; handed to the agent (kiosk, sweep or agent), or carried on USB
    St.SEALED: frozenset({St.QUEUED, *_EVERY_PIPELINE_STEP}),
    St.QUEUED: frozenset({St.UPLOADING, St.RETRY_WAIT, *_EVERY_PIPELINE_STEP}),
    St.UPLOADING: frozenset({St.COMMITTING, St.RETRY_WAIT, *_EVERY_PIPELINE_STEP}),
    St.COMMITTING: frozenset({St.RECEIVED, St.RETRY_WAIT, *_EVERY_PIPELINE_STEP}),
    St.RETRY_WAIT: frozenset({St.UPLOADING, *_EVERY_PIPELINE_STEP}),
    # an export to a second bundle is recorded as exported -> exported (new bundle name)
    St.EXPORTED: frozenset({St.EXPORTED, St.UPLOADING, St.RETRY_WAIT, St.QUARANTINED, St.ACKED}),
    # the gateway's ack confirms it, or lists it missing (sent again); an ACK file may refuse it
    St.RECEIVED: frozenset({St.ACKED, St.QUEUED, St.QUARANTINED}),
    # staff put it back in the queue; an ACK file may confirm it was received after all
    St.QUARANTINED: frozenset({St.QUEUED, St.ACKED}),
    St.ACKED: frozenset({St.PURGED, St.QUEUED}),
    St.PURGED: frozenset(),
})
"""For each state, the states an application may move to. Anything else is a bug and raises
:class:`IllegalTransitionError`. (Sealing itself, nothing -> sealed, is the row's insertion.)"""

assert set(LEGAL_TRANSITIONS) == set(St)

UPDATABLE_COLUMNS: Final = frozenset({
    "attempts", "next_attempt_at", "last_error", "quarantine_reason", "exported_bundle",
    "acked_at", "purged_at", "receipt_no", "gateway_state", "gateway_note_vi",
    "gateway_updated_at", "manifest_json", "masked_name",
})
"""Columns a transition may set together with the state (SQL is built from these names only)."""


class IllegalTransitionError(StoreError):
    """A move the table does not allow (a bug in the caller, never the environment)."""


def is_legal(from_state: St, to_state: St) -> bool:
    """Whether ``from_state -> to_state`` is in :data:`LEGAL_TRANSITIONS`."""
    return to_state in LEGAL_TRANSITIONS[from_state]


def record_event(
    conn: sqlite3.Connection,
    *,
    application_id: str,
    at: str,
    from_state: St | None,
    to_state: St,
    detail: str = "",
) -> None:
    """Append one ``application_events`` row; call inside the transaction that changes the state
    (or, with ``from_state == to_state``, that records a finding such as damage)."""
    conn.execute(
        "INSERT INTO application_events(application_id, at, from_state, to_state, detail) "
        "VALUES (?, ?, ?, ?, ?)",
        (application_id, at, from_state, to_state, detail[:DETAIL_MAX]),
    )


def current_state(conn: sqlite3.Connection, application_id: str) -> St:
    """The application's state; :class:`UnknownApplicationError` when there is no such row."""
    row = conn.execute(
        "SELECT state FROM applications WHERE application_id = ?", (application_id,)
    ).fetchone()
    if row is None:
        raise UnknownApplicationError(application_id)
    return St(row[0])


def transition(
    conn: sqlite3.Connection,
    application_id: str,
    to_state: St,
    *,
    at: str,
    detail: str = "",
    expected_from: St | Collection[St] | None = None,
    columns: Mapping[str, object] | None = None,
) -> St:
    """Move one application to ``to_state``, with its event row; returns the state it left.

    Call inside a ``BEGIN IMMEDIATE`` transaction. ``expected_from`` makes it a compare-and-set
    (``StateConflictError`` when another process moved it first); a move the table forbids
    raises ``IllegalTransitionError``; ``columns`` are set in the same ``UPDATE``.
    """
    current = current_state(conn, application_id)
    if expected_from is not None:
        allowed = {expected_from} if isinstance(expected_from, St) else set(expected_from)
        if current not in allowed:
            wanted = ", ".join(sorted(str(s) for s in allowed))
            raise StateConflictError(f"{application_id} is {current}, expected {wanted}")
    if not is_legal(current, to_state):
        raise IllegalTransitionError(f"{application_id}: {current} -> {to_state} is not allowed")
    extra = dict(columns or {})
    unknown = set(extra) - UPDATABLE_COLUMNS
    if unknown:
        raise ValueError(f"columns a transition may not set: {sorted(unknown)}")
    sets = ", ".join(f"{name} = ?" for name in ("state", "updated_at", *extra))
    conn.execute(
        f"UPDATE applications SET {sets} WHERE application_id = ?",
        (to_state, at, *extra.values(), application_id),
    )
    record_event(conn, application_id=application_id, at=at, from_state=current, to_state=to_state,
                 detail=detail)
    return current
