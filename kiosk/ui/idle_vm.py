"""Idle timeout on screen: the domain ``Session`` decides, a QTimer only asks it.

After the idle period the session reports WARNING: a visible, spoken countdown with
"Tôi vẫn đang dùng"; when it reports EXPIRED the session has already dropped the draft and the
UI wipes what it shows. Devices at work mark the session busy, so no countdown runs meanwhile.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.domain.session import IdlePhase, Session
from kiosk.ui.qtbind import qproperty, slot

TICK_MS = 500
SPEAK_EVERY_S = 15


class IdleVm(QObject):
    changed = Signal()

    def __init__(self, session: Callable[[], Session], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._counting = False
        self._left = 0
        self.on_countdown: Callable[[], None] = lambda: None
        self.on_seconds: Callable[[int], None] = lambda _s: None  # spoken every SPEAK_EVERY_S
        self.on_timeout: Callable[[], None] = lambda: None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @slot()
    def touched(self) -> None:
        self._session().touch()

    @slot()
    def still_here(self) -> None:
        self._session().still_here()
        self._set(counting=False, left=0)

    def is_counting(self) -> bool:
        return self._counting

    def tick(self) -> None:
        status = self._session().tick()
        match status.phase:
            case IdlePhase.ACTIVE:
                self._set(counting=False, left=0)
            case IdlePhase.WARNING:
                started = not self._counting
                before = self._left
                left = math.ceil(status.remaining_s)
                self._set(counting=True, left=left)
                if started:
                    self.on_countdown()
                elif left != before and left % SPEAK_EVERY_S == 0:
                    self.on_seconds(left)
            case IdlePhase.EXPIRED:
                self._set(counting=False, left=0)
                self.on_timeout()

    def _set(self, *, counting: bool, left: int) -> None:
        if (counting, left) != (self._counting, self._left):
            self._counting, self._left = counting, left
            self.changed.emit()

    def _get_left(self) -> int:
        return self._left

    counting = qproperty(bool, is_counting, notify=changed)
    seconds_left = qproperty(int, _get_left, notify=changed)
