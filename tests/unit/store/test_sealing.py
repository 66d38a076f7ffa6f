"""Sealing: one atomic step, encrypted for the gateway only, idempotent, seq never reused."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.domain.appcode import application_code
from kiosk.sealing import SealingKeys, seal
from kiosk.store import (
    ApplicationState,
    SealedRecord,
    StateConflictError,
    Store,
    documents_of,
    events_of,
    find_by_code,
    get_application,
    list_applications,
    manifest_json,
    open_store,
    sweep,
    transition,
)
from kiosk.store.sweep import file_sha256
from sync.protocol.envelope import open_document, open_payload, unwrap_key
from sync.protocol.messages import parse_put_body
from tests.fakes import FakeWallClock
from tests.unit.store.store_fakes import ANSWERS, NGUYEN, make_application, make_documents

APPOINTMENT = date(2026, 11, 26)


def _seal(store: Store, keys: SealingKeys, seed: int = 0) -> SealedRecord:
    return seal(
        store,
        make_application(),
        make_documents(seed),
        keys=keys,
        appointment_date=APPOINTMENT,
    )


def test_seal_returns_what_the_slip_needs_and_queues_it(store: Store, keys: SealingKeys) -> None:
    app = make_application()
    record = seal(store, app, make_documents(), keys=keys, appointment_date=APPOINTMENT)
    assert record.application_id == str(app.application_id)
    assert record.kiosk_seq == 1
    assert record.application_code == application_code("TQ1", 1)
    assert record.masked_name == NGUYEN.masked_name()
    assert record.appointment_date == APPOINTMENT
    assert record.confirmed_at == app.confirmed_at
    assert record.state is ApplicationState.QUEUED
    assert [(e.from_state, e.to_state) for e in events_of(store, record.application_id)] == [
        (None, ApplicationState.SEALED),
        (ApplicationState.SEALED, ApplicationState.QUEUED),
    ]
    assert get_application(store, record.application_id) == record
    assert find_by_code(store, record.application_code) == record


def test_manifest_is_a_valid_put_body_matching_the_files(
    store: Store, keys: SealingKeys, gateway_key: X25519PrivateKey
) -> None:
    docs = make_documents(seed=5)
    record = seal(store, make_application(), docs, keys=keys, appointment_date=APPOINTMENT)
    body = manifest_json(store, record.application_id)
    manifest = parse_put_body(json.loads(body), record.application_id)
    assert manifest.to_json() == body
    assert manifest.manifest_sha256 == record.manifest_sha256
    assert (manifest.kiosk_id, manifest.kiosk_seq) == ("kiosk-tq-001", 1)
    assert manifest.confirmation.to_dict() == {
        "method": "kiosk_code",
        "shown_at": "2026-11-23T02:15:00Z",
    }
    rows = documents_of(store, record.application_id)
    assert [r.doc_id for r in rows] == [d.doc_id for d in manifest.documents]
    k = unwrap_key(manifest.payload.wrapped_key, record.application_id, gateway_key)
    for row, entry, original in zip(rows, manifest.documents, docs, strict=True):
        path = store.data_dir / row.path
        assert (row.size, row.sha256) == (entry.size, entry.sha256)
        assert path.stat().st_size == entry.size
        assert file_sha256(path) == entry.sha256
        assert open_document(k, record.application_id, row.doc_id, path.read_bytes()) == (original.pdf)
    content = open_payload(manifest.payload.to_dict(), record.application_id, gateway_key)
    assert content == {
        "identity": {
            "citizen_id": NGUYEN.citizen_id,
            "old_id": "",
            "full_name": NGUYEN.full_name,
            "date_of_birth": "1989-03-14",
            "gender": "Nam",
            "address": NGUYEN.address,
            "issue_date": "2021-05-02",
        },
        "answers": ANSWERS,
        "documents_meta": [
            {"doc_id": d.doc_id, "kind": d.kind, "pages": d.pages, "mime": "application/pdf"} for d in docs
        ],
    }


def test_nothing_personal_is_readable_on_disk_after_sealing(
    store_path: Path, clock: FakeWallClock, keys: SealingKeys
) -> None:
    with open_store(store_path, clock=clock) as store:
        _seal(store, keys)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    secrets = [NGUYEN.full_name, NGUYEN.citizen_id, "Yên Hoa", "1989-03-14", "Kết hôn"]
    blobs = [p.read_bytes() for p in store_path.parent.rglob("*") if p.is_file()]
    assert len(blobs) >= 4
    for secret in secrets:
        assert not any(secret.encode() in blob for blob in blobs), secret
    assert any(NGUYEN.masked_name().encode() in blob for blob in blobs)


def test_sealing_the_same_application_twice_returns_the_first_record(store: Store, keys: SealingKeys) -> None:
    app = make_application()
    first = seal(store, app, make_documents(1), keys=keys, appointment_date=APPOINTMENT)
    files_before = {p: p.read_bytes() for p in store.docs_dir.rglob("*") if p.is_file()}
    again = seal(store, app, make_documents(2), keys=keys, appointment_date=APPOINTMENT)
    assert again == first
    assert {p: p.read_bytes() for p in store.docs_dir.rglob("*") if p.is_file()} == files_before
    assert store.query("SELECT value FROM counters WHERE name = 'kiosk_seq'")[0][0] == 1


def test_kiosk_seq_is_never_reused_even_after_a_row_is_deleted(store: Store, keys: SealingKeys) -> None:
    first, second = _seal(store, keys), _seal(store, keys)
    with store.write() as conn:
        for table in ("documents", "application_events", "applications"):
            conn.execute(f"DELETE FROM {table} WHERE application_id = ?", (second.application_id,))
    third = _seal(store, keys)
    assert [first.kiosk_seq, second.kiosk_seq, third.kiosk_seq] == [1, 2, 3]
    assert third.application_code == application_code("TQ1", 3)


def test_list_and_transition_with_compare_and_set(store: Store, keys: SealingKeys) -> None:
    records = [_seal(store, keys, seed=i) for i in range(3)]
    assert [r.kiosk_seq for r in list_applications(store)] == [1, 2, 3]
    moved = transition(
        store,
        records[1].application_id,
        ApplicationState.UPLOADING,
        detail="PUT sent",
        expected_from=ApplicationState.QUEUED,
    )
    assert moved.state is ApplicationState.UPLOADING
    with pytest.raises(StateConflictError):
        transition(
            store,
            records[1].application_id,
            ApplicationState.UPLOADING,
            expected_from=ApplicationState.QUEUED,
        )
    queued = list_applications(store, [ApplicationState.QUEUED])
    assert [r.kiosk_seq for r in queued] == [1, 3]
    assert events_of(store, records[1].application_id)[-1].detail == "PUT sent"


@pytest.mark.parametrize(
    ("doc_ids", "pages", "problem"),
    [(["a", "a"], 1, "duplicate"), (["a/b"], 1, "letters"), (["a"], 0, "no pages")],
)
def test_bad_documents_are_refused_before_anything_is_written(
    store: Store, keys: SealingKeys, doc_ids: list[str], pages: int, problem: str
) -> None:
    docs = [(d, "cccd", pages, b"%PDF") for d in doc_ids]
    with pytest.raises(ValueError, match=problem):
        seal(store, make_application(), docs, keys=keys, appointment_date=APPOINTMENT)
    assert list_applications(store) == []
    assert not store.docs_dir.exists()


def test_two_connections_sealing_the_same_application_make_one(
    store_path: Path, clock: FakeWallClock, keys: SealingKeys
) -> None:
    app = make_application()
    barrier = threading.Barrier(2, timeout=10)
    results: list[SealedRecord] = []
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        try:
            with open_store(store_path, clock=clock) as own:
                barrier.wait()
                results.append(seal(own, app, make_documents(seed), keys=keys, appointment_date=APPOINTMENT))
        except BaseException as exc:
            errors.append(exc)

    with open_store(store_path, clock=clock):  # create the file before the race
        pass
    threads = [threading.Thread(target=worker, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 2
    assert results[0] == results[1]
    with open_store(store_path, clock=clock) as check:
        assert [r.kiosk_seq for r in list_applications(check)] == [1]
        assert sweep(check).clean
