"""Fault: the printer does not answer status requests (or is not there at all).

Silence is UNKNOWN, never READY; every call returns within a bounded time; when the printer
answers again, it is READY again.
"""

from __future__ import annotations

import socket
import time

import pytest
from PIL import Image

from devices.printer.connection import NetworkConnection
from devices.printer.escpos_printer import EscposPrinter
from devices.printer.protocol import PrintOutcome
from devices.printer.simulated import SimulatedPrinter
from devices.status import DeviceStatus
from tests.contract.loopback_printer import LoopbackPrinter

TIMEOUT_S = 0.25


def _slip() -> Image.Image:
    img = Image.new("1", (576, 600), 1)
    img.paste(0, (100, 100, 476, 500))
    return img


def test_silent_network_printer_is_unknown_within_the_timeout() -> None:
    with LoopbackPrinter(answers_status=False) as fake:
        printer = EscposPrinter(NetworkConnection("127.0.0.1", fake.port), timeout_s=TIMEOUT_S)
        started = time.monotonic()
        health = printer.health()
        assert time.monotonic() - started < TIMEOUT_S + 1.5
        assert health.status is DeviceStatus.UNKNOWN

        started = time.monotonic()
        result = printer.print_image(_slip())
        assert time.monotonic() - started < 2 * TIMEOUT_S + 1.5
        assert result.status is DeviceStatus.UNKNOWN
        assert result.outcome is PrintOutcome.PRINTED
        assert "did not answer" in result.detail

        fake.set(answers_status=True)
        assert printer.health().status is DeviceStatus.READY


def test_printer_that_went_away_is_disconnected_not_unknown() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    printer = EscposPrinter(NetworkConnection("127.0.0.1", port), timeout_s=TIMEOUT_S)
    assert printer.health().status is DeviceStatus.DISCONNECTED
    assert printer.print_image(_slip()).outcome is PrintOutcome.FAILED


@pytest.mark.parametrize("status", [DeviceStatus.UNKNOWN, DeviceStatus.DISCONNECTED])
def test_simulated_printer_models_the_same_faults(status: DeviceStatus) -> None:
    printer = SimulatedPrinter()
    printer.control.set_status(status)
    assert printer.health().status is status
    result = printer.print_image(_slip())
    assert result.status is status
    expected = PrintOutcome.PRINTED if status is DeviceStatus.UNKNOWN else PrintOutcome.FAILED
    assert result.outcome is expected
