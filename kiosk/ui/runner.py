"""The kiosk's Qt entry point (called by the composition root)."""

from __future__ import annotations

import sys

from PySide6.QtGui import QGuiApplication

from kiosk.ui.app_ui import apply_font, build_ui, prepare_environment
from kiosk.ui.services import UiServices


def run_kiosk(services: UiServices, *, fullscreen: bool) -> int:
    """Start Qt, show the citizen UI (fullscreen on a kiosk) and run until quit."""
    prepare_environment()
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    assert isinstance(app, QGuiApplication)
    apply_font(app)
    ui = build_ui(services)
    if fullscreen:
        ui.window.showFullScreen()
    else:
        ui.window.show()
    try:
        return app.exec()
    finally:
        ui.close()
