"""A scanner without hardware: tests feed pages, jam the feeder or set a status via ``.control``.

With nothing fed it returns generated sample pages, so the demo and manual testing always have
something realistic to show.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence

from PIL import Image

from devices.scanner.protocol import ScanOutcome, ScanSource
from devices.scanner.sample_pages import make_sample_page
from devices.status import DeviceStatus, Health


class SimulatedScannerControl:
    """Test handle for the simulated scanner."""

    def __init__(self, scanner: SimulatedScanner) -> None:
        self._scanner = scanner

    def feed(self, images: Sequence[Image.Image]) -> None:
        """Put pages in the feeder (or on the glass); the next scan takes them in order."""
        self._scanner._feed(images)

    def jam_after(self, n_pages: int) -> None:
        """The next scan jams after delivering ``n_pages`` pages; status stays JAMMED until reset."""
        self._scanner._jam_after(n_pages)

    def set_status(self, status: DeviceStatus) -> None:
        """Force a status (FEEDER_EMPTY, COVER_OPEN, DISCONNECTED...); READY clears a jam."""
        self._scanner._set_status(status)

    def hold(self) -> None:
        """Make the next scans block (a slow or hung device) until :meth:`release`."""
        self._scanner._held.clear()

    def release(self) -> None:
        self._scanner._held.set()

    @property
    def scans(self) -> int:
        """How many scans were attempted, for assertions."""
        return self._scanner._scans


class SimulatedScanner:
    """Returns fed pages (or generated samples) with the statuses a real feeder produces."""

    def __init__(self, *, sample_pages_per_scan: int = 1) -> None:
        self._lock = threading.Lock()
        self._status = DeviceStatus.READY
        self._fed: deque[Image.Image] = deque()
        self._jam_at: int | None = None
        self._held = threading.Event()
        self._held.set()
        self._scans = 0
        self._sample_pages = sample_pages_per_scan
        self.control = SimulatedScannerControl(self)

    def scan(self, *, source: ScanSource = "feeder", dpi: int = 200, timeout_s: float = 120.0) -> ScanOutcome:
        """Scan what is fed; a held device returns ERROR after ``timeout_s`` rather than hang."""
        with self._lock:
            self._scans += 1
        if not self._held.wait(timeout_s):
            return ScanOutcome(DeviceStatus.ERROR, (), dpi, f"no answer within {timeout_s:g} s")
        with self._lock:
            if self._status is not DeviceStatus.READY:
                return ScanOutcome(self._status, (), dpi, f"simulated {self._status.value}")
            batch = [self._fed.popleft()] if source == "flatbed" and self._fed else list(self._fed)
            if source == "feeder":
                self._fed.clear()
            if not batch:
                start = self._scans * 100
                batch = [
                    make_sample_page(f"Trang mẫu {i + 1}", start + i, dpi=dpi)
                    for i in range(self._sample_pages)
                ]
            jam_at, self._jam_at = self._jam_at, None
            if jam_at is not None and jam_at < len(batch):
                self._status = DeviceStatus.JAMMED
                self._fed.extendleft(reversed(batch[jam_at:]))
                pages = tuple(p.convert("RGB") for p in batch[:jam_at])
                return ScanOutcome(DeviceStatus.JAMMED, pages, dpi, f"paper jam at page {jam_at + 1}")
            return ScanOutcome(DeviceStatus.READY, tuple(p.convert("RGB") for p in batch), dpi)

    def health(self) -> Health:
        with self._lock:
            if self._status is DeviceStatus.READY:
                return Health(DeviceStatus.READY)
            return Health(self._status, f"simulated {self._status.value}")

    def _feed(self, images: Sequence[Image.Image]) -> None:
        with self._lock:
            self._fed.extend(images)

    def _jam_after(self, n_pages: int) -> None:
        if n_pages < 0:
            raise ValueError("n_pages must be >= 0")
        with self._lock:
            self._jam_at = n_pages

    def _set_status(self, status: DeviceStatus) -> None:
        with self._lock:
            self._status = status
