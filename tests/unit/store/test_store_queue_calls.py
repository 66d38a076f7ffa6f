"""Who is still waiting in the queue, and citizens' calls for staff (schema v4), on a real file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kiosk.store import (
    Store,
    finish_ticket,
    handle_staff_call,
    issue_queue_ticket,
    open_staff_calls,
    open_store,
    record_staff_call,
    waiting_tickets,
)
from tests.fakes import FakeWallClock

MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)


def test_people_ahead_are_the_tickets_of_the_field_still_waiting_today(store: Store) -> None:
    first = issue_queue_ticket(store, "civil", MONDAY)
    second = issue_queue_ticket(store, "civil", MONDAY)
    land = issue_queue_ticket(store, "land", MONDAY)
    third = issue_queue_ticket(store, "civil", MONDAY)
    assert [(t.number, t.ahead) for t in (first, second, land, third)] == [(1, 0), (2, 1), (1, 0), (3, 2)]

    assert finish_ticket(store, MONDAY, "civil", 1, "served")
    assert finish_ticket(store, MONDAY, "civil", 2, "cancelled")
    assert not finish_ticket(store, MONDAY, "civil", 2, "served")  # no longer waiting
    assert not finish_ticket(store, MONDAY, "civil", 9, "served")  # never issued
    assert issue_queue_ticket(store, "civil", MONDAY).ahead == 1  # only number 3 is left
    assert [(t.field, t.number) for t in waiting_tickets(store, MONDAY)] == [
        ("land", 1), ("civil", 3), ("civil", 4)]
    assert issue_queue_ticket(store, "civil", TUESDAY).ahead == 0  # yesterday's queue is not today's


def test_calls_stay_open_across_a_restart_until_handled(store_path: Path, clock: FakeWallClock) -> None:
    with open_store(store_path, clock=clock) as store:
        help_id = record_staff_call(store, "question", "help")
        clock.advance(60)
        slip_id = record_staff_call(store, "done", "print_failed", "TQ1-000001-5")
    with open_store(store_path, clock=clock) as reopened:
        calls = open_staff_calls(reopened)
        assert [(c.call_id, c.screen, c.reason, c.application_code) for c in calls] == [
            (help_id, "question", "help", ""), (slip_id, "done", "print_failed", "TQ1-000001-5")]
        assert calls[0].at == "2026-11-23T02:16:00Z"
        assert handle_staff_call(reopened, help_id, "staff")
        assert not handle_staff_call(reopened, help_id, "staff")  # once
        assert [c.call_id for c in open_staff_calls(reopened)] == [slip_id]
