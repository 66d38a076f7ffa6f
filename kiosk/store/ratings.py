"""Satisfaction taps: stored at once, sent later by the agent (idempotent by ``rating_id``)."""

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


def unsent_ratings(store: Store, limit: int = 500) -> list[dict[str, object]]:
    """Ratings the gateway has not accepted yet, oldest first, as protocol items."""
    rows = store.query(
        "SELECT rating_id, at, procedure_code, score FROM ratings WHERE sent_at IS NULL "
        "ORDER BY at, rating_id LIMIT ?",
        (limit,),
    )
    return [
        {
            "rating_id": r["rating_id"],
            "at": r["at"],
            "procedure_code": r["procedure_code"] or "",
            "score": r["score"],
        }
        for r in rows
    ]


def mark_ratings_sent(store: Store, rating_ids: list[str]) -> None:
    """Record the gateway's ``accepted`` list."""
    at = store.now_text()
    with store.write() as conn:
        conn.executemany(
            "UPDATE ratings SET sent_at = ? WHERE rating_id = ? AND sent_at IS NULL",
            [(at, rid) for rid in rating_ids],
        )
