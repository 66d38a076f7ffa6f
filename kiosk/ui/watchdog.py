"""systemd watchdog pings from a timer on the GUI thread.

The ping runs in the Qt event loop, so it stops when the GUI thread is stuck (a hung device
call, a deadlock, an endless layout loop), not only when the process dies; systemd then
restarts the kiosk (WatchdogSec in kiosk.service).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from kiosk.notify import Notifier, watchdog_interval_ms


class GuiWatchdog(QObject):
    def __init__(
        self, notifier: Notifier, interval_ms: int | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._notifier = notifier
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms or watchdog_interval_ms() or 0)
        self._timer.timeout.connect(self._ping)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        """Start pinging when systemd asked for a watchdog (or an interval was given)."""
        if self._notifier.enabled and self._timer.interval() > 0:
            self._ping()
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _ping(self) -> None:
        self._notifier.watchdog()
