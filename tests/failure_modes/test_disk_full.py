"""Disk full while sealing: a clear StoreUnavailable, and nothing half-written remains.

Two ways the disk fills: a document write fails with ENOSPC (injected writer: a tiny filesystem
needs root to mount), and SQLite itself finds no room (``PRAGMA max_page_count`` on a real file).
"""

from __future__ import annotations

import errno
import os
import random
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.sealing import SealingKeys, seal
from kiosk.store import (
    ApplicationState,
    SealedRecord,
    Store,
    StoreUnavailable,
    Unavailability,
    list_applications,
    open_store,
    sweep,
)
from kiosk.store.files import atomic_write
from tests.crash.citizens import random_application, random_documents

APPOINTMENT = date(2026, 11, 26)


@pytest.fixture
def keys() -> SealingKeys:
    return SealingKeys("kiosk-full", "FUL", X25519PrivateKey.generate().public_key())


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "data" / "kiosk.sqlite3")


def _files(store: Store) -> set[Path]:
    return {p for p in store.data_dir.rglob("*") if p.is_file() and "docs" in p.parts}


def test_enospc_on_a_document_write_is_reported_and_leaves_nothing(store: Store, keys: SealingKeys) -> None:
    rng = random.Random(3)
    with store:
        kept = seal(
            store, random_application(rng), random_documents(rng), keys=keys, appointment_date=APPOINTMENT
        )
        files_before = _files(store)
        app, docs = random_application(rng), random_documents(rng)
        calls: list[str] = []

        def full_on_second(directory: Path, name: str, data: bytes) -> Path:
            calls.append(name)
            if len(calls) == 2:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return atomic_write(directory, name, data)

        with pytest.raises(StoreUnavailable) as caught:
            seal(store, app, docs, keys=keys, appointment_date=APPOINTMENT, writer=full_on_second)

        assert caught.value.reason is Unavailability.DISK_FULL
        assert str(caught.value).startswith("the kiosk's disk is full")
        assert "No space left on device" in str(caught.value)
        assert list_applications(store) == [kept]
        assert _files(store) == files_before
        assert store.query("SELECT value FROM counters")[0][0] == 1
        assert sweep(store).clean

        retried = seal(store, app, docs, keys=keys, appointment_date=APPOINTMENT)
        assert (retried.kiosk_seq, retried.state) == (2, ApplicationState.QUEUED)


def test_sqlite_full_is_reported_and_the_store_recovers(store: Store, keys: SealingKeys) -> None:
    rng = random.Random(4)
    with store:
        sealed: list[SealedRecord] = [
            seal(
                store, random_application(rng), random_documents(rng), keys=keys, appointment_date=APPOINTMENT
            )
        ]
        pages = store.query("PRAGMA page_count")[0][0]
        store.query(f"PRAGMA max_page_count = {pages + 2}")
        failure: StoreUnavailable | None = None
        for _ in range(50):
            try:
                sealed.append(
                    seal(
                        store,
                        random_application(rng),
                        random_documents(rng),
                        keys=keys,
                        appointment_date=APPOINTMENT,
                    )
                )
            except StoreUnavailable as exc:
                failure = exc
                break
        assert failure is not None, "the database never filled up"
        assert failure.reason is Unavailability.DISK_FULL
        assert "database or disk is full" in str(failure)

        assert store.query("PRAGMA integrity_check")[0][0] == "ok"
        ids = {r.application_id for r in list_applications(store)}
        assert ids == {r.application_id for r in sealed}
        assert {p.name for p in store.docs_dir.iterdir()} == ids
        assert store.query("SELECT value FROM counters")[0][0] == len(sealed)

        store.query("PRAGMA max_page_count = 1073741823")
        report = sweep(store)
        assert report.orphan_dirs_removed == report.temp_files_removed == report.newly_damaged == 0
        after = seal(
            store, random_application(rng), random_documents(rng), keys=keys, appointment_date=APPOINTMENT
        )
        assert after.kiosk_seq == len(sealed) + 1
