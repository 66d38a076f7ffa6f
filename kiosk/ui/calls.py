"""Citizens' calls for staff, from any screen: recorded in the store, held slips for reprint.

``StaffCaller.call`` is what "Gọi cán bộ" (every screen after Welcome), a slip that did not print
and a refused clock do: the call is written through the ``call_staff`` port on the store's worker
(staff see it on the staff screen until they mark it handled) and ``called`` tells the composition
root (which logs ``citizen.officer_called``). Nothing of the citizen's session is touched.

A slip that did not print is held here in memory under its application code, apart from the
done screen (which the citizen, the idle timer or staff opening their screen may wipe), so staff
can reprint it from the staff screen once paper is back. It is dropped when it is reprinted, when
the call is handled, and when more than ``MAX_HELD`` slips wait (the oldest first).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable

from PIL import Image
from PySide6.QtCore import QObject, Signal

from kiosk.ui.worker import DeviceWorker

MAX_HELD = 5
_log = logging.getLogger(__name__)


class StaffCaller(QObject):
    called = Signal(str, str)  # reason, screen
    recorded = Signal()  # a call reached the store: the staff screen reads it again
    reprinted = Signal(str)  # staff reprinted this application code's slip

    def __init__(
        self,
        port: Callable[[str, str, str], int],
        worker: DeviceWorker,
        screen: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._port = port
        self._worker = worker  # the store's worker: the GUI never waits for the write
        self._screen = screen
        self._held: OrderedDict[str, Image.Image] = OrderedDict()
        self.failures = 0

    def call(self, reason: str, code: str = "", slip: Image.Image | None = None) -> None:
        """Call staff from the screen the citizen is on now."""
        screen = self._screen()
        if slip is not None and code:
            self._held[code] = slip
            self._held.move_to_end(code)
            while len(self._held) > MAX_HELD:
                self._held.popitem(last=False)
        self.called.emit(reason, screen)
        port = self._port
        self._worker.run(lambda: port(screen, reason, code), lambda _id: self.recorded.emit(),
                         self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.failures += 1  # the log event (``called``) still tells staff
        _log.error("a call for staff could not be saved: %s: %s", type(exc).__name__, exc)

    def held_slip(self, code: str) -> Image.Image | None:
        return self._held.get(code)

    def held_codes(self) -> list[str]:
        return list(self._held)

    def drop_slip(self, code: str) -> None:
        self._held.pop(code, None)

    def note_reprinted(self, code: str) -> None:
        """Staff printed the held slip: drop it and tell the done screen (if it still shows it)."""
        self.drop_slip(code)
        self.reprinted.emit(code)

    def wipe(self) -> None:
        self._held.clear()
