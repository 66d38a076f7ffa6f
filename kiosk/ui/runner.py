"""The kiosk's Qt entry point (called by the composition root).

Besides starting Qt it does what an appliance needs: systemd's READY once the Welcome screen is
up, watchdog pings from the GUI thread, and a clean exit on SIGTERM (Qt's event loop does not
run Python signal handlers by itself, so a light timer hands control back regularly).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from kiosk.notify import Notifier
from kiosk.ui.app_ui import KioskUi, apply_font, build_ui, prepare_environment
from kiosk.ui.services import UiServices
from kiosk.ui.watchdog import GuiWatchdog

Attach = Callable[[KioskUi, QGuiApplication], Callable[[], None]]
"""Adds parts to the built UI (technician overlay, testers' tools); returns their cleanup."""


def run_kiosk(services: UiServices, *, fullscreen: bool, attach: Attach | None = None,
              on_ready: Callable[[], None] | None = None, notifier: Notifier | None = None) -> int:
    """Start Qt, show the citizen UI (fullscreen on a kiosk) and run until quit."""
    prepare_environment()
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    assert isinstance(app, QGuiApplication)
    apply_font(app)
    ui = build_ui(services)
    detach = attach(ui, app) if attach is not None else (lambda: None)
    notifier = notifier or Notifier()
    watchdog = GuiWatchdog(notifier, parent=ui.engine)
    previous = {sig: signal.signal(sig, lambda *_: app.quit()) for sig in (signal.SIGTERM, signal.SIGINT)}
    wake = QTimer(ui.engine)  # lets Python run its signal handlers while Qt idles
    wake.setInterval(500)
    wake.timeout.connect(lambda: None)
    wake.start()
    if fullscreen:
        ui.window.showFullScreen()
    else:
        ui.window.show()

    def ready() -> None:
        notifier.ready("Welcome screen shown")
        watchdog.start()
        if on_ready is not None:
            on_ready()

    QTimer.singleShot(0, ready)
    try:
        return app.exec()
    finally:
        wake.stop()
        watchdog.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        detach()
        ui.close()
