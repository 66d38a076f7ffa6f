"""The confirmation code: an OTP sent to the citizen's phone, or a code the kiosk shows and
speaks; either is typed back on the keypad."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.ui.i18n import Strings
from kiosk.ui.keypad import DigitBuffer
from kiosk.ui.qtbind import qproperty, slot

CODE_DIGITS = 6


class ConfirmVm(QObject):
    changed = Signal()

    def __init__(self, strings: Strings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._strings = strings
        self._code = ""
        self._keys = DigitBuffer(CODE_DIGITS)
        self._error = ""
        self._mode = ""  # "kiosk" | "otp_sending" | "otp"
        self._notice = ""
        self._sent_to = ""  # the masked phone the OTP went to, when the gateway said
        self.busy = False
        self.on_submit: Callable[[str], None] = lambda _c: None
        self.on_no_code: Callable[[], None] = lambda: None

    def begin(self, code: str, notice_id: str | None = None) -> None:
        """The kiosk's own code, shown (and spoken by the flow); ``notice_id`` says why."""
        self._reset("kiosk", code)
        self._notice = self._strings.text(notice_id) if notice_id else ""
        self.changed.emit()

    def begin_otp(self) -> None:
        """An OTP is being asked for: nothing to type yet."""
        self._reset("otp_sending", "")
        self.changed.emit()

    def otp_sent(self, phone_masked: str = "") -> None:
        self._mode = "otp"
        self._sent_to = phone_masked
        self.changed.emit()

    def sent_text(self) -> str:
        """Where the code went, as shown: "... tới số điện thoại 09*****678 của Ông/Bà."."""
        if not self._sent_to:
            return self._strings.text("confirm_otp_sent")
        return self._strings.text("confirm_otp_sent_to").replace("%1", self._sent_to)

    def sent_said(self) -> str:
        """Where the code went, as said: the last digits one by one, never the stars."""
        tail = "".join(c for c in self._sent_to[-4:] if c.isdigit())
        if not tail:
            return self._strings.text("confirm_otp_sent")
        return self._strings.text("voice_otp_sent_to").replace("%1", " ".join(tail))

    def wipe(self) -> None:
        self._reset("", "")
        self.changed.emit()

    def _reset(self, mode: str, code: str) -> None:
        self._mode = mode
        self._code = code
        self._keys.clear()
        self._error = ""
        self._notice = ""
        self._sent_to = ""
        self.busy = False

    def show_error(self, string_id: str) -> None:
        self._keys.clear()
        self._error = self._strings.text(string_id)
        self.changed.emit()

    def current_code(self) -> str:
        return self._code

    def _get_code(self) -> str:
        return " ".join(self._code[i : i + 3] for i in (0, 3)) if self._code else ""

    def _get_typed(self) -> str:
        return self._keys.text

    def _get_error(self) -> str:
        return self._error

    def _get_mode(self) -> str:
        return self._mode

    def _get_notice(self) -> str:
        return self._notice

    code = qproperty(str, _get_code, notify=changed)
    typed = qproperty(str, _get_typed, notify=changed)
    error = qproperty(str, _get_error, notify=changed)
    mode = qproperty(str, _get_mode, notify=changed)
    notice = qproperty(str, _get_notice, notify=changed)
    sent = qproperty(str, sent_text, notify=changed)

    @slot(str)
    def digit(self, d: str) -> None:
        if self._keys.press(d):
            self._error = ""
            self.changed.emit()

    @slot()
    def erase(self) -> None:
        self._keys.erase()
        self.changed.emit()

    @slot()
    def submit(self) -> None:
        if not self.busy and self._mode != "otp_sending" and self._keys.is_full():
            self.on_submit(self._keys.text)

    @slot()
    def no_code(self) -> None:
        """The citizen got no OTP: the kiosk shows its own code instead."""
        if not self.busy and self._mode in ("otp_sending", "otp"):
            self.on_no_code()
