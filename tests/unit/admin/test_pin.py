"""Technician/staff PINs: scrypt hashes on disk, five wrong tries lock for five minutes."""

import json
from pathlib import Path

import pytest

from kiosk.admin.pin import LOCK_SECONDS, PinGuard, PinOutcome, Role
from tests.fakes import FakeClock


def test_pin_is_stored_as_a_scrypt_hash(tmp_path: Path) -> None:
    guard = PinGuard(tmp_path / "pins.json", FakeClock(1000.0))
    guard.set_pin(Role.TECHNICIAN, "246810")
    text = (tmp_path / "pins.json").read_text("utf-8")
    assert "246810" not in text
    assert set(json.loads(text)["technician"]) == {"salt", "hash", "n", "failures", "locked_until", "locks"}
    assert (tmp_path / "pins.json").stat().st_mode & 0o777 == 0o600
    assert guard.check(Role.TECHNICIAN, "246810").outcome is PinOutcome.ACCEPTED
    assert guard.check(Role.STAFF, "246810").outcome is PinOutcome.NOT_SET


def test_five_wrong_tries_lock_for_five_minutes_even_across_restarts(tmp_path: Path) -> None:
    clock = FakeClock(1000.0)
    guard = PinGuard(tmp_path / "pins.json", clock)
    guard.set_pin(Role.STAFF, "135790")
    lefts = [guard.check(Role.STAFF, "000000").tries_left for _ in range(4)]
    assert lefts == [4, 3, 2, 1]
    assert guard.check(Role.STAFF, "000000").outcome is PinOutcome.LOCKED
    restarted = PinGuard(tmp_path / "pins.json", clock)
    locked = restarted.check(Role.STAFF, "135790")  # even the right PIN waits
    assert locked.outcome is PinOutcome.LOCKED
    assert locked.locked_for_s == LOCK_SECONDS
    clock.now += LOCK_SECONDS - 1
    assert restarted.check(Role.STAFF, "135790").outcome is PinOutcome.LOCKED
    clock.now += 1
    assert restarted.check(Role.STAFF, "135790").outcome is PinOutcome.ACCEPTED


def test_a_right_pin_resets_the_count(tmp_path: Path) -> None:
    guard = PinGuard(tmp_path / "pins.json", FakeClock(1000.0))
    guard.set_pin(Role.STAFF, "135790")
    guard.check(Role.STAFF, "1")
    assert guard.check(Role.STAFF, "135790").outcome is PinOutcome.ACCEPTED
    assert guard.check(Role.STAFF, "2").tries_left == 4


@pytest.mark.parametrize("bad", ["12345", "abcdef", "1234567890123"])
def test_weak_or_malformed_pins_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError, match="6 to 12 digits"):
        PinGuard(tmp_path / "pins.json", FakeClock(1000.0)).set_pin(Role.STAFF, bad)
