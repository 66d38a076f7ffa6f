"""Whatever mess a crash or a technician leaves in the docs folder, one sweep sorts it out,
and nothing a citizen sealed is ever deleted: orphans are set aside, and more unknown folders
than a power cut can leave make the sweep refuse with nothing touched."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.sealing import SealingKeys, seal
from kiosk.store import documents_of, list_applications, open_store, sweep
from kiosk.store.errors import StoreRefusedError
from kiosk.store.files import is_temp_name
from kiosk.store.sweep import QUARANTINE_DIRNAME
from tests.unit.store.store_fakes import make_application, make_documents

APPS = 3
KEYS = SealingKeys("kiosk-prop", "PRP", X25519PrivateKey.generate().public_key())

damage = st.tuples(
    st.sampled_from(["delete", "corrupt", "temp", "stray", "orphan_dir"]),
    st.integers(0, APPS - 1),
    st.integers(0, 2),
)


@settings(max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(damage, max_size=8))
def test_one_sweep_makes_disk_and_rows_agree(actions: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "k.sqlite3") as store:
        records = [
            seal(store, make_application(), make_documents(i), keys=KEYS, appointment_date=date(2027, 1, 4))
            for i in range(APPS)
        ]
        expected_damaged: set[str] = set()
        orphans: set[str] = set()
        strays = 0
        for action, app_index, doc_index in actions:
            record = records[app_index]
            app_dir = store.docs_dir / record.application_id
            doc = store.data_dir / documents_of(store, record.application_id)[doc_index].path
            if action == "delete" and doc.exists():
                doc.unlink()
                expected_damaged.add(record.application_id)
            elif action == "corrupt" and doc.exists():
                doc.write_bytes(doc.read_bytes()[::-1] + b"!")
                expected_damaged.add(record.application_id)
            elif action == "temp":
                (app_dir / f".{doc.name}.{doc_index}.tmp").write_bytes(b"half")
            elif action == "stray":
                if not (app_dir / f"stray{doc_index}").exists():
                    strays += 1
                (app_dir / f"stray{doc_index}").write_bytes(b"?")
            elif action == "orphan_dir":
                orphan = store.docs_dir / f"00000000-0000-4000-8000-00000000000{doc_index}"
                orphan.mkdir(exist_ok=True)
                (orphan / "doc1").write_bytes(b"never committed")
                orphans.add(orphan.name)

        if len(orphans) > 1:  # more than a power cut leaves: an old database, refuse
            before = sorted((str(p), p.stat().st_size) for p in store.docs_dir.rglob("*"))
            with pytest.raises(StoreRefusedError):
                sweep(store)
            assert sorted((str(p), p.stat().st_size) for p in store.docs_dir.rglob("*")) == before
            return

        sweep(store)
        aside = store.data_dir / QUARANTINE_DIRNAME
        kept = [p for p in aside.rglob("*") if p.is_file()] if aside.exists() else []
        assert len(kept) == strays + len(orphans)  # set aside, not deleted

        damaged = {r.application_id for r in list_applications(store) if r.damaged_reason}
        assert damaged == expected_damaged
        assert {p.name for p in store.docs_dir.iterdir()} == {r.application_id for r in records}
        for record in records:
            names = {p.name for p in (store.docs_dir / record.application_id).iterdir()}
            assert names <= {d.doc_id for d in documents_of(store, record.application_id)}
        assert not [p for p in store.docs_dir.rglob("*") if is_temp_name(p.name)]
        second = sweep(store)
        assert (second.newly_damaged, second.orphan_files_removed, second.temp_files_removed) == (0, 0, 0)
