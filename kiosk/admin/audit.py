"""Every technician and staff action leaves a row in the store's audit log (never personal data)."""

from __future__ import annotations

from kiosk.store.db import Store
from kiosk.store.schema import AUDIT_LOG


def audit(store: Store, actor: str, action: str, detail: str = "") -> None:
    with store.write() as conn:
        conn.execute(
            f"INSERT INTO {AUDIT_LOG} (at, actor, action, detail) VALUES (?, ?, ?, ?)",
            (store.now_text(), actor, action, detail),
        )


def recent(store: Store, limit: int = 50) -> list[tuple[str, str, str, str]]:
    rows = store.conn.execute(
        f"SELECT at, actor, action, detail FROM {AUDIT_LOG} ORDER BY audit_id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]
