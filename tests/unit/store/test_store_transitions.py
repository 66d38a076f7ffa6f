"""One writer of application state: every legal move works, every other one is refused.

Walks :data:`kiosk.store.core.LEGAL_TRANSITIONS` over a real store file: for every pair of
states, an application is put in the first (directly in SQL, as a test fixture) and moved to the
second through the one ``transition``; a legal move changes the row and writes exactly one
event, an illegal one raises and changes nothing. The three writers (the kiosk's store, the
agent's outbox, the staff tools) all go through it, which the last tests check.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from kiosk.sealing import SealingKeys, seal
from kiosk.store import ApplicationState, StateConflictError, Store, core, get_application, transition
from kiosk.store.core import LEGAL_TRANSITIONS, IllegalTransitionError
from sync.outbox import Outbox
from sync.staff_actions import StaffActionError, requeue_quarantined
from tests.unit.store.store_fakes import make_application, make_documents

St = ApplicationState
PAIRS = list(itertools.product(St, St))


def _sealed(store: Store, keys: SealingKeys) -> str:
    record = seal(store, make_application(), make_documents(), keys=keys, appointment_date=date(2026, 12, 1))
    return record.application_id


def _force(store: Store, application_id: str, state: St) -> None:
    with store.write() as conn:
        conn.execute("UPDATE applications SET state = ? WHERE application_id = ?", (state, application_id))


def _events(store: Store, application_id: str) -> int:
    return int(store.query("SELECT count(*) FROM application_events WHERE application_id = ?",
                           (application_id,))[0][0])


def test_the_table_names_every_state_and_purged_is_final() -> None:
    assert set(LEGAL_TRANSITIONS) == set(St)
    assert LEGAL_TRANSITIONS[St.PURGED] == frozenset()
    assert St.SEALED not in set().union(*LEGAL_TRANSITIONS.values())  # only sealing makes one
    assert core.is_legal(St.ACKED, St.PURGED)
    assert not core.is_legal(St.QUEUED, St.PURGED)


@pytest.mark.parametrize(("from_state", "to_state"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_move_is_allowed_or_refused_as_the_table_says(
    store: Store, keys: SealingKeys, from_state: St, to_state: St
) -> None:
    app_id = _sealed(store, keys)
    _force(store, app_id, from_state)
    events = _events(store, app_id)
    if to_state in LEGAL_TRANSITIONS[from_state]:
        record = transition(store, app_id, to_state, detail="walk")
        assert record.state is to_state
        assert _events(store, app_id) == events + 1
        last = store.query("SELECT from_state, to_state, detail FROM application_events "
                           "WHERE application_id = ? ORDER BY event_id DESC LIMIT 1", (app_id,))[0]
        assert (last["from_state"], last["to_state"], last["detail"]) == (from_state, to_state, "walk")
    else:
        with pytest.raises(IllegalTransitionError):
            transition(store, app_id, to_state, detail="walk")
        after = get_application(store, app_id)
        assert after is not None
        assert after.state is from_state
        assert _events(store, app_id) == events


def test_compare_and_set_refuses_a_moved_application(store: Store, keys: SealingKeys) -> None:
    app_id = _sealed(store, keys)  # queued by the hand-over
    with pytest.raises(StateConflictError):
        transition(store, app_id, St.UPLOADING, expected_from=St.SEALED)


def test_only_known_columns_travel_with_a_transition(store: Store, keys: SealingKeys) -> None:
    app_id = _sealed(store, keys)
    with store.write() as conn, pytest.raises(ValueError, match="may not set"):
        core.transition(conn, app_id, St.UPLOADING, at=store.now_text(),
                        columns={"kiosk_seq": 99})


def test_the_agent_writes_through_the_same_table(store: Store, keys: SealingKeys, store_path: Path) -> None:
    app_id = _sealed(store, keys)
    with Outbox(store_path, lambda: 1_800_000_000.0) as outbox:
        outbox.transition(app_id, St.UPLOADING, "PUT manifest")
        with pytest.raises(IllegalTransitionError):
            outbox.transition(app_id, St.PURGED, "not from uploading")
    record = get_application(store, app_id)
    assert record is not None
    assert record.state is St.UPLOADING


def test_staff_requeue_writes_through_the_same_table(
    store: Store, keys: SealingKeys, store_path: Path
) -> None:
    app_id = _sealed(store, keys)
    with pytest.raises(StaffActionError):
        requeue_quarantined(store_path, app_id)
    transition(store, app_id, St.QUARANTINED, detail="gateway refused")
    done = requeue_quarantined(store_path, app_id, clock=lambda: 1_800_000_000.0)
    assert done.application_id == app_id
    last = store.query("SELECT at, from_state, to_state FROM application_events WHERE application_id = ? "
                       "ORDER BY event_id DESC LIMIT 1", (app_id,))[0]
    assert (last["from_state"], last["to_state"]) == (St.QUARANTINED, St.QUEUED)
    assert last["at"] == core.iso_from_epoch(1_800_000_000.0) == "2027-01-15T08:00:00Z"


def test_the_agent_and_staff_tools_never_create_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "kiosk.sqlite3"
    from kiosk.store import StoreError

    with pytest.raises(StoreError, match="does not exist yet"):
        Outbox(missing, lambda: 0.0)
    with pytest.raises(StoreError, match="does not exist yet"):
        requeue_quarantined(missing, "K01-000001-9")
    assert not missing.exists()
    missing.write_bytes(b"")  # nor turn an empty file into one (SQLite would, setting WAL mode)
    with pytest.raises(StoreError, match="is empty"):
        Outbox(missing, lambda: 0.0)
    with pytest.raises(StoreError, match="is empty"):
        requeue_quarantined(missing, "K01-000001-9")
    assert missing.read_bytes() == b""


def test_one_time_format_round_trips() -> None:
    text = core.iso_from_epoch(1_800_000_000.0)
    assert core.epoch_from_iso(text) == 1_800_000_000.0
    assert core.iso_utc(core.parse_iso_utc(text)) == text
    with pytest.raises(ValueError, match="naive"):
        core.iso_utc(core.parse_iso_utc(text).replace(tzinfo=None))


def test_one_busy_timeout_for_every_connection(store_path: Path, store: Store) -> None:
    del store
    conn = core.connect(store_path, create=False)
    try:
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == core.BUSY_TIMEOUT_MS
    finally:
        conn.close()
    with Outbox(store_path, lambda: 0.0) as outbox:
        assert outbox._db.execute("PRAGMA busy_timeout").fetchone()[0] == core.BUSY_TIMEOUT_MS
