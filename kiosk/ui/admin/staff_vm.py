"""Field staff's screen: citizens' calls (handled, reprint a slip that did not print), the queue
numbers still waiting (seen / left), and sync: link, queue, quarantine (retry or export), send
now, USB export, ACK.

Everything is read from the store (``AdminServices.sync_status``), so the screen shows the same thing
as ``kiosk sync status`` whether or not the agent runs. Each button has the same CLI command:

    Gửi ngay            kiosk sync now
    Thử lại CODE        kiosk sync retry CODE
    Xuất CODE           kiosk sync retry CODE  then  kiosk export --to DIR
    Xuất ra USB         kiosk export --to DIR
    Nhập ACK            kiosk import-ack FILE
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from devices.printer.protocol import PrintOutcome, PrintResult
from kiosk.ui.admin.gate_vm import GateVm
from kiosk.ui.admin.services import ActionResult, AdminServices, OpenCall, WaitingNumber
from kiosk.ui.admin.strings import AdminStrings
from kiosk.ui.calls import StaffCaller
from kiosk.ui.qtbind import qproperty, slot
from kiosk.ui.worker import DeviceWorker
from sync.api import RequeueOutcome, SyncStatus

REFRESH_MS = 2000
VIETNAM = timezone(timedelta(hours=7))  # times shown to staff (no daylight saving in Vietnam)
TICKET_PREFIX = {"civil": "A", "residence": "B", "land": "C", "other": "D"}  # as on the ticket


@dataclass(frozen=True)
class _Desk:
    """What the staff screen reads besides sync: open calls and waiting queue numbers."""

    calls: Sequence[OpenCall]
    tickets: Sequence[WaitingNumber]


def local_hm(at: str) -> str:
    """"2026-12-05T03:04:05Z" -> "10:04" (Vietnam time)."""
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return at
    return moment.astimezone(VIETNAM).strftime("%H:%M")
QUEUE_ORDER = (
    "sealed",
    "queued",
    "uploading",
    "committing",
    "retry_wait",
    "quarantined",
    "exported",
    "received",
    "acked",
    "purged",
)


class StaffVm(QObject):
    changed = Signal()

    def __init__(
        self,
        services: AdminServices,
        gate: GateVm,
        strings: AdminStrings,
        worker: DeviceWorker,
        parent: QObject | None = None,
        *,
        calls: StaffCaller | None = None,
        printer_worker: DeviceWorker | None = None,
    ) -> None:
        super().__init__(parent)
        self._s = services
        self._gate = gate
        self._strings = strings
        self._worker = worker
        self._calls = calls  # the citizen side: slips held for a reprint, new calls
        self._printer_worker = printer_worker  # the printer's own thread (shared with the kiosk)
        self._desk = _Desk((), ())
        self._status: SyncStatus | None = None
        self._message = ""
        self._ok = True
        self._busy = False
        self._folders: list[str] = []
        self._folder = ""
        self._acks: list[str] = []
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        gate.changed.connect(self._gate_changed)
        strings.changed.connect(self.changed)
        if calls is not None:
            calls.recorded.connect(self._call_recorded)

    def _call_recorded(self) -> None:
        if self._timer.isActive():
            self.refresh()

    def _gate_changed(self) -> None:
        here = self._gate.is_open() and self._gate.page_name() == "staff"
        if here and not self._timer.isActive():
            self._message, self._ok = "", True
            self.refresh()
            self.refresh_folders()
            self._timer.start()
        elif not here:
            self._timer.stop()

    # -- reading -----------------------------------------------------------------------------
    @slot()
    def refresh(self) -> None:
        """Read the agent's view, the calls and the queue again (the store is read on the worker)."""
        self._worker.run(self._s.sync_status, self._got_status, lambda _exc: None)
        services = self._s
        self._worker.run(lambda: _Desk(list(services.open_calls()), list(services.waiting_tickets())),
                         self._got_desk, lambda _exc: None)

    def _got_status(self, status: SyncStatus) -> None:
        self._status = status
        self.changed.emit()

    def _got_desk(self, desk: _Desk) -> None:
        self._desk = desk
        self.changed.emit()

    # -- citizens' calls and the queue ---------------------------------------------------------
    def _screen_label(self, screen: str) -> str:
        key = f"scr_{screen}"
        return self._strings.text(key) if key in self._strings.table() else screen

    def _get_calls(self) -> list[dict[str, Any]]:
        out = []
        for c in self._desk.calls:
            reason_key = f"call_reason_{c.reason}"
            reason = (self._strings.fmt(reason_key, c.application_code)
                      if reason_key in self._strings.table() else c.reason)
            held = self._calls is not None and bool(c.application_code) and \
                self._calls.held_slip(c.application_code) is not None
            out.append({
                "id": c.call_id,
                "time": local_hm(c.at),
                "reason": reason,
                "screen": self._strings.fmt("call_screen", self._screen_label(c.screen)),
                "code": c.application_code,
                "can_reprint": c.reason == "print_failed" and held,
            })
        return out

    def _get_tickets(self) -> list[dict[str, Any]]:
        return [
            {
                "field": t.field,
                "number": t.number,
                "label": f"{TICKET_PREFIX.get(t.field, '?')}{t.number:03d}",
                "time": self._strings.fmt("ticket_issued", local_hm(t.issued_at)),
            }
            for t in self._desk.tickets
        ]

    calls = qproperty("QVariantList", _get_calls, notify=changed)
    tickets = qproperty("QVariantList", _get_tickets, notify=changed)

    @slot(int)
    def handle_call(self, call_id: int) -> None:
        """Staff dealt with the call: it leaves the list (a held slip is dropped)."""
        actor = self._gate.actor()
        code = next((c.application_code for c in self._desk.calls if c.call_id == call_id), "")
        if code and self._calls is not None:
            self._calls.drop_slip(code)

        def job() -> bool:
            closed = self._s.handle_call(call_id, actor)
            if closed:
                self._s.audit(actor, "staff.call_handled", f"call {call_id}")
            return closed

        self._worker.run(job, lambda _closed: self._say(True, self._strings.text("call_handled_done")),
                         self._crashed)

    @slot(str)
    def reprint(self, code: str) -> None:
        """Print a slip that did not print again (the copy the kiosk held), on the printer's thread."""
        slip = self._calls.held_slip(code) if self._calls is not None else None
        if slip is None or self._printer_worker is None:
            self._say(False, self._strings.fmt("reprint_gone", code))
            return
        if self._busy:
            return
        self._busy = True
        self.changed.emit()
        printer, actor = self._s.printer, self._gate.actor()

        def printed(result: PrintResult) -> None:
            self._busy = False
            if result.outcome is PrintOutcome.PRINTED:
                if self._calls is not None:
                    self._calls.note_reprinted(code)
                self._worker.run(lambda: self._s.audit(actor, "staff.reprint", code), lambda _r: None,
                                 lambda _exc: None)
                self._say(True, self._strings.fmt("reprint_done", code))
            else:
                detail = result.detail or result.status.value
                self._say(False, self._strings.fmt("reprint_failed", code, detail))

        self._printer_worker.run(lambda: printer.print_image(slip), printed, self._crashed)

    @slot(str, int, str)
    def finish_ticket(self, field: str, number: int, outcome: str) -> None:
        """``outcome``: "served" (staff saw the person) or "cancelled" (the person left)."""
        label = f"{TICKET_PREFIX.get(field, '?')}{number:03d}"

        def job() -> bool:
            return self._s.finish_ticket(field, number, outcome)

        self._worker.run(job, lambda _ok: self._say(True, self._strings.fmt("ticket_done", label)),
                         self._crashed)

    def _get_link(self) -> str:
        return "unknown" if self._status is None else self._status.link.state.value

    def _get_link_text(self) -> str:
        if self._status is None:
            return ""
        link = self._status.link
        text = self._strings.text(f"link_{link.state.value}")
        return f"{text} — {link.detail}" if link.detail else text

    def _get_queue(self) -> list[dict[str, Any]]:
        if self._status is None:
            return []
        counts = self._status.queue
        order = [s for s in QUEUE_ORDER if s in counts] + sorted(set(counts) - set(QUEUE_ORDER))
        return [
            {
                "state": s,
                "label": self._strings.text(f"state_{s}") if s in QUEUE_ORDER else s,
                "count": counts[s],
            }
            for s in order
        ]

    def _get_oldest(self) -> str:
        st = self._status
        return st.oldest_waiting if st and st.oldest_waiting else self._strings.text("none_dash")

    def _get_last_success(self) -> str:
        st = self._status
        return st.last_success_at if st and st.last_success_at else self._strings.text("never")

    def _get_quarantined(self) -> list[dict[str, Any]]:
        if self._status is None:
            return []
        return [
            {"code": q.application_code, "seq": q.kiosk_seq, "reason": q.reason}
            for q in self._status.quarantined
        ]

    def _get_set_aside(self) -> str:
        """Files the start-up sweep moved out of docs/ (never deleted): staff must know."""
        st = self._status
        if st is None or not st.set_aside_files:
            return ""
        return self._strings.fmt("set_aside_note", st.set_aside_files, st.set_aside_folder)

    def _get_clock_warning(self) -> str:
        """Empty while the clock is trusted; else why the kiosk refuses to seal (issue 11 item 7)."""
        st = self._status
        if st is None or not st.clock or st.clock == "trusted":
            return ""
        return self._strings.fmt("clock_untrusted_note", st.clock)

    clock_warning = qproperty(str, _get_clock_warning, notify=changed)
    link = qproperty(str, _get_link, notify=changed)
    link_text = qproperty(str, _get_link_text, notify=changed)
    queue = qproperty("QVariantList", _get_queue, notify=changed)
    oldest_waiting = qproperty(str, _get_oldest, notify=changed)
    last_success = qproperty(str, _get_last_success, notify=changed)
    quarantined = qproperty("QVariantList", _get_quarantined, notify=changed)
    set_aside = qproperty(str, _get_set_aside, notify=changed)

    def _get_message(self) -> str:
        return self._message

    def _get_ok(self) -> bool:
        return self._ok

    def _get_busy(self) -> bool:
        return self._busy

    message = qproperty(str, _get_message, notify=changed)
    ok = qproperty(bool, _get_ok, notify=changed)
    busy = qproperty(bool, _get_busy, notify=changed)

    def _say(self, ok: bool, message: str) -> None:
        self._ok, self._message = ok, message
        self.refresh()

    # -- actions -----------------------------------------------------------------------------
    @slot()
    def send_now(self) -> None:
        actor = self._gate.actor()

        def job() -> str:
            token = self._s.send_now()
            self._s.audit(actor, "sync.send_now", token)
            return token

        self._worker.run(job, lambda _token: self._say(True, self._strings.text("send_now_done")),
                         self._crashed)

    @slot(str)
    def retry(self, code: str) -> None:
        actor = self._gate.actor()

        def done(result: RequeueOutcome) -> None:
            if not result.ok:
                self._say(False, self._strings.fmt("retry_refused", result.error))
                return
            key = "retry_done_damaged" if result.damaged else "retry_done"
            self._say(True, self._strings.fmt(key, result.application_code))

        self._worker.run(lambda: self._s.requeue(code, actor, "retry"), done, self._crashed)

    @slot(str)
    def export_one(self, code: str) -> None:
        """Release a quarantined application and write it (with the rest of the queue) to USB."""
        dest = self._dest()
        if dest is None:
            return
        actor = self._gate.actor()

        def released(result: RequeueOutcome) -> None:
            if not result.ok:
                self._say(False, self._strings.fmt("retry_refused", result.error))
                return
            self._run_export(dest)

        self._worker.run(lambda: self._s.requeue(code, actor, "export"), released, self._crashed)

    # -- USB ---------------------------------------------------------------------------------
    @slot()
    def refresh_folders(self) -> None:
        self._folders = [str(p) for p in self._s.usb_roots()]
        if self._folder not in self._folders:
            self._folder = self._folders[0] if self._folders else ""
        self._scan_acks()
        self.changed.emit()

    def _scan_acks(self) -> None:
        folder = Path(self._folder) if self._folder else None
        self._acks = (
            sorted(p.name for p in folder.glob("*.json") if p.is_file())
            if folder is not None and folder.is_dir()
            else []
        )

    @slot(str)
    def choose_folder(self, folder: str) -> None:
        self._folder = folder
        self._scan_acks()
        self.changed.emit()

    def _get_folders(self) -> list[str]:
        return self._folders

    def _get_folder(self) -> str:
        return self._folder

    def _get_acks(self) -> list[str]:
        return self._acks

    folders = qproperty("QVariantList", _get_folders, notify=changed)
    folder = qproperty(str, _get_folder, choose_folder, notify=changed)
    ack_files = qproperty("QVariantList", _get_acks, notify=changed)

    def _dest(self) -> Path | None:
        if not self._folder or not Path(self._folder).is_dir():
            self._say(False, self._strings.text("usb_none"))
            return None
        return Path(self._folder)

    @slot()
    def export_usb(self) -> None:
        dest = self._dest()
        if dest is not None:
            self._run_export(dest)

    def _run_export(self, dest: Path) -> None:
        if self._busy:
            return
        self._busy = True
        self._message, self._ok = self._strings.text("usb_exporting"), True
        self.changed.emit()
        actor = self._gate.actor()

        def job() -> ActionResult:
            result = self._s.export_bundle(dest)
            self._s.audit(actor, "usb.export", ("ok: " if result.ok else "failed: ") + result.message)
            return result

        self._worker.run(job, lambda r: self._finished("usb_export", r), self._crashed)

    @slot(str)
    def import_ack(self, name: str) -> None:
        if self._busy:
            return
        dest = self._dest()
        if dest is None:
            return
        path = dest / name
        self._busy = True
        self._message, self._ok = self._strings.text("usb_importing"), True
        self.changed.emit()
        actor = self._gate.actor()

        def job() -> ActionResult:
            result = self._s.import_ack(path)
            outcome = ("ok: " if result.ok else "failed: ") + result.message
            self._s.audit(actor, "usb.import_ack", outcome)
            return result

        self._worker.run(job, lambda r: self._finished("usb_import", r), self._crashed)

    def _finished(self, what: str, result: ActionResult) -> None:
        self._busy = False
        self._scan_acks()
        detail = (self._strings.text(result.staff_text)  # why, in words staff act on
                  if result.staff_text in self._strings.table() else result.message)
        self._say(result.ok, self._strings.fmt(f"{what}_{'done' if result.ok else 'failed'}", detail))

    def _crashed(self, exc: BaseException) -> None:
        self._busy = False
        self._say(False, self._strings.fmt("action_failed", f"{type(exc).__name__}: {exc}"))
