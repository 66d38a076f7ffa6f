"""The kiosk's local store: SQLite (WAL, ``synchronous=FULL``) plus encrypted document files.

Open it with :func:`open_store` (it refuses a lost, replaced or damaged database with
``StoreRefusedError``, one line for the technician), run :func:`sweep` once at start-up (it sets
orphans aside, never deletes them), seal with
``kiosk.sealing.seal``, read with :func:`get_application` / :func:`find_by_code` /
:func:`list_applications`. ``sync/`` reads the layout from :mod:`kiosk.store.schema` only.
Environment failures (disk full, read-only, locked) raise :class:`StoreUnavailable`.
"""

from kiosk.store.applications import (
    ApplicationEvent,
    DocumentRecord,
    SealedRecord,
    count_by_state,
    documents_of,
    events_of,
    find_by_code,
    get_application,
    list_applications,
    manifest_json,
    transition,
)
from kiosk.store.core import IllegalTransitionError
from kiosk.store.db import Store, open_store
from kiosk.store.errors import (
    StateConflictError,
    StoreError,
    StoreRefusedError,
    StoreTooNewError,
    StoreUnavailable,
    Unavailability,
    UnknownApplicationError,
)
from kiosk.store.files import atomic_write
from kiosk.store.ratings import record_rating
from kiosk.store.retention import purge_acknowledged
from kiosk.store.schema import SCHEMA_VERSION, ApplicationState, GatewayState
from kiosk.store.staff_calls import StaffCall, handle_staff_call, open_staff_calls, record_staff_call
from kiosk.store.sweep import QuarantineSummary, SweepReport, quarantine_summary, sweep
from kiosk.store.tickets import (
    IssuedTicket,
    WaitingTicket,
    finish_ticket,
    issue_queue_ticket,
    next_queue_ticket,
    tickets_issued,
    waiting_tickets,
)

__all__ = [
    "SCHEMA_VERSION",
    "ApplicationEvent",
    "ApplicationState",
    "DocumentRecord",
    "GatewayState",
    "IllegalTransitionError",
    "IssuedTicket",
    "QuarantineSummary",
    "SealedRecord",
    "StaffCall",
    "StateConflictError",
    "Store",
    "StoreError",
    "StoreRefusedError",
    "StoreTooNewError",
    "StoreUnavailable",
    "SweepReport",
    "Unavailability",
    "UnknownApplicationError",
    "WaitingTicket",
    "atomic_write",
    "count_by_state",
    "documents_of",
    "events_of",
    "find_by_code",
    "finish_ticket",
    "get_application",
    "handle_staff_call",
    "issue_queue_ticket",
    "list_applications",
    "manifest_json",
    "next_queue_ticket",
    "open_staff_calls",
    "open_store",
    "purge_acknowledged",
    "quarantine_summary",
    "record_rating",
    "record_staff_call",
    "sweep",
    "tickets_issued",
    "transition",
    "waiting_tickets",
]
