"""A real ESC/POS receipt printer over USB, serial, network or a device file (python-escpos).

The slip goes out fragment by fragment. When the printer answers real-time status, it is asked
between fragments, so paper running out or a dropped link mid-slip becomes INCOMPLETE (and the
kiosk offers a reprint) instead of a false PRINTED. A printer that does not answer is UNKNOWN,
never READY.
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, assert_never

from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from escpos.printer import File, Network, Serial, Usb
from PIL import Image

from devices.printer.connection import (
    FileConnection,
    NetworkConnection,
    PrinterConnection,
    SerialConnection,
    UsbConnection,
)
from devices.printer.protocol import PrintOutcome, PrintResult
from devices.printer.realtime_status import STATUS_REQUEST, interpret
from devices.receipt.escpos_bytes import DEFAULT_FRAGMENT_ROWS, DEFAULT_PROFILE, escpos_job
from devices.status import DeviceStatus, Health

_NO_ANSWER = "sent; printer did not answer status"
# pyusb raises NoBackendError (a ValueError) when libusb itself is missing.
_OPEN_ERRORS = (OSError, ValueError, EscposError)


class _Network(Network):  # type: ignore[misc]
    """python-escpos 3.1 leaks the socket when connect fails; create_connection closes it."""

    def open(self, raise_not_found: bool = True) -> None:
        try:
            sock: socket.socket | None = socket.create_connection(
                (self.host, self.port), timeout=self.timeout
            )
        except OSError:
            if raise_not_found:
                raise
            sock = None
        self.device = sock


class _LinkLostError(Exception):
    """The connection closed or failed while talking to the printer."""


class EscposPrinter:
    """Satisfies ReceiptPrinter. Opens the connection per job, so a replugged printer recovers."""

    def __init__(
        self,
        connection: PrinterConnection,
        *,
        dot_width: int = 576,
        profile: str = DEFAULT_PROFILE,
        timeout_s: float = 3.0,
        fragment_rows: int = DEFAULT_FRAGMENT_ROWS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dot_width = dot_width
        self.connection = connection
        self._profile = profile
        self._timeout_s = timeout_s
        self._fragment_rows = fragment_rows
        self._clock = clock
        self._lock = threading.Lock()

    def health(self) -> Health:
        with self._lock:
            try:
                device = self._open()
            except _OPEN_ERRORS as exc:
                return Health(DeviceStatus.DISCONNECTED, f"cannot open printer: {exc}")
            try:
                answer = self._query(device)
            except _LinkLostError as exc:
                return Health(DeviceStatus.DISCONNECTED, str(exc))
            finally:
                _close(device)
            if answer is None:
                return Health(DeviceStatus.UNKNOWN, self._silence_detail())
            return answer

    def print_image(self, img: Image.Image, *, cut: bool = True) -> PrintResult:
        if img.width > self.dot_width:
            return PrintResult(
                PrintOutcome.FAILED,
                DeviceStatus.ERROR,
                f"image {img.width} dots wide, printer {self.dot_width}",
            )
        job = escpos_job(img, cut=cut, profile=self._profile, fragment_rows=self._fragment_rows)
        with self._lock:
            try:
                device = self._open()
            except _OPEN_ERRORS as exc:
                return PrintResult(
                    PrintOutcome.FAILED, DeviceStatus.DISCONNECTED, f"cannot open printer: {exc}"
                )
            try:
                return self._send(device, job.init, job.fragments, job.fragment_rows, job.tail)
            finally:
                _close(device)

    def _send(
        self,
        device: Escpos,
        init: bytes,
        fragments: tuple[bytes, ...],
        rows: tuple[int, ...],
        tail: bytes,
    ) -> PrintResult:
        total = sum(rows)
        sent_rows = 0
        try:
            before = self._query(device)
            if before is not None and before.status is not DeviceStatus.READY:
                return PrintResult(PrintOutcome.FAILED, before.status, before.detail)
            answers = before is not None
            _write(device, init)
            for fragment, fragment_rows in zip(fragments, rows, strict=True):
                _write(device, fragment)
                sent_rows += fragment_rows
                if not answers:
                    continue
                now = self._query(device)
                if now is None:
                    answers = False
                elif now.status is not DeviceStatus.READY:
                    return PrintResult(
                        PrintOutcome.INCOMPLETE,
                        now.status,
                        f"{now.detail} after {sent_rows} of {total} rows",
                    )
            _write(device, tail)
            after = self._query(device)
        except _LinkLostError as exc:
            outcome = PrintOutcome.INCOMPLETE if sent_rows else PrintOutcome.FAILED
            return PrintResult(outcome, DeviceStatus.DISCONNECTED, f"{exc} after {sent_rows} of {total} rows")
        if after is None:
            return PrintResult(PrintOutcome.PRINTED, DeviceStatus.UNKNOWN, _NO_ANSWER)
        if after.status is not DeviceStatus.READY:
            return PrintResult(PrintOutcome.INCOMPLETE, after.status, f"{after.detail} at the end")
        return PrintResult(PrintOutcome.PRINTED, DeviceStatus.READY, after.detail)

    def _open(self) -> Escpos:
        device = _make_device(self.connection, self._profile, self._timeout_s)
        device.open()
        return device

    def _silence_detail(self) -> str:
        if isinstance(self.connection, FileConnection):
            return "file connection cannot report status"
        return f"no answer to DLE EOT within {self._timeout_s:g} s"

    def _query(self, device: Escpos) -> Health | None:
        """Ask DLE EOT 2 and 4; None when the printer does not answer before the deadline."""
        if isinstance(self.connection, FileConnection):
            return None
        _write(device, STATUS_REQUEST)
        answer = b""
        deadline = self._clock() + self._timeout_s
        while len(answer) < 2 and self._clock() < deadline:
            try:
                chunk = bytes(device._read())
            except (OSError, EscposError) as exc:
                if _is_timeout(exc):
                    break
                raise _LinkLostError(f"status read failed: {exc}") from exc
            if not chunk and isinstance(self.connection, NetworkConnection):
                raise _LinkLostError("printer closed the connection")
            answer += chunk
        if len(answer) < 2:
            return None
        health = interpret(answer[-2], answer[-1])
        return None if health.status is DeviceStatus.UNKNOWN else health


def _is_timeout(exc: BaseException) -> bool:
    """Sockets raise TimeoutError; pyusb raises a USBError with errno ETIMEDOUT."""
    return isinstance(exc, TimeoutError) or getattr(exc, "errno", None) == errno.ETIMEDOUT


def _write(device: Escpos, data: bytes) -> None:
    try:
        device._raw(data)
    except (OSError, EscposError) as exc:
        raise _LinkLostError(f"send failed: {exc}") from exc


def _close(device: Escpos) -> None:
    try:
        device.close()
    except (OSError, EscposError):
        return


def _make_device(connection: PrinterConnection, profile: str, timeout_s: float) -> Escpos:
    kwargs: dict[str, Any] = {"profile": profile}
    match connection:
        case UsbConnection(vendor_id=vendor, product_id=product):
            return Usb(vendor, product, timeout=round(timeout_s * 1000), **kwargs)
        case SerialConnection(port=port, baudrate=baudrate):
            return Serial(devfile=port, baudrate=baudrate, timeout=timeout_s, **kwargs)
        case NetworkConnection(host=host, port=port):
            return _Network(host, port, timeout=timeout_s, **kwargs)
        case FileConnection(path=path):
            return File(devfile=str(path), **kwargs)
        case _:
            assert_never(connection)
