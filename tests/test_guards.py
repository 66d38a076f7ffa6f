"""The suite's own guards fail a test that leaks: checked by running small suites with them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LEAKY = '''
from __future__ import annotations

import logging
import threading

import pytest


def test_leaks_a_thread() -> None:
    stop = threading.Event()
    threading.Thread(target=stop.wait, args=(30,), name="leaky-worker", daemon=True).start()


def test_logs_a_warning() -> None:
    logging.getLogger("kiosk.anything").warning("something is off")


@pytest.mark.log_warnings_expected
def test_warning_on_purpose() -> None:
    logging.getLogger("kiosk.anything").warning("expected")


def test_leaks_a_window(qapp: object) -> None:
    from PySide6.QtGui import QWindow

    window = QWindow()
    window.show()
    globals()["kept"] = window


def test_leaks_an_engine(qapp: object) -> None:
    from PySide6.QtQml import QQmlApplicationEngine

    globals()["engine"] = QQmlApplicationEngine()


def test_disposes_its_engine(qapp: object) -> None:
    from PySide6.QtCore import QByteArray, QUrl
    from PySide6.QtQml import QQmlApplicationEngine

    from kiosk.ui.app_ui import dispose_engine

    engine = QQmlApplicationEngine()
    engine.loadData(QByteArray(b"import QtQuick\\nWindow { visible: true }"), QUrl("w.qml"))
    assert engine.rootObjects()
    dispose_engine(engine)


def test_clean() -> None:
    assert True


def test_sets_the_kiosk_umask() -> None:
    import os

    os.umask(0o077)  # as kiosk.cli.main does for its process


def test_sets_the_kiosk_logging() -> None:
    import logging

    from kiosk.logs import configure

    configure()  # as kiosk.cli.main, the UI, the agent and the gateway do for their process


def test_after_it_logging_is_back() -> None:
    import logging
    import sys
    import threading

    from kiosk import logs

    root = logging.getLogger()
    assert not [h for h in root.handlers if getattr(h, "_dvc_kiosk", False)], root.handlers
    assert root.level == logging.WARNING, root.level
    assert sys.excepthook is not logs._excepthook
    assert threading.excepthook is not logs._thread_excepthook


def test_after_it_the_umask_is_back() -> None:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    assert mask == 0o022, oct(mask)
'''


def run_inner(tmp_path: Path) -> str:
    suite = tmp_path / "inner" / "tests"
    suite.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "conftest.py", suite / "conftest.py")
    (suite / "test_leaky.py").write_text(textwrap.dedent(LEAKY), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-o", "addopts=", "-o", "markers=gui\nlog_warnings_expected\nleaks_threads_ok",
         "-o", "qt_api=pyside6", "-rA", str(suite)],
        cwd=tmp_path / "inner", capture_output=True, text=True, timeout=300, check=False,
        env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
             "HOME": str(tmp_path)},
    )
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    return run_inner(tmp_path_factory.mktemp("guards"))


def outcome(report: str, test: str) -> str:
    lines = [ln for ln in report.splitlines() if ln.endswith(f"::{test}") or f"::{test} " in ln]
    return "\n".join(lines)


def test_a_leaked_thread_fails_the_test(report: str) -> None:
    assert "ERROR" in outcome(report, "test_leaks_a_thread"), report
    assert "leaky-worker" in report


def test_a_logged_warning_fails_the_test_unless_expected(report: str) -> None:
    assert "ERROR" in outcome(report, "test_logs_a_warning"), report
    assert "PASSED" in outcome(report, "test_warning_on_purpose"), report


def test_a_leaked_window_fails_the_test(report: str) -> None:
    assert "ERROR" in outcome(report, "test_leaks_a_window"), report
    assert "1 window(s): QWindow" in report


def test_a_leaked_qml_engine_fails_the_test(report: str) -> None:
    assert "ERROR" in outcome(report, "test_leaks_an_engine"), report
    assert "1 QML engine(s): QQmlApplicationEngine" in report


def test_a_changed_umask_does_not_reach_the_next_test(report: str) -> None:
    assert "PASSED" in outcome(report, "test_sets_the_kiosk_umask"), report
    assert "PASSED" in outcome(report, "test_after_it_the_umask_is_back"), report


def test_the_kiosk_logging_does_not_reach_the_next_test(report: str) -> None:
    assert "PASSED" in outcome(report, "test_sets_the_kiosk_logging"), report
    assert "PASSED" in outcome(report, "test_after_it_logging_is_back"), report


def test_a_disposed_engine_and_a_clean_test_pass(report: str) -> None:
    assert "PASSED" in outcome(report, "test_disposes_its_engine"), report
    assert "PASSED" in outcome(report, "test_clean"), report
