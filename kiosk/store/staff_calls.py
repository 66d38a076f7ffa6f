"""Citizens' calls for staff ("Gọi cán bộ", a slip that did not print, a clock refused).

A call is a row (never personal data: the screen, the reason and, for a slip, the application
code printed on it), open until staff mark it handled on the staff screen, so a call survives a
restart of the kiosk and is never lost between the citizen's tap and the staff's visit.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.store.db import Store
from kiosk.store.schema import STAFF_CALLS


@dataclass(frozen=True)
class StaffCall:
    call_id: int
    at: str  # ISO 8601 UTC
    screen: str
    reason: str  # "help", "print_failed", "clock"
    application_code: str  # the slip that did not print ('' otherwise)


def record_staff_call(store: Store, screen: str, reason: str, application_code: str = "") -> int:
    """A new open call; its id."""
    with store.write() as conn:
        row = conn.execute(
            f"INSERT INTO {STAFF_CALLS}(at, screen, reason, application_code) VALUES (?, ?, ?, ?) "
            "RETURNING call_id",
            (store.now_text(), screen, reason, application_code),
        ).fetchone()
    return int(row[0])


def open_staff_calls(store: Store) -> list[StaffCall]:
    """Calls nobody has handled yet, oldest first."""
    rows = store.query(
        f"SELECT call_id, at, screen, reason, application_code FROM {STAFF_CALLS} "
        "WHERE handled_at IS NULL ORDER BY call_id"
    )
    return [StaffCall(int(r["call_id"]), str(r["at"]), str(r["screen"]), str(r["reason"]),
                      str(r["application_code"])) for r in rows]


def handle_staff_call(store: Store, call_id: int, actor: str) -> bool:
    """Staff closed the call; False when it was unknown or closed already."""
    with store.write() as conn:
        changed = conn.execute(
            f"UPDATE {STAFF_CALLS} SET handled_at = ?, handled_by = ? "
            "WHERE call_id = ? AND handled_at IS NULL",
            (store.now_text(), actor, call_id),
        ).rowcount
    return changed == 1
