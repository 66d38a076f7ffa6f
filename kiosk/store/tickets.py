"""Queue tickets for "Gặp cán bộ": numbered per field of service, restarting every day.

Each ticket is a row, so the count survives a restart and the agent can report daily totals.
A ticket waits until staff mark it served (or cancelled: the person left); the number of people
ahead of a new ticket is the waiting tickets of its field that day, read in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from kiosk.store.db import Store


@dataclass(frozen=True)
class IssuedTicket:
    number: int
    ahead: int  # tickets of the same field and day issued before it and still waiting


@dataclass(frozen=True)
class WaitingTicket:
    field: str
    number: int
    issued_at: str  # ISO 8601 UTC


def next_queue_ticket(store: Store, field: str, day: date) -> int:
    """Issue the next number (1, 2, ...) of ``field`` on ``day``."""
    return issue_queue_ticket(store, field, day).number


def issue_queue_ticket(store: Store, field: str, day: date) -> IssuedTicket:
    """Issue the next number of ``field`` on ``day`` and count who is still waiting before it."""
    with store.write() as conn:
        row = conn.execute(
            "INSERT INTO queue_tickets(day, field, number, issued_at) "
            "SELECT ?, ?, coalesce(max(number), 0) + 1, ? FROM queue_tickets "
            "WHERE day = ? AND field = ? RETURNING number",
            (day.isoformat(), field, store.now_text(), day.isoformat(), field),
        ).fetchone()
        number = int(row[0])
        ahead = conn.execute(
            "SELECT count(*) FROM queue_tickets WHERE day = ? AND field = ? AND number < ? "
            "AND served_at IS NULL AND cancelled_at IS NULL",
            (day.isoformat(), field, number),
        ).fetchone()[0]
    return IssuedTicket(number, int(ahead))


def waiting_tickets(store: Store, day: date) -> list[WaitingTicket]:
    """Tickets of ``day`` not yet served or cancelled, oldest first."""
    rows = store.query(
        "SELECT field, number, issued_at FROM queue_tickets WHERE day = ? "
        "AND served_at IS NULL AND cancelled_at IS NULL ORDER BY issued_at, rowid",
        (day.isoformat(),),
    )
    return [WaitingTicket(str(r["field"]), int(r["number"]), str(r["issued_at"])) for r in rows]


def finish_ticket(store: Store, day: date, field: str, number: int,
                  outcome: Literal["served", "cancelled"]) -> bool:
    """Staff saw the person (``served``) or the person left (``cancelled``); False when the
    ticket is unknown or no longer waiting."""
    column = "served_at" if outcome == "served" else "cancelled_at"
    with store.write() as conn:
        changed = conn.execute(
            f"UPDATE queue_tickets SET {column} = ? WHERE day = ? AND field = ? AND number = ? "
            "AND served_at IS NULL AND cancelled_at IS NULL",
            (store.now_text(), day.isoformat(), field, number),
        ).rowcount
    return changed == 1


def tickets_issued(store: Store, day: date) -> dict[str, int]:
    """How many tickets each field issued on ``day``."""
    rows = store.query(
        "SELECT field, count(*) AS n FROM queue_tickets WHERE day = ? GROUP BY field",
        (day.isoformat(),),
    )
    return {r["field"]: r["n"] for r in rows}
