"""Safe mode: a calm out-of-service screen when the kiosk keeps failing to start.

It opens no device, no store and no network, so whatever broke the kiosk cannot break this.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlApplicationEngine

from kiosk.ui.app_ui import apply_font, prepare_environment
from kiosk.ui.i18n import Strings
from kiosk.ui.units import Units

QML = Path(__file__).parent / "qml" / "SafeMode.qml"


def build_safe_mode(language: str, dpi: float = 96.0) -> QQmlApplicationEngine:
    engine = QQmlApplicationEngine()
    strings = Strings(language, parent=engine)
    units = Units(dpi, parent=engine)
    engine.rootContext().setContextProperty("i18n", strings)
    engine.rootContext().setContextProperty("units", units)
    engine.load(QML)
    if not engine.rootObjects():
        raise RuntimeError(f"could not load {QML}")
    return engine


def run_safe_mode(language: str, dpi: float = 96.0, *, quit_after_ms: int | None = None) -> int:
    prepare_environment()
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    assert isinstance(app, QGuiApplication)
    apply_font(app)
    engine = build_safe_mode(language, dpi)
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, app.quit)
    try:
        return app.exec()
    finally:
        del engine
