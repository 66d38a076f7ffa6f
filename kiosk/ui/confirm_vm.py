"""The confirmation code: shown and spoken, typed back on the keypad."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.ui.i18n import Strings
from kiosk.ui.qtbind import qproperty, slot

CODE_DIGITS = 6


class ConfirmVm(QObject):
    changed = Signal()

    def __init__(self, strings: Strings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._strings = strings
        self._code = ""
        self._typed = ""
        self._error = ""
        self.busy = False
        self.on_submit: Callable[[str], None] = lambda _c: None

    def begin(self, code: str) -> None:
        self._code = code
        self._typed = ""
        self._error = ""
        self.busy = False
        self.changed.emit()

    def wipe(self) -> None:
        self._code = ""
        self._typed = ""
        self._error = ""
        self.busy = False
        self.changed.emit()

    def show_error(self, string_id: str) -> None:
        self._typed = ""
        self._error = self._strings.text(string_id)
        self.changed.emit()

    def current_code(self) -> str:
        return self._code

    def _get_code(self) -> str:
        return " ".join(self._code[i : i + 3] for i in (0, 3)) if self._code else ""

    def _get_typed(self) -> str:
        return self._typed

    def _get_error(self) -> str:
        return self._error

    code = qproperty(str, _get_code, notify=changed)
    typed = qproperty(str, _get_typed, notify=changed)
    error = qproperty(str, _get_error, notify=changed)

    @slot(str)
    def digit(self, d: str) -> None:
        if len(self._typed) < CODE_DIGITS and d.isdigit():
            self._typed += d
            self._error = ""
            self.changed.emit()

    @slot()
    def erase(self) -> None:
        self._typed = self._typed[:-1]
        self.changed.emit()

    @slot()
    def submit(self) -> None:
        if not self.busy and len(self._typed) == CODE_DIGITS:
            self.on_submit(self._typed)
