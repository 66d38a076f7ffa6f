"""Technician and staff PINs: no trivial PIN, scrypt at N = 2^17, a lockout that grows.

Before the fix: 000000 and 123456 were accepted, scrypt ran at N = 2^14 (cheap to brute-force
from a copied pins.json), and the lock was five minutes however often it was hit.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import secrets
from pathlib import Path

import pytest

from kiosk.admin import pin as pin_module
from kiosk.admin.pin import LOCK_SECONDS, MAX_TRIES, PinGuard, PinOutcome, Role
from tests.fakes import FakeClock


@pytest.mark.parametrize(
    "trivial",
    ["000000", "111111", "999999999", "123456", "654321", "234567", "789012", "0123456789",
     "121212", "123123", "909090"],
)
def test_trivial_pins_are_refused(tmp_path: Path, trivial: str) -> None:
    guard = PinGuard(tmp_path / "pins.json", FakeClock(1_000_000.0))
    with pytest.raises(ValueError, match="too easy to guess"):
        guard.set_pin(Role.TECHNICIAN, trivial)
    assert not (tmp_path / "pins.json").exists()


@pytest.mark.parametrize("fine", ["135790", "246810", "482915", "20261205"])
def test_ordinary_pins_are_accepted(tmp_path: Path, fine: str) -> None:
    PinGuard(tmp_path / "pins.json", FakeClock(1_000_000.0)).set_pin(Role.STAFF, fine)


def test_non_ascii_digits_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="6 to 12 digits"):
        PinGuard(tmp_path / "pins.json", FakeClock(1_000_000.0)).set_pin(Role.STAFF, "٠١٣٥٧٩")


def test_the_hash_is_scrypt_at_n_2_17(tmp_path: Path) -> None:
    PinGuard(tmp_path / "pins.json", FakeClock(1_000_000.0)).set_pin(Role.STAFF, "482915")
    entry = json.loads((tmp_path / "pins.json").read_text("utf-8"))["staff"]
    assert entry["n"] >= 2**17
    expected = hashlib.scrypt(b"482915", salt=base64.b64decode(entry["salt"]), n=2**17, r=8, p=1,
                              dklen=32, maxmem=256 * 1024 * 1024)
    assert base64.b64decode(entry["hash"]) == expected
    with pytest.raises(ValueError, match="cost"):
        PinGuard(tmp_path / "pins.json", FakeClock(1_000_000.0), cost=2**14)


def test_an_old_n_2_14_hash_still_verifies_and_is_upgraded(tmp_path: Path) -> None:
    salt = secrets.token_bytes(16)
    old = hashlib.scrypt(b"482915", salt=salt, n=2**14, r=8, p=1, dklen=32)
    (tmp_path / "pins.json").write_text(json.dumps({"technician": {
        "salt": base64.b64encode(salt).decode(), "hash": base64.b64encode(old).decode(),
        "failures": 0, "locked_until": 0}}), "utf-8")
    guard = PinGuard(tmp_path / "pins.json", FakeClock(1_000_000.0))
    assert guard.matching_role("482915") is Role.TECHNICIAN
    assert guard.check(Role.TECHNICIAN, "482915").outcome is PinOutcome.ACCEPTED
    entry = json.loads((tmp_path / "pins.json").read_text("utf-8"))["technician"]
    assert entry["n"] == 2**17
    assert base64.b64decode(entry["hash"]) != old
    assert guard.check(Role.TECHNICIAN, "482915").outcome is PinOutcome.ACCEPTED
    assert guard.check(Role.TECHNICIAN, "482916").outcome is PinOutcome.WRONG


def _lock(guard: PinGuard) -> int:
    for _ in range(MAX_TRIES - 1):
        assert guard.check(Role.STAFF, "000001").outcome is PinOutcome.WRONG
    locked = guard.check(Role.STAFF, "000001")
    assert locked.outcome is PinOutcome.LOCKED
    return locked.locked_for_s


def test_each_further_lock_lasts_twice_as_long_until_a_right_pin(tmp_path: Path) -> None:
    clock = FakeClock(1_000_000.0)
    guard = PinGuard(tmp_path / "pins.json", clock)
    guard.set_pin(Role.STAFF, "482915")
    durations = []
    for _ in range(3):
        durations.append(_lock(guard))
        clock.now += durations[-1]
    assert durations == [LOCK_SECONDS, 2 * LOCK_SECONDS, 4 * LOCK_SECONDS]
    restarted = PinGuard(tmp_path / "pins.json", clock)  # the growth survives a restart
    assert _lock(restarted) == 8 * LOCK_SECONDS
    clock.now += 8 * LOCK_SECONDS
    assert restarted.check(Role.STAFF, "482915").outcome is PinOutcome.ACCEPTED
    assert _lock(restarted) == LOCK_SECONDS  # a right PIN starts the count again


def test_a_full_disk_does_not_lift_the_lockout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(1_000_000.0)
    guard = PinGuard(tmp_path / "pins.json", clock)
    guard.set_pin(Role.STAFF, "482915")

    def full(directory: Path, name: str, data: bytes) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pin_module, "atomic_write", full)
    assert _lock(guard) == LOCK_SECONDS
    assert guard.check(Role.STAFF, "482915").outcome is PinOutcome.LOCKED
    assert "PIN tries kept in memory only: OSError" in caplog.text
