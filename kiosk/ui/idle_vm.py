"""Idle timeout: after ``idle_s`` without a touch, a spoken countdown; at zero, the session is wiped.

Time comes from the injected clock; a QTimer only ticks. Never counts while a device works.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.ui.qtbind import qproperty, slot

TICK_MS = 500


class IdleVm(QObject):
    changed = Signal()

    def __init__(
        self,
        clock: Callable[[], float],
        idle_s: float,
        countdown_s: float,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._idle_s = idle_s
        self._countdown_s = countdown_s
        self._last = clock()
        self._counting = False
        self._left = int(countdown_s)
        self.active: Callable[[], bool] = lambda: False  # a session is under way
        self.paused: Callable[[], bool] = lambda: False  # scanning, printing
        self.on_countdown: Callable[[], None] = lambda: None
        self.on_timeout: Callable[[], None] = lambda: None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @slot()
    def touched(self) -> None:
        self._last = self._clock()

    @slot()
    def still_here(self) -> None:
        self._last = self._clock()
        if self._counting:
            self._counting = False
            self.changed.emit()

    def tick(self) -> None:
        if not self.active() or self.paused():
            self._last = self._clock()
            if self._counting:
                self._counting = False
                self.changed.emit()
            return
        idle = self._clock() - self._last
        if idle < self._idle_s:
            return
        left = max(0, math.ceil(self._idle_s + self._countdown_s - idle))
        if not self._counting:
            self._counting = True
            self._left = left
            self.changed.emit()
            self.on_countdown()
        elif left != self._left:
            self._left = left
            self.changed.emit()
        if left == 0:
            self._counting = False
            self._last = self._clock()
            self.changed.emit()
            self.on_timeout()

    def _get_counting(self) -> bool:
        return self._counting

    def _get_left(self) -> int:
        return self._left

    counting = qproperty(bool, _get_counting, notify=changed)
    seconds_left = qproperty(int, _get_left, notify=changed)
