"""Queue ticket ("Gặp cán bộ"): choose the field, a numbered ticket prints.

The ticket says (on screen, aloud and on paper) how many people of that field are still waiting
before it: the store counts today's tickets not yet served or cancelled by staff.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal

from devices.printer.protocol import PrintOutcome, PrintResult, ReceiptPrinter
from devices.receipt.render import render_receipt
from kiosk.ui.i18n import Strings
from kiosk.ui.qtbind import qproperty, slot
from kiosk.ui.services import QueueTicket
from kiosk.ui.slip import queue_ticket
from kiosk.ui.worker import DeviceWorker

FIELDS = ("civil", "residence", "land", "other")
PREFIX = {"civil": "A", "residence": "B", "land": "C", "other": "D"}


class QueueVm(QObject):
    changed = Signal()

    def __init__(
        self,
        strings: Strings,
        *,
        ticket: Callable[[str, date], QueueTicket],
        printer: ReceiptPrinter,
        worker: DeviceWorker,
        store_worker: DeviceWorker,
        today: Callable[[], date],
        commune: str,
        font: Any,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._strings = strings
        self._ticket_number = ticket  # the store's counter: asked on the store's worker
        self._printer = printer
        self._worker = worker  # the printer's one thread: the ticket is drawn and printed there
        self._store_worker = store_worker
        self._today = today
        self._commune = commune
        self._font = font
        self._ticket = ""
        self._ahead = -1  # -1: no ticket yet
        self._message = ""
        self._busy = False
        self.last_result: PrintResult | None = None
        self.on_say: Callable[[str], None] = lambda _t: None
        strings.changed.connect(self.changed)

    def wipe(self) -> None:
        self._ticket = ""
        self._ahead = -1
        self._message = ""
        self._busy = False
        self.changed.emit()

    def _get_fields(self) -> list[dict[str, str]]:
        return [{"id": f, "title": self._strings.text(f"queue_field_{f}")} for f in FIELDS]

    def _get_ticket(self) -> str:
        return self._ticket

    def _get_message(self) -> str:
        return self._message

    def is_busy(self) -> bool:
        return self._busy

    def ahead_count(self) -> int:
        return self._ahead

    def _ahead_text(self, lang: str | None = None) -> str:
        n = self._ahead
        if n < 0:
            return ""
        key = "queue_ahead_none" if n == 0 else "queue_ahead_one" if n == 1 else "queue_ahead"
        text = self._strings.text(key) if lang is None else self._strings.text_in(lang, key)
        return text.replace("%1", str(n))

    def _get_ahead(self) -> str:
        return self._ahead_text()

    fields = qproperty("QVariantList", _get_fields, notify=changed)
    ticket = qproperty(str, _get_ticket, notify=changed)
    ahead = qproperty(str, _get_ahead, notify=changed)
    message = qproperty(str, _get_message, notify=changed)
    busy = qproperty(bool, is_busy, notify=changed)

    @slot(str)
    def choose(self, field: str) -> None:
        if self._busy or field not in FIELDS:
            return
        day = self._today()
        self._busy = True
        self.changed.emit()
        self._store_worker.run(lambda: self._ticket_number(field, day),
                               lambda issued: self._numbered(field, day, issued), self._failed)

    def _numbered(self, field: str, day: date, issued: QueueTicket) -> None:
        if not self._busy:  # wiped meanwhile: the number is spent, nothing prints
            return
        self._ticket = f"{PREFIX[field]}{issued.number:03d}"
        self._ahead = issued.ahead
        receipt = queue_ticket(
            self._strings, self._ticket, self._strings.text(f"queue_field_{field}"), self._commune, day,
            ahead=issued.ahead,
        )
        self.on_say(self._strings.text("voice_queue_ticket")
                    .replace("%1", " ".join(self._ticket)).replace("%2", self._ahead_text()))
        printer, font = self._printer, self._font

        def draw_and_print() -> PrintResult:
            return printer.print_image(render_receipt(receipt, printer.dot_width, font))

        self.changed.emit()
        self._worker.run(draw_and_print, self._printed, self._failed)

    def _failed(self, _exc: BaseException) -> None:
        self._busy = False
        self._message = self._strings.text("queue_print_failed")
        self.changed.emit()

    def _printed(self, result: PrintResult) -> None:
        self.last_result = result
        self._busy = False
        if result.outcome is not PrintOutcome.PRINTED:
            self._message = self._strings.text("queue_print_failed")
        self.changed.emit()
