"""What technician and staff mode need from the running kiosk: its ports (Qt-free).

The composition root (``kiosk.wiring.admin``) builds one :class:`AdminServices`; the view-models
run every blocking callable here off the GUI thread. Results are short English texts for
technicians and staff, never personal data (sync's own reports keep to codes and counts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from devices.printer.protocol import ReceiptPrinter
from devices.qr.protocol import QrReader
from devices.scanner.protocol import Scanner
from kiosk.admin.pin import PinGuard
from sync.api import RequeueOutcome, SyncStatus


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    message: str  # English, technician-facing, no personal data
    staff_text: str = ""  # a key of the admin strings that tells staff why it failed, if known


def default_usb_roots() -> list[Path]:
    """Mounted removable media (udisks mounts under /media/<user>/<label> or /run/media/...)."""
    roots: list[Path] = []
    for base in (Path("/media"), Path("/run/media")):
        if not base.is_dir():
            continue
        for user in sorted(base.iterdir()):
            if user.is_dir() and not user.is_mount():
                roots += [p for p in sorted(user.iterdir()) if p.is_dir()]
            elif user.is_dir():
                roots.append(user)
    return roots


class OpenCall(Protocol):
    """A citizen's open call for staff (the store's ``StaffCall`` is one)."""

    @property
    def call_id(self) -> int: ...
    @property
    def at(self) -> str: ...  # ISO 8601 UTC
    @property
    def screen(self) -> str: ...
    @property
    def reason(self) -> str: ...  # "help", "print_failed", "clock"
    @property
    def application_code(self) -> str: ...


class WaitingNumber(Protocol):
    """A queue ticket of today still waiting (the store's ``WaitingTicket`` is one)."""

    @property
    def field(self) -> str: ...
    @property
    def number(self) -> int: ...
    @property
    def issued_at(self) -> str: ...


@dataclass
class AdminServices:
    """Everything technician and staff mode touch; built by ``kiosk.wiring.admin`` (or a test)."""

    pins: PinGuard
    clock: Callable[[], float]  # the PinGuard's clock: the lockout countdown is shown with it
    kiosk_id: str
    audit: Callable[[str, str, str], None]  # (actor, action, detail) into the store's audit log
    recent_audit: Callable[[int], list[tuple[str, str, str, str]]]  # newest (at, actor, action, detail)
    sync_status: Callable[[], SyncStatus]  # what the agent sees, read from the store
    send_now: Callable[[], str]  # ask the agent to try now; the request's token
    requeue: Callable[[str, str, str], RequeueOutcome]  # (code, actor, why): quarantined → queued
    qr_reader: QrReader
    scanner: Scanner
    printer: ReceiptPrinter
    config_path: Path | None  # None: built-in defaults, nothing to edit
    restart: Callable[[], None]
    network_test: Callable[[], ActionResult]
    export_bundle: Callable[[Path], ActionResult]
    import_ack: Callable[[Path], ActionResult]
    open_calls: Callable[[], Sequence[OpenCall]]  # citizens' calls nobody has handled yet
    handle_call: Callable[[int, str], bool]  # (call id, actor): closed now
    waiting_tickets: Callable[[], Sequence[WaitingNumber]]  # today's queue, oldest first
    finish_ticket: Callable[[str, int, str], bool]  # (field, number, "served" | "cancelled")
    receipt_font: Path | None = None
    usb_roots: Callable[[], list[Path]] = default_usb_roots
    on_open: Callable[[], None] = lambda: None  # e.g. wipe the citizen's session first
    hold_s: float = 5.0  # long press on the hot-spot
    idle_close_s: float = 180.0  # the panel closes itself when nobody touches it
    scanner_source: str = "flatbed"
