"""Self-tests against the simulated devices: pass when fine, fail with a reason when not."""

from __future__ import annotations

import threading

import zxingcpp

from devices.printer.simulated import SimulatedPrinter
from devices.qr.simulated import SimulatedQrReader
from devices.scanner.simulated import SimulatedScanner
from devices.selftest import TEST_QR_TEXT, self_test_printer, self_test_qr, self_test_scanner
from devices.status import DeviceStatus


def test_printer_self_test_prints_a_readable_slip() -> None:
    printer = SimulatedPrinter(dot_width=384)
    report = self_test_printer(printer, label="Kiosk 07")
    assert report.passed
    slip = printer.last_image
    assert slip is not None
    assert slip.width == 384
    assert [r.text for r in zxingcpp.read_barcodes(slip.convert("L"))] == [TEST_QR_TEXT]


def test_printer_self_test_fails_on_no_paper_and_on_silence() -> None:
    printer = SimulatedPrinter()
    printer.control.set_status(DeviceStatus.NO_PAPER)
    report = self_test_printer(printer)
    assert (report.passed, report.status) == (False, DeviceStatus.NO_PAPER)
    assert printer.printed == []
    printer.control.set_status(DeviceStatus.UNKNOWN)
    silent = self_test_printer(printer)
    assert (silent.passed, silent.status) == (False, DeviceStatus.UNKNOWN)


def test_scanner_self_test() -> None:
    scanner = SimulatedScanner()
    assert self_test_scanner(scanner).passed
    scanner.control.set_status(DeviceStatus.COVER_OPEN)
    report = self_test_scanner(scanner)
    assert (report.passed, report.status) == (False, DeviceStatus.COVER_OPEN)


def test_qr_self_test_reads_and_never_reports_content() -> None:
    reader = SimulatedQrReader()
    shown = threading.Timer(0.0, reader.control.inject, args=("001203004217|Lê Văn Tám".encode(),))
    shown.start()
    report = self_test_qr(reader, timeout_s=5)
    shown.join(5)
    assert report.passed
    assert "Tám" not in report.detail
    assert "bytes" in report.detail


def test_qr_self_test_times_out_and_reports_unplugged() -> None:
    reader = SimulatedQrReader()
    assert not self_test_qr(reader, timeout_s=0.05).passed
    reader.control.unplug()
    report = self_test_qr(reader, timeout_s=5)
    assert (report.passed, report.status) == (False, DeviceStatus.DISCONNECTED)
