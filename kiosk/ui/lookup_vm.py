"""Status lookup: the slip's QR or the typed code → the application's state, in plain words."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from kiosk.store.applications import SealedRecord, find_by_code
from kiosk.store.db import Store
from kiosk.ui.i18n import Strings
from kiosk.ui.login_vm import QrSession
from kiosk.ui.qtbind import qproperty, slot

MAX_CODE = 16


class LookupVm(QObject):
    changed = Signal()

    def __init__(self, strings: Strings, store: Store, qr: QrSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._strings = strings
        self._store = store
        self._qr = qr
        self._typed = ""
        self._result = ""
        self._record: SealedRecord | None = None

    def begin(self) -> None:
        self.wipe()
        self._qr.listen(lambda payload: self.find(payload.decode("utf-8", "replace").strip()))

    def end(self) -> None:
        self._qr.stop()
        self.wipe()

    def wipe(self) -> None:
        self._typed = ""
        self._result = ""
        self._record = None
        self.changed.emit()

    def find(self, code: str) -> None:
        t = self._strings.text
        code = code.strip().upper()
        record = find_by_code(self._store, code) if code else None
        self._record = record
        if record is None:
            self._result = t("lookup_not_found").replace("%1", code)
        else:
            state_key = f"state_{record.state.value}"
            table = self._strings.table()
            state = table.get(state_key, t("state_other"))
            if record.gateway_note_vi and self._strings.lang_code() == "vi":
                state += " " + t("lookup_gateway_note").replace("%1", record.gateway_note_vi)
            self._result = (
                t("lookup_state")
                .replace("%1", record.application_code)
                .replace("%2", record.masked_name)
                .replace("%3", state)
                + " "
                + t("lookup_appointment").replace("%1", record.appointment_date.strftime("%d/%m/%Y"))
            )
        self.changed.emit()

    def _get_typed(self) -> str:
        return self._typed

    def _get_result(self) -> str:
        return self._result

    typed = qproperty(str, _get_typed, notify=changed)
    result = qproperty(str, _get_result, notify=changed)

    @slot(str)
    def digit(self, d: str) -> None:
        if len(self._typed) < MAX_CODE:
            self._typed += d
            self.changed.emit()

    @slot()
    def erase(self) -> None:
        self._typed = self._typed[:-1]
        self.changed.emit()

    @slot()
    def submit(self) -> None:
        self.find(self._typed)
