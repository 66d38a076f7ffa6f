"""Done: the code, the appointment, the slip printing on the printer's worker (never lost).

When the printer fails, staff are called at once (``on_call_staff``: the call and the slip go to
the ``StaffCaller``, so staff see the call on their screen and can reprint the slip from there)
and the code is said again: many citizens have no phone camera to photograph the screen. Staff
put paper back and press "In lại phiếu" here or on the staff screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QObject, Signal

from devices.printer.protocol import PrintOutcome, PrintResult, ReceiptPrinter
from devices.receipt.model import Receipt
from devices.receipt.render import render_receipt
from kiosk.ui.images import ImageStore
from kiosk.ui.qtbind import qproperty, slot
from kiosk.ui.worker import DeviceWorker


class DoneVm(QObject):
    changed = Signal()
    officer_called = Signal()

    def __init__(
        self,
        printer: ReceiptPrinter,
        worker: DeviceWorker,
        images: ImageStore,
        font_path: Path | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._printer = printer
        self._worker = worker
        self._images = images
        self._font_path = font_path
        self._code = ""
        self._appointment = ""
        self._state = ""
        self._slip_url = ""
        self._officer_called = False
        self._facts: dict[str, str] = {}
        self._round = 0  # a slip drawn for a wiped session is dropped
        self.slip_image: Image.Image | None = None
        self.last_result: PrintResult | None = None
        self.on_printed: Callable[[], None] = lambda: None
        self.on_printing: Callable[[], None] = lambda: None
        self.on_say: Callable[[str], None] = lambda _t: None
        # (reason, application code or '', the slip that did not print or None): staff are called
        self.on_call_staff: Callable[[str, str, Image.Image | None], None] = lambda _r, _c, _s: None
        self.on_reprinted: Callable[[str], None] = lambda _code: None

    def show(self, code: str, appointment: str, receipt: Receipt,
             facts: dict[str, str] | None = None) -> None:
        """``facts``: the done screen's lines (hours, where, fee) and ``said_print_failed``."""
        self._facts = dict(facts or {})
        self._code = code
        self._appointment = appointment
        self._state = "printing"
        self._round += 1
        round_no = self._round
        self.changed.emit()
        printer, font = self._printer, self._font_path

        def draw() -> Image.Image:  # on the printer's thread: the GUI never waits for the drawing
            return render_receipt(receipt, printer.dot_width, font)

        self._worker.run(draw, lambda img: self._drawn(round_no, img), self._crashed)

    def _drawn(self, round_no: int, img: Image.Image) -> None:
        if round_no != self._round:  # wiped meanwhile: nothing of that person is shown or printed
            return
        self.slip_image = img
        self._slip_url = self._images.put("slip", img)
        self.changed.emit()
        self._worker.run(lambda: self._printer.print_image(img), self._printed, self._crashed)

    def _printed(self, result: PrintResult) -> None:
        self.last_result = result
        self._state = "printed" if result.outcome is PrintOutcome.PRINTED else "failed"
        if self._state == "printed":
            self.on_reprinted(self._code)  # a copy held for staff (if any) is not needed now
        self.on_printed()
        self.changed.emit()
        if self._state == "failed":
            self._print_failed()

    def _crashed(self, _exc: BaseException) -> None:
        self._state = "failed"
        self.on_printed()
        self.changed.emit()
        self._print_failed()

    def _print_failed(self) -> None:
        """Staff are called (once per slip) and the code is said again."""
        if not self._officer_called:
            self.call_officer("print_failed")
        said = self._facts.get("said_print_failed")
        if said:
            self.on_say(said)

    def is_printing(self) -> bool:
        return self._state == "printing"

    def wipe(self) -> None:
        self._round += 1
        self._officer_called = False
        self._code = ""
        self._appointment = ""
        self._facts = {}
        self._state = ""
        self._slip_url = ""
        self.slip_image = None
        self.changed.emit()

    def _get_code(self) -> str:
        return self._code

    def _get_appointment(self) -> str:
        return self._appointment

    def _get_facts(self) -> dict[str, str]:
        return {k: v for k, v in self._facts.items() if not k.startswith("said")}

    def _get_state(self) -> str:
        return self._state

    def _get_slip_url(self) -> str:
        return self._slip_url

    code = qproperty(str, _get_code, notify=changed)
    appointment = qproperty(str, _get_appointment, notify=changed)
    print_state = qproperty(str, _get_state, notify=changed)
    slip_url = qproperty(str, _get_slip_url, notify=changed)
    facts = qproperty("QVariantMap", _get_facts, notify=changed)

    @slot()
    def reprint(self) -> None:
        """After paper was put back: print the same slip again."""
        img = self.slip_image
        if img is None or self._state != "failed":
            return
        self._state = "printing"
        self.on_printing()
        self.changed.emit()
        self._worker.run(lambda: self._printer.print_image(img), self._printed, self._crashed)

    def call_officer(self, reason: str = "help") -> None:
        """Call staff (a call they see on the staff screen) and tell the citizen.

        ``reason``: "help" (the citizen pressed "Gọi cán bộ"), "print_failed" (the slip, held
        for a reprint from the staff screen), "clock" (the kiosk refused to save)."""
        self._officer_called = True
        failed_slip = reason == "print_failed"
        self.on_call_staff(reason, self._code if failed_slip else "",
                           self.slip_image if failed_slip else None)
        self.officer_called.emit()
        self.changed.emit()

    def _get_officer_called(self) -> bool:
        return self._officer_called

    def reprinted_elsewhere(self, code: str) -> None:
        """Staff reprinted this slip from their screen: it is in the citizen's hand now."""
        if code and code == self._code and self._state == "failed":
            self._state = "printed"
            self.on_printed()
            self.changed.emit()

    def officer_was_called(self) -> bool:
        """Staff were called in this session (help, a slip that did not print, the clock)."""
        return self._officer_called

    officer_notified = qproperty(bool, _get_officer_called, notify=changed)
