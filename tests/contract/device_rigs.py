"""QR reader and scanner backends with a uniform test handle for the contract suites.

To add a backend (camera over a video file, SANE test backend), write a context-manager
factory returning the rig and append it to QR_RIGS or SCANNER_RIGS.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from devices.qr.protocol import QrReader
from devices.qr.simulated import SimulatedQrReader
from devices.scanner.protocol import Scanner
from devices.scanner.simulated import SimulatedScanner


@dataclass(frozen=True)
class QrRig:
    reader: QrReader
    show: Callable[[bytes], None]  # hold a QR carrying these bytes in front of the reader


@dataclass(frozen=True)
class ScannerRig:
    scanner: Scanner
    # Put n pages where the next feeder scan takes them; returns how many that scan will give
    # (a backend whose feeder cannot be loaded, like SANE's test backend, returns its own count).
    load_pages: Callable[[int], int]


@contextmanager
def simulated_qr(tmp_path: Path) -> Iterator[QrRig]:
    reader = SimulatedQrReader()
    try:
        yield QrRig(reader, reader.control.inject)
    finally:
        reader.stop()


@contextmanager
def simulated_scanner(tmp_path: Path) -> Iterator[ScannerRig]:
    from devices.scanner.sample_pages import make_sample_page

    scanner = SimulatedScanner()

    def load(n: int) -> int:
        scanner.control.feed([make_sample_page("Trang", i, dpi=100) for i in range(n)])
        return n

    yield ScannerRig(scanner, load)


@contextmanager
def sane_test_backend_scanner(tmp_path: Path) -> Iterator[ScannerRig]:
    """SANE's real ``test`` backend through a private config dir; its feeder holds 10 sheets."""
    assert shutil.which("scanimage") is not None, "scanimage missing: `make test` installs sane-utils"
    from devices.scanner.sane import SaneScanner
    from devices.scanner.sane_test_backend import settings_for_test_backend

    scanner = SaneScanner(settings_for_test_backend(tmp_path / "sane"))
    yield ScannerRig(scanner, lambda n: 10)


QR_RIGS: list[Callable[[Path], AbstractContextManager[QrRig]]] = [simulated_qr]
SCANNER_RIGS: list[Callable[[Path], AbstractContextManager[ScannerRig]]] = [
    simulated_scanner,
    sane_test_backend_scanner,
]
