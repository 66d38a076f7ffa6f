"""The document scanner seam: SANE and the simulator both satisfy it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from PIL import Image

from devices.status import DeviceStatus, Health

ScanSource = Literal["feeder", "flatbed"]


@dataclass(frozen=True)
class ScanOutcome:
    """Pages scanned in feed order; partial pages are kept when the feeder jams mid-batch."""

    status: DeviceStatus
    pages: tuple[Image.Image, ...]
    dpi: int
    detail: str = ""


class Scanner(Protocol):
    """Scans a batch; every call is bounded by ``timeout_s`` so the kiosk never hangs on it."""

    def scan(
        self, *, source: ScanSource = "feeder", dpi: int = 200, timeout_s: float = 120.0
    ) -> ScanOutcome: ...

    def health(self) -> Health: ...
