"""Device self-tests for the technician screens and `kiosk devices test ...`.

Each test exercises the real code path (a printed slip with a QR, a scan, a QR read) and
reports in technician English. A device that cannot confirm (status UNKNOWN) does not pass:
the technician must look at the paper.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from devices.printer.protocol import PrintOutcome, ReceiptPrinter
from devices.qr.protocol import QrReader
from devices.receipt.model import Receipt
from devices.receipt.render import render_receipt
from devices.scanner.protocol import Scanner, ScanSource
from devices.status import DeviceStatus, Health

TEST_QR_TEXT = "DVC-KIOSK-SELFTEST"


@dataclass(frozen=True)
class SelfTestReport:
    device: str
    passed: bool
    status: DeviceStatus
    detail: str


def printer_test_receipt(label: str = "") -> Receipt:
    """A slip exercising Vietnamese diacritics, the big code, the QR and wrapping."""
    return Receipt(
        header=("KIỂM TRA MÁY IN", "PHIẾU THỬ"),
        rows=(
            ("Tiếng Việt", "Ắ Ằ Ẳ Ẵ Ặ ẫ ậ ễ ệ ỗ ộ ữ ự đ Đ"),
            ("Ngắt dòng", "Cộng hòa xã hội chủ nghĩa Việt Nam - Độc lập - Tự do - Hạnh phúc"),
            ("Nhãn", label or "-"),
        ),
        big_text="0123456789",
        qr_text=TEST_QR_TEXT,
        footer=("Nếu đọc được mã QR và chữ có dấu đầy đủ, máy in hoạt động tốt.",),
    )


def self_test_printer(
    printer: ReceiptPrinter, *, label: str = "", font_path: Path | None = None
) -> SelfTestReport:
    """Print the test slip; passes only when the printer confirms it printed."""
    before = printer.health()
    if before.status not in (DeviceStatus.READY, DeviceStatus.UNKNOWN):
        return SelfTestReport("printer", False, before.status, before.detail or "not ready")
    image = render_receipt(printer_test_receipt(label), printer.dot_width, font_path)
    result = printer.print_image(image)
    passed = result.outcome is PrintOutcome.PRINTED and result.status is DeviceStatus.READY
    detail = result.detail or f"{result.outcome.value}, {image.height} rows"
    return SelfTestReport("printer", passed, result.status, detail)


def self_test_scanner(
    scanner: Scanner, *, source: ScanSource = "flatbed", dpi: int = 100, timeout_s: float = 60.0
) -> SelfTestReport:
    """Scan once at low resolution; passes when at least one page comes back."""
    outcome = scanner.scan(source=source, dpi=dpi, timeout_s=timeout_s)
    passed = outcome.status is DeviceStatus.READY and bool(outcome.pages)
    if passed:
        sizes = ", ".join(f"{p.width}x{p.height}" for p in outcome.pages)
        detail = f"{len(outcome.pages)} page(s) at {outcome.dpi} dpi: {sizes}"
    else:
        detail = outcome.detail or f"no page ({outcome.status.value})"
    return SelfTestReport("scanner", passed, outcome.status, detail)


def self_test_qr(reader: QrReader, *, timeout_s: float = 30.0) -> SelfTestReport:
    """Wait for any QR held up to the camera; reports its length, never its content."""
    health: Health = reader.health()
    if health.status is not DeviceStatus.READY:
        return SelfTestReport("camera", False, health.status, health.detail or "not ready")
    got: list[bytes] = []
    arrived = threading.Event()

    def on_payload(payload: bytes) -> None:
        got.append(payload)
        arrived.set()

    reader.start(on_payload)
    try:
        seen = arrived.wait(timeout_s)
    finally:
        reader.stop()
    if not seen:
        return SelfTestReport("camera", False, reader.health().status, f"no QR read within {timeout_s:g} s")
    return SelfTestReport("camera", True, DeviceStatus.READY, f"read a QR of {len(got[0])} bytes")
