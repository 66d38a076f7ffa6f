"""The start-up sweep: temp files go, orphans are set aside (never deleted), damaged rows are
flagged, never deleted; an old or replaced database refuses to start."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.sealing import SealingKeys, seal
from kiosk.store import (
    ApplicationState,
    SealedRecord,
    Store,
    SweepReport,
    documents_of,
    events_of,
    get_application,
    sweep,
)
from kiosk.store.errors import StoreRefusedError
from kiosk.store.sweep import QUARANTINE_DIRNAME, discard_unsealed, quarantine_summary
from tests.unit.store.store_fakes import make_application, make_documents


def _seal(store: Store, keys: SealingKeys, seed: int = 0) -> SealedRecord:
    return seal(
        store, make_application(), make_documents(seed), keys=keys, appointment_date=date(2026, 12, 1)
    )


def test_a_clean_store_needs_nothing(store: Store, keys: SealingKeys) -> None:
    _seal(store, keys)
    assert sweep(store).clean


def test_orphans_are_set_aside_and_temp_files_removed(store: Store, keys: SealingKeys) -> None:
    kept = _seal(store, keys)
    orphan_dir = store.docs_dir / "0b7e2a4c-0000-4000-8000-000000000000"
    orphan_dir.mkdir()
    (orphan_dir / "doc0").write_bytes(b"from a seal that never committed")
    (orphan_dir / ".doc1.abc.tmp").write_bytes(b"half")
    kept_dir = store.docs_dir / kept.application_id
    (kept_dir / ".doc0.def.tmp").write_bytes(b"half a rewrite")
    (kept_dir / "stray").write_bytes(b"not in the manifest")
    (store.docs_dir / ".x.123.tmp").write_bytes(b"")

    report = sweep(store)

    assert report == SweepReport(temp_files_removed=3, orphan_files_quarantined=2, orphan_dirs_quarantined=1)
    assert sorted(p.name for p in store.docs_dir.iterdir()) == [kept.application_id]
    assert sorted(p.name for p in kept_dir.iterdir()) == [d.doc_id for d in make_documents()]
    assert sweep(store).clean
    aside = store.data_dir / QUARANTINE_DIRNAME
    moved = sorted(str(p.relative_to(aside)).split("/", 1)[1] for p in aside.rglob("*") if p.is_file())
    assert moved == sorted([f"{kept.application_id}/stray", "0b7e2a4c-0000-4000-8000-000000000000/doc0"])
    assert (next(aside.rglob("doc0"))).read_bytes() == b"from a seal that never committed"
    summary = quarantine_summary(store.data_dir)
    assert (summary.files, summary.bytes) == (2, len(b"from a seal that never committed") + 19)


def test_more_unknown_folders_than_a_power_cut_leaves_refuse_and_touch_nothing(
    store: Store, keys: SealingKeys
) -> None:
    _seal(store, keys)
    for n in range(2):
        unknown = store.docs_dir / f"0b7e2a4c-0000-4000-8000-00000000000{n}"
        unknown.mkdir()
        (unknown / "doc0").write_bytes(b"an application this database never heard of")
        (unknown / ".doc1.abc.tmp").write_bytes(b"half")
    before = sorted(str(p) for p in store.docs_dir.rglob("*"))
    events = store.query("SELECT count(*) FROM application_events")[0][0]

    with pytest.raises(StoreRefusedError, match="2 folder"):
        sweep(store)

    assert sorted(str(p) for p in store.docs_dir.rglob("*")) == before
    assert not (store.data_dir / QUARANTINE_DIRNAME).exists()
    assert store.query("SELECT count(*) FROM application_events")[0][0] == events


def test_a_failed_seal_discards_its_files_only_when_no_row_has_them(store: Store, keys: SealingKeys) -> None:
    record = _seal(store, keys)
    assert discard_unsealed(store, record.application_id) is False  # a row references it: kept
    assert (store.docs_dir / record.application_id).is_dir()
    stray = store.docs_dir / "0b7e2a4c-0000-4000-8000-000000000009"
    stray.mkdir()
    (stray / "doc0").write_bytes(b"written by a seal that rolled back")
    assert discard_unsealed(store, stray.name) is True
    assert not stray.exists()


def test_missing_or_altered_files_flag_the_row_once(store: Store, keys: SealingKeys) -> None:
    missing, altered, sound = (_seal(store, keys, seed) for seed in range(3))
    (store.data_dir / documents_of(store, missing.application_id)[1].path).unlink()
    victim = store.data_dir / documents_of(store, altered.application_id)[0].path
    data = bytearray(victim.read_bytes())
    data[-1] ^= 0xFF
    victim.write_bytes(bytes(data))

    report = sweep(store)
    again = sweep(store)

    assert (report.damaged_applications, report.newly_damaged) == (2, 2)
    assert (again.damaged_applications, again.newly_damaged) == (2, 0)
    flagged_missing = get_application(store, missing.application_id)
    flagged_altered = get_application(store, altered.application_id)
    assert flagged_missing is not None
    assert flagged_altered is not None
    assert flagged_missing.damaged_reason == "document doc1: missing"
    assert flagged_altered.damaged_reason == "document doc0: hash mismatch"
    assert flagged_missing.state is ApplicationState.QUEUED  # kept, for staff to see
    assert get_application(store, sound.application_id) == sound
    damage_events = [e for e in events_of(store, missing.application_id) if "damaged" in e.detail]
    assert len(damage_events) == 1
    assert victim.exists()


def test_size_only_check_skips_hashing(store: Store, keys: SealingKeys) -> None:
    record = _seal(store, keys)
    victim = store.data_dir / documents_of(store, record.application_id)[0].path
    data = bytearray(victim.read_bytes())
    data[0] ^= 0xFF
    victim.write_bytes(bytes(data))
    assert sweep(store, verify_hashes=False).clean
    assert sweep(store).newly_damaged == 1


def test_sealed_rows_left_by_a_cut_are_queued(store: Store, keys: SealingKeys) -> None:
    record = _seal(store, keys)
    with store.write() as conn:  # as a cut between the seal's commit and its hand-over leaves it
        conn.execute("UPDATE applications SET state = 'sealed' WHERE application_id = ?",
                     (record.application_id,))
    assert sweep(store).queued == 1
    after = get_application(store, record.application_id)
    assert after is not None
    assert after.state is ApplicationState.QUEUED


def test_purged_applications_keep_their_tombstone(store: Store, keys: SealingKeys) -> None:
    record = _seal(store, keys)
    with store.write() as conn:
        conn.execute(
            "UPDATE applications SET purged_at = '2027-01-01T00:00:00Z' WHERE application_id = ?",
            (record.application_id,),
        )
    report = sweep(store)
    assert report.purged_dirs_removed == 1  # the row proves the purge: finishing it is safe
    assert report.orphan_dirs_removed == 0
    assert report.damaged_applications == 0
    assert get_application(store, record.application_id) is not None
    assert not Path(store.docs_dir / record.application_id).exists()


def test_a_restored_file_clears_the_flag(store: Store, keys: SealingKeys) -> None:
    record = _seal(store, keys)
    path = store.data_dir / documents_of(store, record.application_id)[2].path
    saved = path.read_bytes()
    path.unlink()
    assert sweep(store).newly_damaged == 1
    path.write_bytes(saved)  # a technician restores it from a backup
    report = sweep(store)
    assert (report.damaged_applications, report.repaired) == (0, 1)
    restored = get_application(store, record.application_id)
    assert restored is not None
    assert restored.damaged_reason is None
    assert events_of(store, record.application_id)[-1].detail.startswith("damage cleared")
    assert sweep(store).clean
