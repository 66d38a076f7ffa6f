"""The between-sessions gate: the UI yields to an update only idle at Welcome, and says so."""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.update import gate
from kiosk.update.gate import Gate


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_no_hold_no_yield_and_state_published(tmp_path: Path) -> None:
    clock = Clock()
    g = Gate(tmp_path, min_idle_s=60, clock=clock)
    assert not g.tick("welcome")
    state = gate.read_ui_state(tmp_path)
    assert state == gate.UiState("idle", clock.t, os.getpid())
    clock.t += 3600
    assert not g.tick("welcome")  # idle for an hour, but no update is waiting


def test_a_session_is_never_cut(tmp_path: Path) -> None:
    clock = Clock()
    g = Gate(tmp_path, min_idle_s=60, clock=clock)
    gate.request_hold(tmp_path, "1.1", clock.t)
    for screen in ("procedure", "question", "lookup", "queue", "done", "rating"):
        clock.t += 600
        assert not g.tick(screen), screen
        state = gate.read_ui_state(tmp_path)
        assert state is not None
        assert state.state == "session"


def test_yields_only_after_min_idle_at_welcome(tmp_path: Path) -> None:
    clock = Clock()
    g = Gate(tmp_path, min_idle_s=60, clock=clock)
    assert not g.tick("done")
    gate.request_hold(tmp_path, "1.1", clock.t)
    clock.t += 1
    assert not g.tick("welcome")  # a citizen just finished: the next one may be walking up
    clock.t += 59.5
    assert not g.tick("welcome")
    clock.t += 1
    assert g.tick("welcome")
    state = gate.read_ui_state(tmp_path)
    assert state == gate.UiState("yielded", clock.t, os.getpid())
    assert g.tick("welcome")  # stays yielded (the UI is quitting)


def test_a_citizen_restarts_the_idle_count(tmp_path: Path) -> None:
    clock = Clock()
    g = Gate(tmp_path, min_idle_s=60, clock=clock)
    gate.request_hold(tmp_path, "1.1", clock.t)
    g.tick("welcome")
    clock.t += 50
    g.tick("procedure")
    clock.t += 5
    assert not g.tick("welcome")
    clock.t += 30
    assert not g.tick("welcome")  # 30 s idle since the citizen left, not 85
    clock.t += 31
    assert g.tick("welcome")


def test_stale_or_released_hold_is_ignored(tmp_path: Path) -> None:
    clock = Clock()
    g = Gate(tmp_path, min_idle_s=0, clock=clock)
    gate.request_hold(tmp_path, "1.1", clock.t - gate.HOLD_STALE_S - 1)  # an updater that died
    assert not g.tick("welcome")
    gate.request_hold(tmp_path, "1.1", clock.t)
    gate.release_hold(tmp_path)
    assert not g.tick("welcome")


def test_started_proof(tmp_path: Path) -> None:
    assert gate.started_at(tmp_path) is None
    gate.confirm_started(tmp_path, now=123.0)
    assert gate.started_at(tmp_path) == 123.0
    (tmp_path / gate.STARTED).write_text("{garbage")
    assert gate.started_at(tmp_path) is None
