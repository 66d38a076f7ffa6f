"""The kiosk store's layout: tables, columns, states, and the forward migrations.

This is the one module of the kiosk that ``sync/`` may import, so it holds only names and SQL
(no kiosk imports, no I/O). The version lives in ``PRAGMA user_version``; ``MIGRATIONS[i]``
brings a file from version ``i`` to ``i + 1``, so an old kiosk's file is upgraded step by step
and never rebuilt. Never edit a published migration: append a new one.

Conventions every writer keeps (the kiosk and the sync agent alike):

- Times are ISO 8601 UTC strings with ``Z``, to the second (``2026-11-22T13:02:43Z``); days are
  ``YYYY-MM-DD``.
- Write transactions are ``BEGIN IMMEDIATE`` so that two processes never deadlock on upgrade.
- ``applications.state`` changes only together with an ``application_events`` row written in
  the same transaction, *before* the action it announces (pessimistic: a restart re-drives).
- Document ``path`` is relative to the store's data directory (the folder of the SQLite file).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

SCHEMA_VERSION: Final = 4


class ApplicationState(StrEnum):
    """The kiosk-side life of a sealed application (``applications.state``).

    The gateway's own view of a received application (processing, ready_for_pickup...) is kept
    apart in ``applications.gateway_state`` so the pipeline state stays a small closed set.
    """

    SEALED = "sealed"  # on disk, slip may print; the sweep promotes it to queued
    QUEUED = "queued"  # waiting for the agent
    UPLOADING = "uploading"  # PUT sent or documents in flight
    COMMITTING = "committing"  # every document uploaded, commit in flight
    RETRY_WAIT = "retry_wait"  # transient failure; next_attempt_at says when
    RECEIVED = "received"  # gateway answered commit with a receipt
    QUARANTINED = "quarantined"  # permanent failure, needs staff; quarantine_reason says why
    EXPORTED = "exported"  # written to a USB bundle, waiting for the ACK
    ACKED = "acked"  # gateway confirmed (online or ACK file); content may be purged later
    PURGED = "purged"  # documents deleted after retention; the row is a tombstone


class GatewayState(StrEnum):
    """The states the gateway reports for a received application (gateway-api.md)."""

    PENDING = "pending"
    RECEIVED = "received"
    PROCESSING = "processing"
    NEEDS_MORE_DOCUMENTS = "needs_more_documents"
    READY_FOR_PICKUP = "ready_for_pickup"
    RETURNED = "returned"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# --- table and column names -------------------------------------------------------------------

APPLICATIONS: Final = "applications"
"""One row per sealed application. Columns (all obvious; the sync agent's are marked *agent*):

application_id (UUID text, PK), kiosk_seq (1.., unique, never reused), application_code,
procedure_code, catalog_version, masked_name, confirmed_at, appointment_date, state,
manifest_json (the exact PUT body, canonical JSON), manifest_sha256,
receipt_no, gateway_state, gateway_note_vi, gateway_updated_at (*agent*, from status pull-back),
attempts, next_attempt_at, last_error (*agent*, backoff), quarantine_reason (*agent* or sweep),
exported_bundle (bundle directory name), acked_at, purged_at,
damaged_reason (set by the start-up sweep when a file is missing or altered; NULL when sound),
created_at, updated_at, lookup_token (random, printed only in the slip's QR; v3).
"""

DOCUMENTS: Final = "documents"
"""One row per encrypted document file: application_id, doc_id (PK together), kind, pages, size
and sha256 of the encrypted bytes, mime, path (relative to the data dir), upload_offset and
uploaded_at (*agent*: the tus offset persisted after each acknowledged chunk)."""

APPLICATION_EVENTS: Final = "application_events"
"""Append-only state transitions: event_id, application_id, at, from_state (NULL at sealing),
to_state, detail (English, technician-facing, never personal data)."""

COUNTERS: Final = "counters"
"""Named monotonic counters (name, value). ``kiosk_seq`` is the last sequence number handed out:
kept here, not derived from ``max(kiosk_seq)``, so a purged or deleted row never frees its seq."""

RATINGS: Final = "ratings"
"""Satisfaction taps: rating_id (UUID text), at, procedure_code (NULL when not tied to one),
score 1..3, sent_at (*agent*, when the gateway accepted it)."""

QUEUE_TICKETS: Final = "queue_tickets"
""""See an officer" tickets: day, field, number (PK together), issued_at, sent_at (*agent*),
served_at / cancelled_at (v4: staff marked it seen, or the person left; NULL while waiting)."""

STAFF_CALLS: Final = "staff_calls"
"""Citizens' "Gọi cán bộ" (v4): call_id, at, screen (where the citizen was), reason
(``help``, ``print_failed``, ``clock``), application_code (a slip that did not print; else ''),
handled_at and handled_by (staff closed it; NULL while open). Never personal data."""

SYNC_STATE: Final = "sync_state"
"""The agent's key/value state: key (PK), value (text, often JSON), updated_at. Known keys are
the ``SYNC_KEY_*`` constants below; the agent may add its own."""

AUDIT_LOG: Final = "audit_log"
"""Staff and technician actions (export, import-ack, requeue, provisioning): audit_id, at,
actor, action, detail. Never personal data."""

COUNTER_KIOSK_SEQ: Final = "kiosk_seq"

SYNC_KEY_CURSOR: Final = "status_cursor"
SYNC_KEY_LEASE_HOLDER: Final = "lease_holder"
SYNC_KEY_LEASE_EXPIRES_AT: Final = "lease_expires_at"
SYNC_KEY_LAST_SUCCESS_AT: Final = "last_success_at"
SYNC_KEY_LINK_STATE: Final = "link_state"
SYNC_KEY_SEND_NOW_REQUESTED_AT: Final = "send_now_requested_at"

DOCS_DIRNAME: Final = "docs"
"""Encrypted documents live at ``<data dir>/docs/<application_id>/<doc_id>``."""

TEMP_SUFFIX: Final = ".tmp"
"""Files being written carry this suffix until renamed; the sweep deletes any left behind."""


# --- migrations -------------------------------------------------------------------------------

_V1: Final[tuple[str, ...]] = (
    """
    CREATE TABLE applications (
        application_id   TEXT PRIMARY KEY NOT NULL,
        kiosk_seq        INTEGER NOT NULL UNIQUE CHECK (kiosk_seq >= 1),
        application_code TEXT NOT NULL UNIQUE,
        procedure_code   TEXT NOT NULL,
        catalog_version  TEXT NOT NULL,
        masked_name      TEXT NOT NULL,
        confirmed_at     TEXT NOT NULL,
        appointment_date TEXT NOT NULL,
        state            TEXT NOT NULL,
        manifest_json    TEXT NOT NULL,
        manifest_sha256  TEXT NOT NULL,
        receipt_no       TEXT,
        gateway_state    TEXT,
        gateway_note_vi  TEXT,
        gateway_updated_at TEXT,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
    ) STRICT
    """,
    """
    CREATE TABLE documents (
        application_id TEXT NOT NULL REFERENCES applications(application_id),
        doc_id         TEXT NOT NULL,
        kind           TEXT NOT NULL,
        pages          INTEGER NOT NULL CHECK (pages >= 0),
        size           INTEGER NOT NULL CHECK (size >= 0),
        sha256         TEXT NOT NULL,
        mime           TEXT NOT NULL,
        path           TEXT NOT NULL,
        PRIMARY KEY (application_id, doc_id)
    ) STRICT
    """,
    """
    CREATE TABLE application_events (
        event_id       INTEGER PRIMARY KEY AUTOINCREMENT,
        application_id TEXT NOT NULL REFERENCES applications(application_id),
        at             TEXT NOT NULL,
        from_state     TEXT,
        to_state       TEXT NOT NULL,
        detail         TEXT NOT NULL DEFAULT ''
    ) STRICT
    """,
    "CREATE INDEX application_events_by_app ON application_events(application_id, event_id)",
    "CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) STRICT",
    "INSERT INTO counters(name, value) VALUES ('kiosk_seq', 0)",
    """
    CREATE TABLE ratings (
        rating_id      TEXT PRIMARY KEY NOT NULL,
        at             TEXT NOT NULL,
        procedure_code TEXT,
        score          INTEGER NOT NULL CHECK (score BETWEEN 1 AND 3)
    ) STRICT
    """,
    """
    CREATE TABLE queue_tickets (
        day       TEXT NOT NULL,
        field     TEXT NOT NULL,
        number    INTEGER NOT NULL CHECK (number >= 1),
        issued_at TEXT NOT NULL,
        PRIMARY KEY (day, field, number)
    ) STRICT
    """,
)
"""Version 1: the walking skeleton (sealing, slip, ratings, queue tickets)."""

_V2: Final[tuple[str, ...]] = (
    "ALTER TABLE applications ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE applications ADD COLUMN next_attempt_at TEXT",
    "ALTER TABLE applications ADD COLUMN last_error TEXT",
    "ALTER TABLE applications ADD COLUMN quarantine_reason TEXT",
    "ALTER TABLE applications ADD COLUMN exported_bundle TEXT",
    "ALTER TABLE applications ADD COLUMN acked_at TEXT",
    "ALTER TABLE applications ADD COLUMN purged_at TEXT",
    "ALTER TABLE applications ADD COLUMN damaged_reason TEXT",
    "CREATE INDEX applications_by_state ON applications(state, kiosk_seq)",
    "ALTER TABLE documents ADD COLUMN upload_offset INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE documents ADD COLUMN uploaded_at TEXT",
    "ALTER TABLE ratings ADD COLUMN sent_at TEXT",
    "ALTER TABLE queue_tickets ADD COLUMN sent_at TEXT",
    """
    CREATE TABLE sync_state (
        key        TEXT PRIMARY KEY NOT NULL,
        value      TEXT,
        updated_at TEXT NOT NULL
    ) STRICT
    """,
    """
    CREATE TABLE audit_log (
        audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
        at       TEXT NOT NULL,
        actor    TEXT NOT NULL,
        action   TEXT NOT NULL,
        detail   TEXT NOT NULL DEFAULT ''
    ) STRICT
    """,
)
"""Version 2: what the sync agent and staff tools need (backoff, quarantine, export, upload
offsets, sync state, audit)."""

_V3: Final[tuple[str, ...]] = (
    "ALTER TABLE applications ADD COLUMN lookup_token TEXT",
    "CREATE UNIQUE INDEX applications_by_lookup_token ON applications(lookup_token) "
    "WHERE lookup_token IS NOT NULL",
)
"""Version 3: the random lookup token printed in the slip's QR (a typed code alone shows only the
state; the token shows the masked name, the officer's note and the date). Rows sealed before
have none: their slips' QR carries the bare code and gets the state only."""

_V4: Final[tuple[str, ...]] = (
    "ALTER TABLE queue_tickets ADD COLUMN served_at TEXT",
    "ALTER TABLE queue_tickets ADD COLUMN cancelled_at TEXT",
    """
    CREATE TABLE staff_calls (
        call_id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at               TEXT NOT NULL,
        screen           TEXT NOT NULL,
        reason           TEXT NOT NULL,
        application_code TEXT NOT NULL DEFAULT '',
        handled_at       TEXT,
        handled_by       TEXT
    ) STRICT
    """,
)
"""Version 4: who is still waiting in the queue (served / cancelled tickets) and the citizens'
calls for staff, so the ticket can say how many people are ahead and staff see open calls."""

MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (_V1, _V2, _V3, _V4)
"""``MIGRATIONS[i]`` upgrades a file at ``user_version == i`` to ``i + 1``."""

assert len(MIGRATIONS) == SCHEMA_VERSION
