"""Queue tickets for "Gặp cán bộ": numbered per field of service, restarting every day.

Each ticket is a row, so the count survives a restart and the agent can report daily totals.
"""

from __future__ import annotations

from datetime import date

from kiosk.store.db import Store


def next_queue_ticket(store: Store, field: str, day: date) -> int:
    """Issue the next number (1, 2, ...) of ``field`` on ``day``."""
    with store.write() as conn:
        row = conn.execute(
            "INSERT INTO queue_tickets(day, field, number, issued_at) "
            "SELECT ?, ?, coalesce(max(number), 0) + 1, ? FROM queue_tickets "
            "WHERE day = ? AND field = ? RETURNING number",
            (day.isoformat(), field, store.now_text(), day.isoformat(), field),
        ).fetchone()
    return int(row[0])


def tickets_issued(store: Store, day: date) -> dict[str, int]:
    """How many tickets each field issued on ``day``."""
    rows = store.query(
        "SELECT field, count(*) AS n FROM queue_tickets WHERE day = ? GROUP BY field",
        (day.isoformat(),),
    )
    return {r["field"]: r["n"] for r in rows}
