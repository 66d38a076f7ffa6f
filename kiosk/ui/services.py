"""What the citizen UI needs from the rest of the kiosk, bundled by the composition root."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from PIL import Image

from devices.printer.protocol import ReceiptPrinter
from devices.qr.protocol import QrReader
from devices.scanner.protocol import Scanner
from devices.status import DeviceStatus
from kiosk.domain.application import ConfirmedApplication, Rating
from kiosk.domain.catalog_model import Catalog
from kiosk.domain.session import Session
from kiosk.lookup import LookupAnswer
from sync.api import OtpRequest, OtpVerdict, VneidVerdict


@dataclass(frozen=True)
class UiSettings:
    """Panel geometry and per-kiosk defaults (from the config file)."""

    panel_dpi: float = 96.0
    width_mm: float = 476.0
    height_mm: float = 268.0
    language: str = "vi"
    idle_s: float = 90.0
    countdown_s: float = 60.0
    login_tips_s: float = 10.0
    tts_engine: str = "speechd"  # "mock" in tests and the demo
    voice_dir: Path | None = None  # <voice_dir>/<lang>/<prompt id>.wav


@dataclass(frozen=True)
class KioskIdentity:
    commune_name: str
    kiosk_id: str
    code_prefix: str = ""  # e.g. "K07": citizens type only the digits of this kiosk's codes
    authority: str = ""  # the receiving office on the slip, e.g. "UBND xã Quế Châu"
    collect_at: str = ""  # where results are collected (default: the one-stop desk of the authority)
    office_hours: str = "sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu"
    hotline: str = ""  # printed on the slip when set


class SealedApplication(Protocol):
    """What the UI reads of a sealed application (the store's ``SealedRecord`` is one)."""

    @property
    def application_code(self) -> str: ...
    @property
    def procedure_code(self) -> str: ...
    @property
    def masked_name(self) -> str: ...
    @property
    def confirmed_at(self) -> datetime: ...
    @property
    def appointment_date(self) -> date: ...
    @property
    def state(self) -> str: ...
    @property
    def gateway_state(self) -> str | None: ...
    @property
    def gateway_note_vi(self) -> str | None: ...
    @property
    def lookup_token(self) -> str | None: ...


class QueueTicket(Protocol):
    """A queue number just issued (the store's ``IssuedTicket`` is one)."""

    @property
    def number(self) -> int: ...
    @property
    def ahead(self) -> int: ...  # people of the same field still waiting before it, today


SealFn = Callable[[ConfirmedApplication], SealedApplication]  # the domain's application, as is


class OtpPort(Protocol):
    """The citizen's OTP through the gateway (blocking calls: the UI runs them off its thread)."""

    def request(self, application_id: str, citizen_id: str) -> OtpRequest: ...

    def verify(self, application_id: str, code: str) -> OtpVerdict: ...


class VneidPort(Protocol):
    """Whose VNeID QR this is, asked of the gateway (blocking: the UI runs it off its thread)."""

    def verify(self, token: str) -> VneidVerdict: ...


class QrControl(Protocol):
    def inject(self, payload: bytes) -> None: ...


class ScannerControl(Protocol):
    def feed(self, images: Sequence[Image.Image]) -> None: ...


class PrinterControl(Protocol):
    def set_status(self, status: DeviceStatus) -> None: ...


@dataclass(frozen=True)
class SimControls:
    """Control handles of the simulated devices (the demo and tests drive the kiosk with them)."""

    qr: QrControl
    scanner: ScannerControl
    printer: PrinterControl


@dataclass(frozen=True)
class UiServices:
    """Everything ``run_kiosk`` and ``run_demo`` need; built by ``kiosk.wiring.ui``.

    The view-models reach the store only through these ports, and run the blocking ones
    (``seal``, ``lookup``, ``queue_ticket``, ``record_rating``, OTP, VNeID) on their workers.
    """

    catalog: Catalog
    clock: Callable[[], float]  # monotonic seconds, for the idle timer
    now: Callable[[], datetime]  # wall clock (aware), for confirmation and appointment
    qr_reader: QrReader
    scanner: Scanner
    printer: ReceiptPrinter
    receipt_font: Path | None
    settings: UiSettings
    kiosk: KioskIdentity
    seal: SealFn
    lookup: Callable[[str], LookupAnswer]  # a typed code or the slip's QR text (rate-limited)
    queue_ticket: Callable[[str, date], QueueTicket]  # the next ticket of a field, that day
    record_rating: Callable[[Rating], None]  # anonymous; idempotent by the rating's id
    # (screen, reason, application code or ''): an open call staff see and close; its id
    call_staff: Callable[[str, str, str], int]
    sim: SimControls | None = None
    online: Callable[[], bool] = lambda: False
    otp: OtpPort | None = None  # offered at the confirmation when set and online() is true
    vneid: VneidPort | None = None  # a VNeID QR is checked through it when set and online()
    # None: the UI builds ``Session(catalog, clock, idle_s, countdown_s, wall_clock=now)``.
    session_factory: Callable[[], Session] | None = None
