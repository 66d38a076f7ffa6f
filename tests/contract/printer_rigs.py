"""Printer backends with a uniform test handle, so one suite runs against every backend.

To add a backend, write a factory returning a PrinterRig and append it to PRINTER_RIGS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from devices.printer.connection import NetworkConnection
from devices.printer.escpos_printer import EscposPrinter
from devices.printer.protocol import ReceiptPrinter
from devices.printer.simulated import SimulatedPrinter
from devices.status import DeviceStatus
from tests.contract.loopback_printer import LoopbackPrinter

STATUS_TIMEOUT_S = 0.3


@dataclass(frozen=True)
class PrinterRig:
    printer: ReceiptPrinter
    set_status: Callable[[DeviceStatus], None]
    paper_out_after_rows: Callable[[int], None]
    printed_images: Callable[[], list[Image.Image]]


@contextmanager
def simulated_rig(tmp_path: Path) -> Iterator[PrinterRig]:
    printer = SimulatedPrinter(tmp_path / "slips")
    yield PrinterRig(
        printer,
        printer.control.set_status,
        printer.control.paper_out_after_rows,
        lambda: [slip.image for slip in printer.printed],
    )


@contextmanager
def network_rig(tmp_path: Path) -> Iterator[PrinterRig]:
    with LoopbackPrinter() as fake:

        def set_status(status: DeviceStatus) -> None:
            match status:
                case DeviceStatus.READY:
                    fake.set(paper_out=False, cover_open=False, answers_status=True, paper_rows=None)
                case DeviceStatus.NO_PAPER:
                    fake.set(paper_out=True)
                case DeviceStatus.COVER_OPEN:
                    fake.set(cover_open=True)
                case DeviceStatus.UNKNOWN:
                    fake.set(answers_status=False)
                case _:
                    raise NotImplementedError(status)

        printer = EscposPrinter(NetworkConnection("127.0.0.1", fake.port), timeout_s=STATUS_TIMEOUT_S)
        yield PrinterRig(
            printer,
            set_status,
            lambda rows: fake.set(paper_rows=rows),
            fake.printed_images,
        )


PRINTER_RIGS: list[Callable[[Path], AbstractContextManager[PrinterRig]]] = [
    simulated_rig,
    network_rig,
]
