"""A complete simulated ``UiServices`` (for the GUI tests and ``python -m kiosk.ui.demo``).

The real composition root is ``kiosk.app``; this kit wires the same parts with simulated devices,
a throw-away store and a fresh gateway key so the UI can be exercised on any machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from devices.fonts import REGULAR_FONT, installed
from devices.printer.simulated import SimulatedPrinter
from devices.qr.simulated import SimulatedQrReader
from devices.scanner.simulated import SimulatedScanner
from kiosk.domain.application import ConfirmedApplication
from kiosk.domain.catalog import load_catalog
from kiosk.domain.catalog_model import Catalog
from kiosk.domain.workdays import load_holidays
from kiosk.paths import ASSETS_DIR
from kiosk.sealing import SealContext, SealingKeys, seal_application
from kiosk.store.applications import SealedRecord
from kiosk.store.db import Store, open_store
from kiosk.ui.services import KioskIdentity, SimControls, UiServices, UiSettings


def make_seal(
    store: Store, catalog: Catalog, keys: SealingKeys
) -> Callable[[ConfirmedApplication], SealedRecord]:
    """The same adapter as ``kiosk.app`` uses, over this kit's store."""
    holidays = load_holidays(ASSETS_DIR / "holidays" / "vn.json")
    context = SealContext(store, keys, catalog, holidays)
    return lambda app: seal_application(context, app)


@dataclass
class SimKit:
    services: UiServices
    qr: SimulatedQrReader
    scanner: SimulatedScanner
    printer: SimulatedPrinter
    store: Store


def build_sim_services(
    data_dir: Path,
    *,
    clock: Callable[[], float] = time.monotonic,
    settings: UiSettings | None = None,
) -> SimKit:
    catalog = load_catalog(ASSETS_DIR / "catalog" / "procedures.json", ASSETS_DIR / "catalog" / "places.json")
    store = open_store(data_dir / "kiosk.db")
    keys = SealingKeys("KIOSK-DEMO-01", "QN01", X25519PrivateKey.generate().public_key())
    qr, scanner, printer = SimulatedQrReader(), SimulatedScanner(), SimulatedPrinter(data_dir / "printed")
    services = UiServices(
        catalog=catalog,
        clock=clock,
        now=lambda: datetime.now(UTC),
        store=store,
        qr_reader=qr,
        scanner=scanner,
        printer=printer,
        receipt_font=installed(REGULAR_FONT),
        settings=settings or UiSettings(panel_dpi=96.0, width_mm=285.75, height_mm=508.0, tts_engine="mock"),
        kiosk=KioskIdentity(commune_name="Xã Quế Châu", kiosk_id="KIOSK-DEMO-01", code_prefix="QN01"),
        seal=make_seal(store, catalog, keys),
        sim=SimControls(qr=qr.control, scanner=scanner.control, printer=printer.control),
    )
    return SimKit(services=services, qr=qr, scanner=scanner, printer=printer, store=store)
