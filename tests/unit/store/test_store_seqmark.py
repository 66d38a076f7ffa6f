"""The kiosk_seq high-water mark: on disk before a number is used, no gap after a failed seal,
never a number twice even when the database is replaced."""

from __future__ import annotations

import errno
from datetime import date
from pathlib import Path

import pytest

from kiosk.sealing import SealingKeys, seal
from kiosk.store import Store, StoreUnavailable, open_store
from kiosk.store.files import atomic_write
from kiosk.store.seqmark import SeqMark, mark_path, next_seq, read_mark, write_mark
from tests.fakes import FakeWallClock
from tests.unit.store.store_fakes import make_application, make_documents

APPOINTMENT = date(2026, 12, 1)


def _seal(store: Store, keys: SealingKeys, seed: int = 0) -> int:
    record = seal(store, make_application(), make_documents(seed), keys=keys, appointment_date=APPOINTMENT)
    return record.kiosk_seq


@pytest.mark.parametrize(
    ("counter", "mark", "expected"),
    [
        (0, SeqMark(), 1),  # a new kiosk
        (5, SeqMark(5, 5), 6),  # the usual case
        (5, SeqMark(6, 5), 6),  # seal 6 rolled back: 6 again, no gap
        (5, SeqMark(6, 6), 7),  # 6 committed, then the database lost it (older backup)
        (0, SeqMark(10, 10), 11),  # the database replaced by a new one
        (0, SeqMark(10, 9), 11),  # ... and the last commit's note never reached the disk
        (7, SeqMark(3, 3), 8),  # an old mark (upgrade): the database's counter wins
    ],
)
def test_next_number(counter: int, mark: SeqMark, expected: int) -> None:
    assert next_seq(counter, mark) == expected


def test_each_seal_leaves_its_number_on_disk(store: Store, keys: SealingKeys) -> None:
    assert [_seal(store, keys, n) for n in range(3)] == [1, 2, 3]
    assert read_mark(mark_path(store.path)) == SeqMark(reserved=3, committed=3)


def test_the_number_is_on_disk_before_any_file_is_written(store: Store, keys: SealingKeys) -> None:
    seen: list[SeqMark] = []

    def watching(directory: Path, name: str, data: bytes) -> Path:
        seen.append(read_mark(mark_path(store.path)))
        return atomic_write(directory, name, data)

    seal(store, make_application(), make_documents(), keys=keys, appointment_date=APPOINTMENT,
         writer=watching)
    assert seen[0] == SeqMark(reserved=1, committed=0)


def test_a_failed_seal_leaves_no_gap(store: Store, keys: SealingKeys) -> None:
    assert _seal(store, keys) == 1

    def full(directory: Path, name: str, data: bytes) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(StoreUnavailable):
        seal(store, make_application(), make_documents(1), keys=keys, appointment_date=APPOINTMENT,
             writer=full)
    assert read_mark(mark_path(store.path)).reserved == 2
    assert _seal(store, keys, 2) == 2  # the gateway acknowledges a contiguous run only


def test_a_replaced_database_never_reuses_a_number(
    store_path: Path, clock: FakeWallClock, keys: SealingKeys, tmp_path: Path
) -> None:
    with open_store(store_path, clock=clock) as store:
        assert [_seal(store, keys, n) for n in range(2)] == [1, 2]
    # a technician moves the database and the documents aside and starts afresh
    aside = tmp_path / "aside"
    aside.mkdir()
    for path in store_path.parent.iterdir():
        if path.name != mark_path(store_path).name:
            path.rename(aside / path.name)
    with open_store(store_path, clock=clock) as fresh:
        assert _seal(fresh, keys, 3) == 3


def test_an_unreadable_mark_refuses_to_open(store_path: Path, clock: FakeWallClock) -> None:
    from kiosk.store.errors import StoreRefusedError

    open_store(store_path, clock=clock).close()
    write_mark(mark_path(store_path), SeqMark(4, 4))
    mark_path(store_path).write_text("{not json", "utf-8")
    with pytest.raises(StoreRefusedError, match="kiosk_seq"):
        open_store(store_path, clock=clock)
