"""A receipt printer without hardware: keeps what it printed, as PNG and as ESC/POS bytes.

It encodes every slip with the same encoder as the real backend, so the bytes kept here are the
bytes a printer would have received, and tests can run out of paper in the middle of a slip.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from devices.printer.protocol import PrintOutcome, PrintResult
from devices.receipt.escpos_bytes import DEFAULT_PROFILE, escpos_job
from devices.status import DeviceStatus, Health


@dataclass(frozen=True)
class PrintedSlip:
    """One slip as it came out: the paper (possibly cut short), its bytes, where the PNG is."""

    image: Image.Image
    escpos: bytes
    outcome: PrintOutcome
    png_path: Path | None


class SimulatedPrinterControl:
    """Test handle for the simulated printer."""

    def __init__(self, printer: SimulatedPrinter) -> None:
        self._printer = printer

    def set_status(self, status: DeviceStatus) -> None:
        """Force a status; READY also refills paper. UNKNOWN means the printer stays silent."""
        self._printer._set_status(status)

    def paper_out_after_rows(self, n: int) -> None:
        """Paper runs out after ``n`` more printed rows, possibly in the middle of a slip."""
        if n < 0:
            raise ValueError("n must be >= 0")
        self._printer._set_paper_rows(n)


class SimulatedPrinter:
    """Satisfies ReceiptPrinter; thread-safe, never blocks."""

    def __init__(
        self, out_dir: Path | None = None, *, dot_width: int = 576, profile: str = DEFAULT_PROFILE
    ) -> None:
        self.dot_width = dot_width
        self._out_dir = out_dir
        self._profile = profile
        self._lock = threading.Lock()
        self._status = DeviceStatus.READY
        self._paper_rows: int | None = None
        self._printed: list[PrintedSlip] = []
        self.control = SimulatedPrinterControl(self)

    @property
    def printed(self) -> list[PrintedSlip]:
        with self._lock:
            return list(self._printed)

    @property
    def last_image(self) -> Image.Image | None:
        with self._lock:
            return self._printed[-1].image if self._printed else None

    def health(self) -> Health:
        with self._lock:
            return self._health()

    def print_image(self, img: Image.Image, *, cut: bool = True) -> PrintResult:
        """Print, or print part of the slip when the paper runs out, and keep what came out."""
        if img.width > self.dot_width:
            return PrintResult(
                PrintOutcome.FAILED,
                DeviceStatus.ERROR,
                f"image {img.width} dots wide, printer {self.dot_width}",
            )
        with self._lock:
            health = self._health()
            if health.status not in (DeviceStatus.READY, DeviceStatus.UNKNOWN):
                return PrintResult(PrintOutcome.FAILED, health.status, health.detail)
            rows = img.height if self._paper_rows is None else min(img.height, self._paper_rows)
            if self._paper_rows is not None:
                self._paper_rows -= rows
            if rows < img.height:
                self._status = DeviceStatus.NO_PAPER
                return self._keep(
                    img.crop((0, 0, img.width, rows)),
                    PrintOutcome.INCOMPLETE,
                    cut=False,
                    detail=f"paper ran out after {rows} of {img.height} rows",
                )
            detail = "sent; printer did not answer status" if health.status is DeviceStatus.UNKNOWN else ""
            return self._keep(img, PrintOutcome.PRINTED, cut=cut, detail=detail)

    def _health(self) -> Health:
        if self._status is DeviceStatus.READY and self._paper_rows == 0:
            self._status = DeviceStatus.NO_PAPER
        match self._status:
            case DeviceStatus.READY:
                return Health(DeviceStatus.READY)
            case DeviceStatus.UNKNOWN:
                return Health(DeviceStatus.UNKNOWN, "simulated printer does not answer")
            case _:
                return Health(self._status, f"simulated {self._status.value}")

    def _keep(self, paper: Image.Image, outcome: PrintOutcome, *, cut: bool, detail: str) -> PrintResult:
        escpos = escpos_job(paper, cut=cut, profile=self._profile).to_bytes() if paper.height else b""
        paper = paper.convert("1")
        png_path: Path | None = None
        if self._out_dir is not None:
            self._out_dir.mkdir(parents=True, exist_ok=True)
            png_path = self._out_dir / f"slip-{len(self._printed) + 1:04d}.png"
            if paper.height:
                paper.save(png_path)
            else:
                png_path = None
        self._printed.append(PrintedSlip(paper, escpos, outcome, png_path))
        return PrintResult(outcome, self._status, detail)

    def _set_status(self, status: DeviceStatus) -> None:
        with self._lock:
            self._status = status
            if status is DeviceStatus.READY:
                self._paper_rows = None

    def _set_paper_rows(self, n: int) -> None:
        with self._lock:
            self._paper_rows = n
