from datetime import UTC, datetime

import pytest

from kiosk.sim.clock import ShiftableClock


def test_both_clocks_move_together() -> None:
    clock = ShiftableClock(lambda: datetime(2026, 11, 22, 8, 0, tzinfo=UTC), lambda: 100.0)
    assert clock.shift(90) == 90
    assert clock.monotonic() == 190.0
    assert clock.now() == datetime(2026, 11, 22, 8, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="forward"):
        clock.shift(-1)
