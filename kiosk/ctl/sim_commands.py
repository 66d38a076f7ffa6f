"""`kiosk ctl` commands that drive the simulated world: devices, link, gateway, clock (no Qt).

The UI's dispatcher (``kiosk.ui.ctl_dispatch``) handles screen commands and passes every other
command here; the dev dock calls the same :class:`SimCommands` so a button and a script do exactly
the same thing. Each command answers a small JSON-able dict and never echoes personal data (a
sample citizen is named by its number, never by its name or ID number).

    qr TEXT...                      show a QR with TEXT to the camera
    qr-sample N                     show sample citizen N's CCCD QR (1..SAMPLE_COUNT)
    feed N [seal]                   put N sample pages in the scanner (seal: with a red round seal)
    feed-file PATH...               put image files in the scanner
    printer ok|no_paper|cover_open|not_answering
    printer paper_out_after ROWS    paper runs out after ROWS more printed dot rows
    scanner ok|jammed|feeder_empty|cover_open
    scanner jam_after N             the next scan jams after N pages
    camera unplug|plug
    link up|down|slow
    gateway-status CODE STATE [NOTE]  the back office moves an application (code or id) on
    vneid N                         the gateway accepts a new VNeID token for sample citizen N;
                                    the phone showing its QR is put in front of the camera
    vneid unknown                   a VNeID QR the gateway does not know (refused)
    clock +SECONDS                  move the simulated clock on (suffix m, h or d allowed)
    help                            the list of commands
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from PIL import Image, UnidentifiedImageError

from devices.scanner.sample_pages import make_sample_page
from devices.status import DeviceStatus
from kiosk.ctl.protocol import CtlError, Request
from kiosk.domain.cccd import format_cccd
from kiosk.domain.fake_citizens import sample_identities
from kiosk.domain.identity import Identity
from kiosk.store.schema import GatewayState

_T = TypeVar("_T")
SAMPLE_COUNT = 10
SAMPLE_SEED = 1
MAX_FEED = 50
LINK_MODES = ("up", "down", "slow")
PRINTER_STATES: dict[str, DeviceStatus] = {
    "ok": DeviceStatus.READY,
    "no_paper": DeviceStatus.NO_PAPER,
    "cover_open": DeviceStatus.COVER_OPEN,
    "not_answering": DeviceStatus.UNKNOWN,
}
SCANNER_STATES: dict[str, DeviceStatus] = {
    "ok": DeviceStatus.READY,
    "jammed": DeviceStatus.JAMMED,
    "feeder_empty": DeviceStatus.FEEDER_EMPTY,
    "cover_open": DeviceStatus.COVER_OPEN,
}
GATEWAY_STATES = tuple(
    str(st) for st in GatewayState if st not in (GatewayState.PENDING, GatewayState.RECEIVED)
)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

HELP = __doc__.split("\n\n", 2)[2].rstrip() if __doc__ else ""


class QrSim(Protocol):
    def inject(self, payload: bytes) -> None: ...
    def unplug(self) -> None: ...
    def plug(self) -> None: ...


class ScannerSim(Protocol):
    def feed(self, images: Sequence[Image.Image]) -> None: ...
    def jam_after(self, n_pages: int) -> None: ...
    def set_status(self, status: DeviceStatus) -> None: ...


class PrinterSim(Protocol):
    def set_status(self, status: DeviceStatus) -> None: ...
    def paper_out_after_rows(self, n: int) -> None: ...


class VneidRegistry(Protocol):
    """What ``GatewayControl`` offers to accept a VNeID token (the VNeID app's back end)."""

    def register_vneid(self, token: str, identity: dict[str, str]) -> None: ...


class GatewayStates(Protocol):
    """What ``sync.gateway.control.GatewayControl`` offers for moving an application on."""

    def set_state(self, application_id: str, state: str, note_vi: str = "") -> None: ...


@dataclass
class SimTargets:
    """What the commands act on; a missing part makes its commands answer a clear refusal."""

    qr: QrSim | None = None
    scanner: ScannerSim | None = None
    printer: PrinterSim | None = None
    set_link: Callable[[str], object] | None = None
    gateway: GatewayStates | None = None
    vneid: VneidRegistry | None = None
    find_application: Callable[[str], str | None] | None = None  # application code -> id
    shift_clock: Callable[[float], object] | None = None
    today: Callable[[], date] = lambda: datetime.now(UTC).date()
    page_dpi: int = 200


def sample_citizens(today: date, count: int = SAMPLE_COUNT) -> list[Identity]:
    """The dev dock's and `qr-sample`'s people: fixed seed, so N is the same person all day."""
    return list(sample_identities(SAMPLE_SEED, today, count))


def sample_qr_payload(n: int, today: date) -> bytes:
    """Sample citizen ``n``'s (1-based) CCCD QR text, as the card would carry it."""
    if not 1 <= n <= SAMPLE_COUNT:
        raise CtlError(f"sample citizens are numbered 1 to {SAMPLE_COUNT}, not {n}")
    return format_cccd(sample_citizens(today)[n - 1]).encode("utf-8")


def vneid_fields(person: Identity) -> dict[str, str]:
    """What the gateway answers for a VNeID token: the card QR's fields, dates ISO."""
    return {
        "citizen_id": person.citizen_id, "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat(), "gender": person.gender.value,
        "address": person.address,
    }


def sample_pages(count: int, *, with_seal: bool = False, dpi: int = 200, first: int = 1) -> list[Image.Image]:
    return [
        make_sample_page(f"Giấy tờ mẫu trang {i}", seed=i, with_seal=with_seal, dpi=dpi)
        for i in range(first, first + count)
    ]


def parse_seconds(text: str) -> float:
    """``+3600``, ``90``, ``+15m``, ``+2h``, ``+1d`` → seconds (forward only)."""
    m = re.fullmatch(r"\+?(\d+(?:\.\d+)?)([smhd]?)", text.strip())
    if m is None:
        raise CtlError(f"clock: {text!r} is not a time to move on by (e.g. +3600, +15m, +2h, +1d)")
    return float(m.group(1)) * _UNITS[m.group(2)]


def _int(text: str, what: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        raise CtlError(f"{what} must be a whole number from {low} to {high}, not {text!r}")
    return int(text)


def _one_of(cmd: str, value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise CtlError(f"{cmd}: {value!r} is not one of {', '.join(allowed)}")
    return value


class SimCommands:
    """Dispatch for the simulation commands; call it with a :class:`Request`."""

    def __init__(self, targets: SimTargets) -> None:
        self.t = targets
        self._table: dict[str, Callable[[tuple[str, ...]], Any]] = {
            "qr": self._qr,
            "qr-sample": self._qr_sample,
            "feed": self._feed,
            "feed-file": self._feed_file,
            "printer": self._printer,
            "scanner": self._scanner,
            "camera": self._camera,
            "link": self._link,
            "gateway-status": self._gateway_status,
            "vneid": self._vneid,
            "clock": self._clock,
            "help": lambda _argv: {"commands": HELP},
        }

    def names(self) -> list[str]:
        return sorted(self._table)

    def handles(self, cmd: str) -> bool:
        return cmd in self._table

    def __call__(self, request: Request) -> Any:
        handler = self._table.get(request.cmd)
        if handler is None:
            known = ", ".join(self.names())
            raise CtlError(f"unknown command {request.cmd!r}; known here: {known}")
        return handler(request.argv)

    def run(self, cmd: str, *argv: str) -> Any:
        """The same as a `kiosk ctl` request, for the dev dock's buttons."""
        return self(Request(cmd, tuple(argv)))

    # -- targets ---------------------------------------------------------------------------
    @staticmethod
    def _need(part: _T | None, what: str) -> _T:
        if part is None:
            raise CtlError(f"{what} is not simulated in this kiosk (start it with --simulate)")
        return part

    # -- devices ---------------------------------------------------------------------------
    def _qr(self, argv: tuple[str, ...]) -> Any:
        if not argv or not " ".join(argv):
            raise CtlError("qr: give the text the QR carries, e.g. kiosk ctl qr 'hello'")
        payload = " ".join(argv).encode("utf-8")
        self._need(self.t.qr, "the camera").inject(payload)
        return {"qr": "shown", "bytes": len(payload)}

    def _qr_sample(self, argv: tuple[str, ...]) -> Any:
        if len(argv) != 1:
            raise CtlError(f"qr-sample: give one sample number, 1 to {SAMPLE_COUNT}")
        n = _int(argv[0], "qr-sample's number", 1, SAMPLE_COUNT)
        payload = sample_qr_payload(n, self.t.today())
        self._need(self.t.qr, "the camera").inject(payload)
        return {"qr": "shown", "sample": n}

    def _feed(self, argv: tuple[str, ...]) -> Any:
        if not 1 <= len(argv) <= 2 or (len(argv) == 2 and argv[1] != "seal"):
            raise CtlError("feed: give a page count and optionally 'seal', e.g. feed 2 seal")
        n = _int(argv[0], "feed's page count", 1, MAX_FEED)
        seal = len(argv) == 2
        scanner = self._need(self.t.scanner, "the scanner")
        scanner.feed(sample_pages(n, with_seal=seal, dpi=self.t.page_dpi))
        return {"fed": n, "seal": seal}

    def _feed_file(self, argv: tuple[str, ...]) -> Any:
        if not argv:
            raise CtlError("feed-file: give one or more image files (PNG, JPEG, TIFF)")
        pages: list[Image.Image] = []
        for name in argv:
            try:
                with Image.open(Path(name)) as img:
                    pages.append(img.convert("RGB"))
            except FileNotFoundError as exc:
                raise CtlError(f"feed-file: no file {name}") from exc
            except (UnidentifiedImageError, OSError) as exc:
                raise CtlError(f"feed-file: {name} is not an image the scanner could give") from exc
        self._need(self.t.scanner, "the scanner").feed(pages)
        return {"fed": len(pages)}

    def _printer(self, argv: tuple[str, ...]) -> Any:
        printer = self._need(self.t.printer, "the printer")
        if len(argv) == 2 and argv[0] == "paper_out_after":
            rows = _int(argv[1], "paper_out_after's rows", 0, 1_000_000)
            printer.paper_out_after_rows(rows)
            return {"printer": "paper_out_after", "rows": rows}
        if len(argv) != 1:
            raise CtlError(f"printer: give one of {', '.join(PRINTER_STATES)} (or paper_out_after ROWS)")
        state = _one_of("printer", argv[0], tuple(PRINTER_STATES))
        printer.set_status(PRINTER_STATES[state])
        return {"printer": state}

    def _scanner(self, argv: tuple[str, ...]) -> Any:
        scanner = self._need(self.t.scanner, "the scanner")
        if len(argv) == 2 and argv[0] == "jam_after":
            n = _int(argv[1], "jam_after's pages", 0, MAX_FEED)
            scanner.jam_after(n)
            return {"scanner": "jam_after", "pages": n}
        if len(argv) != 1:
            raise CtlError(f"scanner: give one of {', '.join(SCANNER_STATES)} (or jam_after N)")
        state = _one_of("scanner", argv[0], tuple(SCANNER_STATES))
        scanner.set_status(SCANNER_STATES[state])
        return {"scanner": state}

    def _camera(self, argv: tuple[str, ...]) -> Any:
        if len(argv) != 1:
            raise CtlError("camera: give unplug or plug")
        action = _one_of("camera", argv[0], ("unplug", "plug"))
        qr = self._need(self.t.qr, "the camera")
        if action == "unplug":
            qr.unplug()
        else:
            qr.plug()
        return {"camera": action}

    # -- the world around the kiosk --------------------------------------------------------
    def _link(self, argv: tuple[str, ...]) -> Any:
        if len(argv) != 1:
            raise CtlError(f"link: give one of {', '.join(LINK_MODES)}")
        mode = _one_of("link", argv[0], LINK_MODES)
        self._need(self.t.set_link, "the network link")(mode)
        return {"link": mode}

    def _gateway_status(self, argv: tuple[str, ...]) -> Any:
        if len(argv) < 2:
            raise CtlError(
                f"gateway-status: give CODE STATE [NOTE]; STATE is one of {', '.join(GATEWAY_STATES)}"
            )
        code, state, note = argv[0], argv[1], " ".join(argv[2:])
        _one_of("gateway-status", state, GATEWAY_STATES)
        gateway = self._need(self.t.gateway, "the gateway")
        app_id = code
        if self.t.find_application is not None and not re.fullmatch(r"[0-9a-f-]{36}", code):
            found = self.t.find_application(code)
            if found is None:
                raise CtlError(f"gateway-status: no application {code} on this kiosk")
            app_id = found
        try:
            gateway.set_state(app_id, state, note)
        except KeyError as exc:
            raise CtlError(f"gateway-status: the gateway has no application {code}") from exc
        except ValueError as exc:
            raise CtlError(f"gateway-status: the gateway refused: {exc}") from exc
        return {"application": code, "gateway_state": state}

    def _vneid(self, argv: tuple[str, ...]) -> Any:
        if len(argv) != 1:
            raise CtlError(f"vneid: give a sample number, 1 to {SAMPLE_COUNT}, or 'unknown'")
        qr = self._need(self.t.qr, "the camera")
        token = f"VNEID:{uuid.uuid4().hex}"
        if argv[0] == "unknown":
            qr.inject(token.encode("utf-8"))
            return {"vneid": "shown", "registered": False}
        n = _int(argv[0], "vneid's sample number", 1, SAMPLE_COUNT)
        person = sample_citizens(self.t.today())[n - 1]
        self._need(self.t.vneid, "the gateway").register_vneid(token, vneid_fields(person))
        qr.inject(token.encode("utf-8"))
        return {"vneid": "shown", "registered": True, "sample": n}

    def _clock(self, argv: tuple[str, ...]) -> Any:
        if len(argv) != 1:
            raise CtlError("clock: give how far to move on, e.g. clock +3600 or clock +1d")
        seconds = parse_seconds(argv[0])
        shifted = self._need(self.t.shift_clock, "the clock")(seconds)
        result: dict[str, Any] = {"moved_s": seconds}
        if isinstance(shifted, int | float):
            result["total_shift_s"] = float(shifted)
        return result


def find_application_in_store(db_path: Path) -> Callable[[str], str | None]:
    """A ``find_application`` that looks an application code up in the kiosk's store."""
    import sqlite3

    from kiosk.store.schema import APPLICATIONS

    def find(code: str) -> str | None:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
        try:
            row = db.execute(
                f"SELECT application_id FROM {APPLICATIONS} WHERE application_code = ?", (code,)
            ).fetchone()
        finally:
            db.close()
        return None if row is None else str(row[0])

    return find
