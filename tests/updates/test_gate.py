"""The between-sessions gate: the UI yields to an update only idle at Welcome, and says so."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.update import gate
from kiosk.update.gate import Gate
from tests.fakes import FakeClock


def test_no_hold_no_yield_and_state_published(tmp_path: Path) -> None:
    clock = FakeClock(1_000_000.0)
    g = Gate(tmp_path, min_idle_s=60, clock=clock)
    assert not g.tick("welcome")
    state = gate.read_ui_state(tmp_path)
    assert state == gate.UiState("idle", clock.now, os.getpid())
    clock.now += 3600
    assert not g.tick("welcome")  # idle for an hour, but no update is waiting


def test_a_session_is_never_cut(tmp_path: Path) -> None:
    clock = FakeClock(1_000_000.0)
    g = Gate(tmp_path, min_idle_s=60, clock=clock)
    gate.request_hold(tmp_path, "1.1", clock.now)
    for screen in ("procedure", "question", "lookup", "queue", "done", "rating"):
        clock.now += 600
        assert not g.tick(screen), screen
        state = gate.read_ui_state(tmp_path)
        assert state is not None
        assert state.state == "session"


def test_yields_only_after_min_idle_at_welcome(tmp_path: Path) -> None:
    clock = FakeClock(1_000_000.0)
    g = Gate(tmp_path, min_idle_s=60, clock=clock)
    assert not g.tick("done")
    gate.request_hold(tmp_path, "1.1", clock.now)
    clock.now += 1
    assert not g.tick("welcome")  # a citizen just finished: the next one may be walking up
    clock.now += 59.5
    assert not g.tick("welcome")
    clock.now += 1
    assert g.tick("welcome")
    state = gate.read_ui_state(tmp_path)
    assert state == gate.UiState("yielded", clock.now, os.getpid())
    assert g.tick("welcome")  # stays yielded (the UI is quitting)


def test_a_citizen_restarts_the_idle_count(tmp_path: Path) -> None:
    clock = FakeClock(1_000_000.0)
    g = Gate(tmp_path, min_idle_s=60, clock=clock)
    gate.request_hold(tmp_path, "1.1", clock.now)
    g.tick("welcome")
    clock.now += 50
    g.tick("procedure")
    clock.now += 5
    assert not g.tick("welcome")
    clock.now += 30
    assert not g.tick("welcome")  # 30 s idle since the citizen left, not 85
    clock.now += 31
    assert g.tick("welcome")


def test_stale_or_released_hold_is_ignored(tmp_path: Path) -> None:
    clock = FakeClock(1_000_000.0)
    g = Gate(tmp_path, min_idle_s=0, clock=clock)
    gate.request_hold(tmp_path, "1.1", clock.now - gate.HOLD_STALE_S - 1)  # an updater that died
    assert not g.tick("welcome")
    gate.request_hold(tmp_path, "1.1", clock.now)
    gate.release_hold(tmp_path)
    assert not g.tick("welcome")


def test_started_proof(tmp_path: Path) -> None:
    assert gate.started_at(tmp_path) is None
    gate.confirm_started(tmp_path, now=123.0)
    assert gate.started_at(tmp_path) == 123.0
    (tmp_path / gate.STARTED).write_text("{garbage")
    assert gate.started_at(tmp_path) is None
