"""Guards every test keeps: no thread, Qt window or QML engine outlives it; no logged warning.

A GUI test that leaves a worker thread running, or a QML engine whose ``deleteLater`` is still
pending, lets that object die in the middle of a later test (that is how a QQmlApplicationEngine
crashed ``engine.load`` of the next test once in two runs). These fixtures make such a leak fail
the test that caused it, where the cause is still visible.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from collections.abc import Iterator

import pytest

THREAD_GRACE_S = 5.0
QT_FIXTURES = frozenset({"qapp", "qtbot", "ui"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives Qt carries the ``gui`` marker (``-m "not gui"`` then means no Qt)."""
    for item in items:
        uses_qt = QT_FIXTURES & set(getattr(item, "fixturenames", ()))
        if (uses_qt or "tests/gui/" in item.nodeid) and item.get_closest_marker("gui") is None:
            item.add_marker(pytest.mark.gui)


def _new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t not in before and t.is_alive()]


@pytest.fixture(autouse=True)
def no_leaked_threads(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves a Python thread running after its fixtures are torn down."""
    before = set(threading.enumerate())
    yield
    if request.node.get_closest_marker("leaks_threads_ok"):
        return
    for thread in _new_threads(before):
        thread.join(timeout=THREAD_GRACE_S)
    leaked = _new_threads(before)
    if leaked:
        names = ", ".join(sorted(t.name for t in leaked))
        pytest.fail(f"test left {len(leaked)} thread(s) running: {names}", pytrace=False)


@pytest.fixture(autouse=True)
def umask_restored() -> Iterator[None]:
    """Give the next test the umask this one started with.

    `kiosk.cli.main` sets the kiosk's umask 077 for its whole process, as it should; called in
    process by a test it used to leave 077 to every later test, whose subprocesses (a package
    build among them) then made files no other user could read."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture(autouse=True)
def logging_restored() -> Iterator[None]:
    """Give the next test the logging this one started with.

    `kiosk.cli.main` (and the UI, the agent, the gateway) install the kiosk's scrubbed JSON
    handler, its level and its exception hooks for their whole process, as they should; called
    in process by a test they would otherwise change how every later test logs."""
    import structlog

    root = logging.getLogger()
    level = root.level
    ours = [h for h in root.handlers if getattr(h, "_dvc_kiosk", False)]
    hooks = sys.excepthook, threading.excepthook
    structlog_config = structlog.get_config()
    yield
    # pytest's own capture handlers come and go with each phase: only the kiosk's are put back
    for handler in list(root.handlers):
        if getattr(handler, "_dvc_kiosk", False) and handler not in ours:
            root.removeHandler(handler)
    for handler in ours:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
    sys.excepthook, threading.excepthook = hooks
    structlog.configure(**structlog_config)


class _WarningTrap(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_logged_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    """A WARNING or worse logged through Python's logging fails the test, as a Qt warning does.

    A test that asks for ``caplog`` reads the log itself and owns what it finds there; a test that
    provokes a warning on purpose says so with ``@pytest.mark.log_warnings_expected``.
    """
    trap = _WarningTrap()
    root = logging.getLogger()
    root.addHandler(trap)
    try:
        yield
    finally:
        root.removeHandler(trap)
    if "caplog" in request.fixturenames or request.node.get_closest_marker("log_warnings_expected"):
        return
    if trap.records:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in trap.records[:10])
        pytest.fail(f"test logged {len(trap.records)} warning(s):\n{lines}", pytrace=False)


def _live_qml_engines() -> list[object]:
    from PySide6.QtQml import QQmlEngine
    from shiboken6 import Shiboken

    return [o for o in gc.get_objects() if isinstance(o, QQmlEngine) and Shiboken.isValid(o)]


@pytest.fixture(autouse=True)
def no_leaked_qt_objects(request: pytest.FixtureRequest) -> Iterator[None]:
    """A GUI test leaves no window and no QML engine alive (checked only where Qt is loaded)."""
    if request.node.get_closest_marker("gui") is None:
        yield
        return
    from PySide6.QtGui import QGuiApplication

    engines_before = {id(e) for e in _live_qml_engines()}
    windows_before = set(QGuiApplication.allWindows()) if QGuiApplication.instance() else set()
    yield
    if QGuiApplication.instance() is None:
        return
    windows = [w for w in QGuiApplication.allWindows() if w not in windows_before]
    engines = [e for e in _live_qml_engines() if id(e) not in engines_before]
    problems = []
    if windows:
        problems.append(f"{len(windows)} window(s): " + ", ".join(type(w).__name__ for w in windows))
    if engines:
        problems.append(f"{len(engines)} QML engine(s): " + ", ".join(type(e).__name__ for e in engines))
    if problems:
        pytest.fail("test left Qt objects alive: " + "; ".join(problems), pytrace=False)
