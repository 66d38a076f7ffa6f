"""A whole simulated kiosk in one folder, built by the same root as ``kiosk run``.

The GUI tests and the UI benchmarks use it: ``build_kiosk`` on the default configuration with
every device simulated (chosen from the configuration, like ``kiosk run --simulate``), the data
folder of the caller's choosing, and the embedded gateway provisioned but not started (no thread,
no port): sealing encrypts to its key, which tests can read with :meth:`SimKit.gateway_key`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from devices.printer.simulated import SimulatedPrinter
from devices.qr.simulated import SimulatedQrReader
from devices.scanner.simulated import SimulatedScanner
from kiosk.config import KioskConfig, PathsSection
from kiosk.layout import gateway_dir
from kiosk.store.db import Store
from kiosk.ui.services import UiServices, UiSettings
from kiosk.wiring.root import Kiosk, build_kiosk
from kiosk.wiring.ui import build_ui_services


def sim_config(data_dir: Path, base: KioskConfig | None = None) -> KioskConfig:
    """``base`` (default: the built-in defaults) with its data in ``data_dir``, devices simulated."""
    config = base or KioskConfig()
    return config.model_copy(update={"paths": PathsSection(data_dir=data_dir)}).simulated()


@dataclass
class SimKit:
    """A simulated kiosk and its UI's ports; the simulators are the kiosk's own devices."""

    kiosk: Kiosk
    services: UiServices
    qr: SimulatedQrReader
    scanner: SimulatedScanner
    printer: SimulatedPrinter

    @property
    def store(self) -> Store:
        return self.kiosk.store

    def gateway_key(self) -> X25519PrivateKey:
        """The embedded gateway's private encryption key (what opens a sealed payload)."""
        from sync.gateway.keys import load_or_create_keys

        return load_or_create_keys(gateway_dir(self.kiosk.config)).encryption

    def close(self) -> None:
        self.kiosk.close()


def build_sim_kit(
    data_dir: Path,
    *,
    clock: Callable[[], float] = time.monotonic,
    settings: UiSettings | None = None,
    config: KioskConfig | None = None,
) -> SimKit:
    """Build the kiosk in ``data_dir``; ``settings`` replaces the configured panel and voice."""
    kiosk = build_kiosk(sim_config(data_dir, config), monotonic=clock, start_gateway=False)
    try:
        devices = kiosk.devices
        qr, scanner, printer = devices.qr_reader, devices.scanner, devices.printer
        if not (isinstance(qr, SimulatedQrReader) and isinstance(scanner, SimulatedScanner)
                and isinstance(printer, SimulatedPrinter)):
            raise TypeError("a simulated configuration built real devices")
        services = build_ui_services(kiosk, tts_engine="mock", settings=settings)
        return SimKit(kiosk, services, qr, scanner, printer)
    except BaseException:
        kiosk.close()
        raise
