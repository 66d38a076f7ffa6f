"""The receipt printer seam: ESC/POS transports and the simulator both satisfy it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from PIL import Image

from devices.status import DeviceStatus, Health


class PrintOutcome(StrEnum):
    """INCOMPLETE is its own outcome: part of a slip came out, so the kiosk must offer a reprint."""

    PRINTED = "printed"
    INCOMPLETE = "incomplete"
    FAILED = "failed"


@dataclass(frozen=True)
class PrintResult:
    """What happened to one slip, with the printer status seen at the end."""

    outcome: PrintOutcome
    status: DeviceStatus
    detail: str = ""


class ReceiptPrinter(Protocol):
    """Prints a 1-bit raster at ``dot_width`` dots; slips are always images, never code pages."""

    dot_width: int

    def print_image(self, img: Image.Image, *, cut: bool = True) -> PrintResult: ...

    def health(self) -> Health: ...
