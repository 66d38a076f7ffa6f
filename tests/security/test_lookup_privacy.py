"""The status lookup cannot list strangers' applications.

Codes are sequential and their check digit is public. Before the fix, typing any code at the
lookup screen showed that citizen's masked name, the officer's note and the appointment date, as
fast as one could type. Now: a typed code shows only the state; the slip's QR (code + a random
token) shows the rest; a forged token shows nothing; lookups are rate-limited. Real store file,
the real view-model and the Vietnamese strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pytestqt.qtbot import QtBot

from devices.qr.simulated import SimulatedQrReader
from kiosk.domain.appcode import application_code
from kiosk.domain.lookup_code import slip_qr_text
from kiosk.lookup import LookupKind, LookupLimiter, look_up
from kiosk.sealing import SealingKeys, seal
from kiosk.store import SealedRecord, Store, open_store
from kiosk.store.core import iso_utc
from kiosk.ui.i18n import Strings
from kiosk.ui.login_vm import QrSession
from kiosk.ui.lookup_vm import LookupVm
from kiosk.ui.worker import DeviceWorker
from tests.fakes import FakeWallClock
from tests.unit.store.store_fakes import make_application, make_documents

pytestmark = pytest.mark.gui


@pytest.fixture
def clock() -> FakeWallClock:
    return FakeWallClock(datetime(2026, 11, 23, 2, 16, 0, tzinfo=UTC))


@pytest.fixture
def store(tmp_path: Path, clock: FakeWallClock) -> Iterator[Store]:
    with open_store(tmp_path / "data" / "kiosk.sqlite3", clock=clock) as opened:
        yield opened


@pytest.fixture
def keys() -> SealingKeys:
    return SealingKeys("kiosk-tq-001", "TQ1", X25519PrivateKey.generate().public_key())


class Monotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _sealed(store: Store, keys: SealingKeys, n: int) -> list[SealedRecord]:
    made = [seal(store, make_application(), make_documents(i), keys=keys, appointment_date=date(2026, 12, 1))
            for i in range(n)]
    with store.write() as conn:  # an officer's note came back for the first one
        conn.execute("UPDATE applications SET gateway_state = 'needs_more_documents', "
                     "gateway_note_vi = 'Thiếu bản sao giấy khai sinh' WHERE application_id = ?",
                     (made[0].application_id,))
    return made


class WaitingLookup:
    """The view-model as a citizen meets it: one lookup (on the store's worker), then its answer."""

    def __init__(self, vm: LookupVm, qtbot: QtBot) -> None:
        self.vm = vm
        self._qtbot = qtbot

    def find(self, text: str) -> None:
        self.vm.find(text)
        self._qtbot.waitUntil(lambda: not self.vm.is_busy(), timeout=5000)

    @property
    def result(self) -> str:
        return str(self.vm.result)


@pytest.fixture
def vm(qtbot: QtBot, store: Store) -> Iterator[tuple[WaitingLookup, Monotonic]]:
    worker = DeviceWorker("lookup-test")
    store_worker = DeviceWorker("lookup-store")
    reader = SimulatedQrReader()
    clock = Monotonic()
    limiter = LookupLimiter(clock)
    lookup = LookupVm(Strings("vi"), lambda text: look_up(store, text, limiter),
                      QrSession(reader, worker), "TQ1", worker=store_worker)
    yield WaitingLookup(lookup, qtbot), clock
    lookup.end()
    store_worker.close()
    worker.close()


def test_every_application_gets_its_own_random_token(store: Store, keys: SealingKeys) -> None:
    records = _sealed(store, keys, 3)
    tokens = [r.lookup_token for r in records]
    assert all(t and len(t) >= 16 for t in tokens)
    assert len(set(tokens)) == 3


def test_a_typed_code_shows_the_state_and_nothing_about_the_person(
    vm: tuple[WaitingLookup, Monotonic], store: Store, keys: SealingKeys
) -> None:
    lookup, _ = vm
    stranger = _sealed(store, keys, 2)[0]
    lookup.find(stranger.application_code)
    shown = lookup.result
    assert stranger.application_code in shown
    assert "bổ sung" in shown  # where it is: needs more documents
    assert stranger.masked_name not in shown
    assert "Thiếu bản sao" not in shown
    assert "01/12/2026" not in shown
    assert "mã QR" in shown  # how to see more


def test_the_slip_qr_shows_everything(
    vm: tuple[WaitingLookup, Monotonic], store: Store, keys: SealingKeys
) -> None:
    lookup, _ = vm
    mine = _sealed(store, keys, 2)[0]
    lookup.find(slip_qr_text(mine.application_code, mine.lookup_token))
    shown = lookup.result
    assert mine.masked_name in shown
    assert "Thiếu bản sao giấy khai sinh" in shown
    assert "01/12/2026" in shown


def test_a_forged_token_shows_nothing(
    vm: tuple[WaitingLookup, Monotonic], store: Store, keys: SealingKeys
) -> None:
    lookup, _ = vm
    mine = _sealed(store, keys, 1)[0]
    lookup.find(slip_qr_text(mine.application_code, "A" * 16))
    assert mine.masked_name not in lookup.result
    assert "Không tìm thấy" in lookup.result


def test_walking_through_the_codes_is_slowed_down(
    vm: tuple[WaitingLookup, Monotonic], store: Store, keys: SealingKeys
) -> None:
    lookup, clock = vm
    _sealed(store, keys, 1)
    answers = []
    for seq in range(1, 9):
        lookup.find(application_code("TQ1", seq))
        answers.append(lookup.result)
    assert all("chờ" not in a for a in answers[:6])
    assert "Xin Ông/Bà chờ" in answers[6]
    clock.now += 60
    lookup.find(application_code("TQ1", 1))
    assert "chờ" not in lookup.result


def test_the_hourly_cap_holds_even_at_a_patient_pace(store: Store, keys: SealingKeys) -> None:
    _sealed(store, keys, 1)
    clock = Monotonic()
    limiter = LookupLimiter(clock)
    kinds = []
    for seq in range(1, 70):
        kinds.append(look_up(store, application_code("TQ1", seq), limiter).kind)
        clock.now += 11  # under the per-minute limit
    assert kinds[:60].count(LookupKind.THROTTLED) == 0
    assert LookupKind.THROTTLED in kinds[60:]


def test_an_older_slip_with_a_bare_code_gets_the_state(
    tmp_path: Path, keys: SealingKeys, clock: FakeWallClock
) -> None:
    path = tmp_path / "old" / "kiosk.sqlite3"
    with open_store(path, clock=clock, target_version=2) as old:
        old.conn.execute(
            "INSERT INTO applications(application_id, kiosk_seq, application_code, procedure_code, "
            "catalog_version, masked_name, confirmed_at, appointment_date, state, manifest_json, "
            "manifest_sha256, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ("a-old", 1, application_code("TQ1", 1), "HT-KT", "1", "N*** V*** A", iso_utc(clock()),
             "2026-12-01", "acked", "{}", "00", iso_utc(clock()), iso_utc(clock())))
        old.conn.execute("UPDATE counters SET value = 1 WHERE name = 'kiosk_seq'")
    with open_store(path, clock=clock) as upgraded:
        answer = look_up(upgraded, application_code("TQ1", 1), LookupLimiter(Monotonic()))
        assert answer.kind is LookupKind.STATE_ONLY
        assert answer.record is None
        sealed_now = seal(upgraded, replace(make_application()), make_documents(), keys=keys,
                          appointment_date=date(2026, 12, 1))
        assert sealed_now.lookup_token


def test_a_purged_application_still_answers_its_slip_without_a_name(
    vm: tuple[LookupVm, Monotonic], store: Store, keys: SealingKeys, clock: FakeWallClock
) -> None:
    from datetime import timedelta

    from kiosk.store import ApplicationState, transition
    from kiosk.store.retention import purge_acknowledged

    lookup, _ = vm
    mine = _sealed(store, keys, 1)[0]
    transition(store, mine.application_id, ApplicationState.ACKED, detail="gateway ack")
    with store.write() as conn:
        conn.execute("UPDATE applications SET acked_at = ? WHERE application_id = ?",
                     (store.now_text(), mine.application_id))
    clock.now += timedelta(days=31)
    assert purge_acknowledged(store) == 1
    lookup.find(slip_qr_text(mine.application_code, mine.lookup_token))
    shown = lookup.result
    assert shown.startswith(f"Hồ sơ {mine.application_code}: ")
    assert "()" not in shown
    assert mine.masked_name not in shown
