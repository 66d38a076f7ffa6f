"""The python-escpos backend over a real serial line: a pseudo-terminal stands in for the cable."""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PIL import Image

from devices.printer.connection import SerialConnection
from devices.printer.escpos_printer import EscposPrinter
from devices.printer.protocol import PrintOutcome
from devices.printer.realtime_status import STATUS_OK, STATUS_REQUEST
from devices.receipt.escpos_bytes import escpos_job, raster_to_escpos
from devices.status import DeviceStatus
from tests.support.escpos_decode import CommandKind, parse_stream

TIMEOUT_S = 0.25


@dataclass
class PtyPrinter:
    """The far end of the serial line: captures bytes, optionally answers DLE EOT."""

    port: str
    master: int
    answers: bool
    received: bytearray = field(default_factory=bytearray)
    stop: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def run(self) -> None:
        pending = b""
        while not self.stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            pending += data
            commands, used = parse_stream(pending)
            pending = pending[used:]
            with self.changed:
                self.received += data
                self.changed.notify_all()
            for command in commands:
                if self.answers and command.kind is CommandKind.STATUS_REQUEST:
                    os.write(self.master, bytes([STATUS_OK]))

    def wait_for(self, expected: bytes, timeout_s: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: bytes(self.received) == expected, timeout_s)


def _pty(answers: bool) -> Iterator[PtyPrinter]:
    master, slave = os.openpty()
    far = PtyPrinter(os.ttyname(slave), master, answers)
    thread = threading.Thread(target=far.run, name="pty-printer", daemon=True)
    thread.start()
    try:
        yield far
    finally:
        far.stop.set()
        thread.join(5)
        os.close(slave)
        os.close(master)
    assert not thread.is_alive()


@pytest.fixture
def answering() -> Iterator[PtyPrinter]:
    yield from _pty(answers=True)


@pytest.fixture
def silent() -> Iterator[PtyPrinter]:
    yield from _pty(answers=False)


def _slip() -> Image.Image:
    img = Image.new("1", (576, 300), 1)
    img.paste(0, (50, 50, 500, 250))
    return img


def test_serial_printer_that_answers_prints_and_is_ready(answering: PtyPrinter) -> None:
    printer = EscposPrinter(SerialConnection(answering.port, 115200), timeout_s=TIMEOUT_S)
    assert printer.health().status is DeviceStatus.READY
    result = printer.print_image(_slip())
    assert (result.outcome, result.status) == (PrintOutcome.PRINTED, DeviceStatus.READY)
    job = escpos_job(_slip())
    assert len(job.fragments) == 2
    expected = STATUS_REQUEST + STATUS_REQUEST + job.init
    expected += job.fragments[0] + STATUS_REQUEST + job.fragments[1] + STATUS_REQUEST
    expected += job.tail + STATUS_REQUEST
    assert answering.wait_for(expected, 2)
    assert bytes(answering.received).replace(STATUS_REQUEST, b"") == raster_to_escpos(_slip())


def test_silent_serial_printer_gets_exact_bytes_and_is_unknown(silent: PtyPrinter) -> None:
    printer = EscposPrinter(SerialConnection(silent.port, 9600), timeout_s=TIMEOUT_S)
    result = printer.print_image(_slip())
    assert (result.outcome, result.status) == (PrintOutcome.PRINTED, DeviceStatus.UNKNOWN)
    expected = STATUS_REQUEST + raster_to_escpos(_slip()) + STATUS_REQUEST
    assert silent.wait_for(expected, 2)


def test_missing_serial_port_is_disconnected() -> None:
    printer = EscposPrinter(SerialConnection("/dev/ttyDOES-NOT-EXIST", 9600), timeout_s=TIMEOUT_S)
    assert printer.health().status is DeviceStatus.DISCONNECTED
    assert printer.print_image(_slip()).outcome is PrintOutcome.FAILED
