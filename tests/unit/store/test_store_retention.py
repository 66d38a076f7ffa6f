"""Purging after ACK + retention leaves a tombstone and frees no sequence number."""

from __future__ import annotations

import json
from datetime import date, timedelta

from kiosk.sealing import SealingKeys, seal
from kiosk.store import (
    ApplicationState,
    SealedRecord,
    Store,
    get_application,
    manifest_json,
    sweep,
    transition,
)
from kiosk.store.retention import purge_acknowledged
from tests.fakes import FakeWallClock
from tests.unit.store.store_fakes import make_application, make_documents


def _acked(store: Store, keys: SealingKeys, seed: int) -> SealedRecord:
    record = seal(
        store, make_application(), make_documents(seed), keys=keys, appointment_date=date(2026, 12, 1)
    )
    transition(store, record.application_id, ApplicationState.ACKED, detail="gateway ack")
    with store.write() as conn:
        conn.execute(
            "UPDATE applications SET acked_at = ? WHERE application_id = ?",
            (store.now_text(), record.application_id),
        )
    return record


def test_only_applications_acked_longer_ago_than_retention_are_purged(
    store: Store, keys: SealingKeys, clock: FakeWallClock
) -> None:
    old = _acked(store, keys, 1)
    clock.now += timedelta(days=20)
    recent = _acked(store, keys, 2)
    waiting = seal(
        store, make_application(), make_documents(3), keys=keys, appointment_date=date(2026, 12, 1)
    )
    clock.now += timedelta(days=11)
    sealed_body = json.loads(manifest_json(store, old.application_id))

    assert purge_acknowledged(store, timedelta(days=30)) == 1
    assert purge_acknowledged(store, timedelta(days=30)) == 0

    tomb = get_application(store, old.application_id)
    assert tomb is not None
    assert tomb.state is ApplicationState.PURGED
    assert (tomb.application_code, tomb.manifest_sha256) == (old.application_code, old.manifest_sha256)
    body = json.loads(manifest_json(store, old.application_id))
    assert "payload" not in body
    assert body["documents"] == sealed_body["documents"]
    assert body["kiosk_seq"] == old.kiosk_seq
    assert not (store.docs_dir / old.application_id).exists()
    assert (store.docs_dir / recent.application_id).is_dir()
    assert (store.docs_dir / waiting.application_id).is_dir()
    assert sweep(store).clean
    next_one = seal(
        store, make_application(), make_documents(4), keys=keys, appointment_date=date(2026, 12, 1)
    )
    assert next_one.kiosk_seq == 4
