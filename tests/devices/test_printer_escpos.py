"""The python-escpos backend against a loopback network printer and a device file."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from devices.printer.connection import (
    FileConnection,
    NetworkConnection,
    SerialConnection,
    UsbConnection,
    connection_from_url,
)
from devices.printer.escpos_printer import EscposPrinter
from devices.printer.protocol import PrintOutcome
from devices.printer.realtime_status import STATUS_REQUEST, interpret
from devices.receipt.escpos_bytes import escpos_job, raster_to_escpos
from devices.receipt.model import Receipt
from devices.receipt.render import render_receipt
from devices.status import DeviceStatus
from tests.contract.loopback_printer import LoopbackPrinter
from tests.support.escpos_decode import parse_commands, raster_image

CODE = "NB02-000311-8"
TIMEOUT_S = 0.3


@pytest.fixture(scope="module")
def slip() -> Image.Image:
    return render_receipt(
        Receipt(
            header=("UBND XÃ NINH BÌNH", "PHIẾU HẸN"),
            rows=(("Họ tên", "Lê Thị Hồng Nhung"),),
            big_text=CODE,
            qr_text=CODE,
            footer=(),
        )
    )


def _printer(fake: LoopbackPrinter) -> EscposPrinter:
    return EscposPrinter(NetworkConnection("127.0.0.1", fake.port), timeout_s=TIMEOUT_S)


def test_network_bytes_are_the_encoder_bytes_with_status_polls_between_fragments(
    slip: Image.Image,
) -> None:
    job = escpos_job(slip)
    expected = STATUS_REQUEST + job.init
    for fragment in job.fragments:
        expected += fragment + STATUS_REQUEST
    expected += job.tail + STATUS_REQUEST
    with LoopbackPrinter() as fake:
        result = _printer(fake).print_image(slip)
        assert fake.wait_until(lambda f: f.received == expected, 2.0)
        assert (result.outcome, result.status) == (PrintOutcome.PRINTED, DeviceStatus.READY)
        assert fake.received.replace(STATUS_REQUEST, b"") == raster_to_escpos(slip)
        [paper] = fake.printed_images()
        assert [r.text for r in zxingcpp.read_barcodes(paper.convert("L"))] == [CODE]
        assert fake.cuts == 1


def test_silent_printer_gets_the_whole_slip_but_the_result_says_unknown(slip: Image.Image) -> None:
    expected = STATUS_REQUEST + raster_to_escpos(slip) + STATUS_REQUEST
    with LoopbackPrinter(answers_status=False) as fake:
        printer = _printer(fake)
        result = printer.print_image(slip)
        assert (result.outcome, result.status) == (PrintOutcome.PRINTED, DeviceStatus.UNKNOWN)
        assert "did not answer" in result.detail
        assert fake.wait_until(lambda f: f.received == expected, 2.0)
        health = printer.health()
        assert health.status is DeviceStatus.UNKNOWN
        assert "DLE EOT" in health.detail


def test_connection_dropped_mid_slip_is_incomplete(slip: Image.Image) -> None:
    with LoopbackPrinter(close_after_bytes=len(raster_to_escpos(slip)) // 2) as fake:
        result = _printer(fake).print_image(slip)
        assert (result.outcome, result.status) == (
            PrintOutcome.INCOMPLETE,
            DeviceStatus.DISCONNECTED,
        )
        assert "rows" in result.detail


def test_nobody_listening_is_disconnected(slip: Image.Image) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    printer = EscposPrinter(NetworkConnection("127.0.0.1", port), timeout_s=TIMEOUT_S)
    assert printer.health().status is DeviceStatus.DISCONNECTED
    result = printer.print_image(slip)
    assert (result.outcome, result.status) == (PrintOutcome.FAILED, DeviceStatus.DISCONNECTED)


def test_file_printer_writes_exact_bytes_and_cannot_report_status(tmp_path: Path, slip: Image.Image) -> None:
    device = tmp_path / "lp0"
    printer = EscposPrinter(FileConnection(device), timeout_s=TIMEOUT_S)
    result = printer.print_image(slip)
    assert (result.outcome, result.status) == (PrintOutcome.PRINTED, DeviceStatus.UNKNOWN)
    data = device.read_bytes()
    assert data == raster_to_escpos(slip)
    decoded = raster_image(parse_commands(data))
    assert [r.text for r in zxingcpp.read_barcodes(decoded.convert("L"))] == [CODE]
    assert printer.health().status is DeviceStatus.UNKNOWN


def test_missing_device_file_directory_is_disconnected(tmp_path: Path, slip: Image.Image) -> None:
    printer = EscposPrinter(FileConnection(tmp_path / "no" / "lp0"))
    assert printer.print_image(slip).status is DeviceStatus.DISCONNECTED


@pytest.mark.parametrize(
    ("offline", "paper", "status"),
    [
        (0x12, 0x12, DeviceStatus.READY),
        (0x16, 0x12, DeviceStatus.COVER_OPEN),
        (0x32, 0x72, DeviceStatus.NO_PAPER),
        (0x12, 0x72, DeviceStatus.NO_PAPER),
        (0x52, 0x12, DeviceStatus.ERROR),
        (0x12, 0x1E, DeviceStatus.READY),
        (0x00, 0x12, DeviceStatus.UNKNOWN),
        (0x12, 0xFF, DeviceStatus.UNKNOWN),
    ],
)
def test_status_bits(offline: int, paper: int, status: DeviceStatus) -> None:
    assert interpret(offline, paper).status is status


def test_garbage_status_answer_is_unknown_and_does_not_block_printing(slip: Image.Image) -> None:
    with LoopbackPrinter() as fake:
        fake.set(reply_byte=0xFF)
        printer = _printer(fake)
        assert printer.health().status is DeviceStatus.UNKNOWN
        result = printer.print_image(slip)
        assert (result.outcome, result.status) == (PrintOutcome.PRINTED, DeviceStatus.UNKNOWN)
        assert fake.wait_until(lambda f: f.cuts == 1, 2.0)
        [paper] = fake.printed_images()
        assert paper.size == slip.size


@pytest.mark.parametrize(
    ("url", "spec"),
    [
        ("usb://04b8:0e15", UsbConnection(0x04B8, 0x0E15)),
        ("serial:///dev/ttyUSB0?baudrate=9600", SerialConnection("/dev/ttyUSB0", 9600)),
        ("serial:///dev/ttyS1", SerialConnection("/dev/ttyS1", 38400)),
        ("tcp://192.168.1.50", NetworkConnection("192.168.1.50", 9100)),
        ("tcp://printer.local:9101", NetworkConnection("printer.local", 9101)),
        ("file:///dev/usb/lp0", FileConnection(Path("/dev/usb/lp0"))),
    ],
)
def test_connection_urls(url: str, spec: object) -> None:
    assert connection_from_url(url) == spec


@pytest.mark.parametrize("url", ["lpt://1", "usb://04b8", "tcp://", "file://"])
def test_bad_connection_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="printer"):
        connection_from_url(url)
