"""Queue tickets restart each day and survive a restart; ratings are kept once each."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.store import (
    Store,
    next_queue_ticket,
    open_store,
    record_rating,
    tickets_issued,
)

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


def test_tickets_count_per_field_and_restart_each_day(store_path: Path) -> None:
    with open_store(store_path) as store:
        issued = [next_queue_ticket(store, "ho_tich", MONDAY) for _ in range(3)]
        other = next_queue_ticket(store, "dat_dai", MONDAY)
    with open_store(store_path) as reopened:
        after_restart = next_queue_ticket(reopened, "ho_tich", MONDAY)
        next_day = next_queue_ticket(reopened, "ho_tich", TUESDAY)
        counts = tickets_issued(reopened, MONDAY)
    assert issued == [1, 2, 3]
    assert other == 1
    assert after_restart == 4
    assert next_day == 1
    assert counts == {"ho_tich": 4, "dat_dai": 1}


def test_ratings_are_kept_once_each(store: Store) -> None:
    first = record_rating(store, 3, "HT-KT")
    again = record_rating(store, 1, "HT-KT", rating_id=first)
    second = record_rating(store, 2)
    assert again == first
    rows = store.query("SELECT rating_id, procedure_code, score, sent_at FROM ratings")
    assert {tuple(r) for r in rows} == {(first, "HT-KT", 3, None), (second, None, 2, None)}


@pytest.mark.parametrize("score", [0, 4, -1])
def test_a_rating_outside_1_to_3_is_refused(store: Store, score: int) -> None:
    with pytest.raises(ValueError, match="1, 2 or 3"):
        record_rating(store, score)
