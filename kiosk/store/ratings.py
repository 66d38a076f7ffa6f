"""Satisfaction taps: stored at once; the sync agent sends them later (idempotent by ``rating_id``)."""

from __future__ import annotations

import uuid

from kiosk.store.db import Store


def record_rating(
    store: Store, score: int, procedure_code: str | None = None, rating_id: str | None = None
) -> str:
    """Keep one rating (1 = unhappy .. 3 = happy); returns its id. Recording an id twice is a no-op."""
    if score not in (1, 2, 3):
        raise ValueError(f"a rating is 1, 2 or 3, not {score!r}")
    rid = rating_id or str(uuid.uuid4())
    with store.write() as conn:
        conn.execute(
            "INSERT INTO ratings(rating_id, at, procedure_code, score) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(rating_id) DO NOTHING",
            (rid, store.now_text(), procedure_code, score),
        )
    return rid
