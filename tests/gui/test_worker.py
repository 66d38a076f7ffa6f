"""DeviceWorker: answers come back on the GUI thread; closing with work queued is quiet."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.worker import DeviceWorker

pytestmark = pytest.mark.gui


def test_the_answer_comes_back_on_the_gui_thread(qtbot: QtBot) -> None:
    worker = DeviceWorker("t")
    got: list[tuple[int, bool]] = []
    try:
        on_gui = threading.main_thread()
        worker.run(lambda: 6 * 7, lambda v: got.append((v, threading.current_thread() is on_gui)))
        qtbot.waitUntil(lambda: bool(got), timeout=5000)
    finally:
        worker.close()
    assert got == [(42, True)]


def test_closing_with_work_queued_cancels_it_without_an_error(qtbot: QtBot) -> None:
    # The conftest guard fails this test if anything logs a warning or error (it did: a cancelled
    # job's callback asked the future for its exception and raised CancelledError in the pool).
    worker = DeviceWorker("t")
    release = threading.Event()
    started = threading.Event()
    ran: list[str] = []

    def blocking() -> str:
        started.set()
        release.wait(5)
        return "first"

    worker.run(blocking, ran.append)
    worker.run(lambda: "second", ran.append)  # queued behind the first: cancelled by close
    assert started.wait(5)
    closer = threading.Thread(target=worker.close)
    closer.start()
    # close() cancels what is queued (under the pool's shutdown lock) before it waits for the
    # running job: release that job only after, so the second job is always the cancelled one.
    pool = worker._pool
    qtbot.waitUntil(lambda: pool._shutdown, timeout=5000)
    with pool._shutdown_lock:
        pass
    release.set()
    closer.join(5)
    assert not closer.is_alive()
    qtbot.wait(50)  # let a queued answer, if any were wrongly posted, arrive
    assert "second" not in ran
