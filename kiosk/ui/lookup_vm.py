"""Status lookup: the slip's QR or the typed code → the application's state, in plain words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.lookup import LookupAnswer, LookupKind
from kiosk.ui.i18n import Strings
from kiosk.ui.keypad import DigitBuffer
from kiosk.ui.login_vm import QrSession
from kiosk.ui.qtbind import qproperty, slot
from kiosk.ui.services import SealedApplication
from kiosk.ui.status_text import describe_state_only, describe_status
from kiosk.ui.worker import DeviceWorker

DIGITS = 7  # six of sequence, one check digit


class LookupVm(QObject):
    changed = Signal()

    def __init__(
        self,
        strings: Strings,
        lookup: Callable[[str], LookupAnswer],
        qr: QrSession,
        prefix: str,
        *,
        worker: DeviceWorker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._prefix = prefix
        self._strings = strings
        self._lookup = lookup  # blocking (the store): run on the worker
        self._worker = worker
        self._round = 0  # an answer for a wiped screen is dropped
        self._busy = False
        self._qr = qr
        self._keys = DigitBuffer(DIGITS)
        self._result = ""
        self._record: SealedApplication | None = None

    def begin(self) -> None:
        self.wipe()
        self._qr.listen(lambda payload: self.find(payload.decode("utf-8", "replace").strip()))

    def end(self) -> None:
        self._qr.stop()
        self.wipe()

    def wipe(self) -> None:
        self._round += 1
        self._busy = False
        self._keys.clear()
        self._result = ""
        self._record = None
        self.changed.emit()

    def find(self, text: str) -> None:
        """The slip's QR (code + token) shows the full status; a typed code only the state;
        lookups are rate-limited (see kiosk.lookup). The store is asked on the worker."""
        self._round += 1
        round_no = self._round
        self._busy = True
        self.changed.emit()
        self._worker.run(lambda: self._lookup(text),
                         lambda answer: self._answered(round_no, answer),
                         lambda _exc: self._failed(round_no))

    def is_busy(self) -> bool:
        return self._busy

    def _failed(self, round_no: int) -> None:
        if round_no != self._round:
            return
        self._busy = False
        self._record = None
        self._result = self._strings.text("lookup_unavailable")
        self.changed.emit()

    def _answered(self, round_no: int, answer: LookupAnswer) -> None:
        if round_no != self._round:
            return
        self._busy = False
        t = self._strings.text
        self._record = answer.record
        match answer.kind:
            case LookupKind.INVALID:
                self._result = t("lookup_invalid")
            case LookupKind.THROTTLED:
                self._result = t("lookup_wait").replace("%1", str(answer.wait_s))
            case LookupKind.NOT_FOUND:
                self._result = t("lookup_not_found").replace("%1", answer.code)
            case LookupKind.FULL if answer.record is not None:
                self._result = describe_status(answer.record, self._strings.table())
            case _ if answer.state is not None:
                self._result = describe_state_only(answer.code, answer.state, answer.gateway_state,
                                                   self._strings.table())
            case _:
                self._result = t("lookup_not_found").replace("%1", answer.code)
        self.changed.emit()

    def _get_typed(self) -> str:
        typed = self._keys.text
        if not self._prefix:
            return typed
        shown = f"{self._prefix}-{typed[:6]}"
        return shown + (f"-{typed[6:]}" if len(typed) > 6 else "")

    def _get_result(self) -> str:
        return self._result

    typed = qproperty(str, _get_typed, notify=changed)
    result = qproperty(str, _get_result, notify=changed)
    busy = qproperty(bool, is_busy, notify=changed)

    @slot(str)
    def digit(self, d: str) -> None:
        if self._keys.press(d):
            self.changed.emit()

    @slot()
    def erase(self) -> None:
        self._keys.erase()
        self.changed.emit()

    @slot()
    def submit(self) -> None:
        typed = self._keys.text
        if self._prefix and self._keys.is_full():
            self.find(f"{self._prefix}-{typed[:6]}-{typed[6]}")
        else:
            self.find(typed)
