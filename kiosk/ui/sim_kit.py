"""A complete simulated ``UiServices`` (for the GUI tests and ``python -m kiosk.ui.demo``).

The real composition root is ``kiosk.app``; this kit wires the same parts with simulated devices,
a throw-away store and a fresh gateway key so the UI can be exercised on any machine.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from devices.imaging.pdf import pages_to_pdf
from devices.printer.simulated import SimulatedPrinter
from devices.qr.simulated import SimulatedQrReader
from devices.scanner.simulated import SimulatedScanner
from kiosk.domain.catalog import load_catalog
from kiosk.domain.catalog_model import Catalog
from kiosk.domain.identity import Identity
from kiosk.paths import ASSETS_DIR
from kiosk.sealing import DocumentToSeal, SealingKeys, seal
from kiosk.store.applications import SealedRecord
from kiosk.store.db import Store, open_store
from kiosk.ui.services import Draft, KioskIdentity, SimControls, UiServices, UiSettings

NOTO = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")


@dataclass(frozen=True)
class _Confirmation:
    method: str
    at: datetime


@dataclass(frozen=True)
class _Sealable:
    application_id: uuid.UUID
    procedure_code: str
    catalog_version: str
    identity: Identity
    answers: dict[str, str]
    confirmed_at: datetime
    confirmation: _Confirmation


def _working_days_after(day: date, days: int) -> date:
    d = day
    while days > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def make_seal(store: Store, catalog: Catalog, keys: SealingKeys) -> Callable[[Draft], SealedRecord]:
    """Adapts the UI's ``Draft`` to ``kiosk.sealing.seal`` (PDF per document)."""

    def _seal(draft: Draft) -> SealedRecord:
        app = _Sealable(
            application_id=uuid.uuid4(),
            procedure_code=draft.procedure_code,
            catalog_version=draft.catalog_version,
            identity=draft.identity,
            answers=dict(draft.answers),
            confirmed_at=draft.confirmed_at,
            confirmation=_Confirmation("kiosk_code", draft.confirmed_at),
        )
        docs = [
            DocumentToSeal(doc_id, doc_id, len(pages), pages_to_pdf(pages, 200))
            for doc_id, pages in draft.documents.items()
            if pages
        ]
        days = catalog.get(draft.procedure_code).processing_days
        return seal(
            store,
            app,
            docs,
            keys=keys,
            appointment_date=_working_days_after(draft.confirmed_at.date(), days),
        )

    return _seal


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
        receipt_font=NOTO if NOTO.is_file() else None,
        settings=settings or UiSettings(panel_dpi=96.0, width_mm=400.0, height_mm=225.0, tts_engine="mock"),
        kiosk=KioskIdentity(commune_name="Xã Quế Châu", kiosk_id="KIOSK-DEMO-01"),
        seal=make_seal(store, catalog, keys),
        sim=SimControls(qr=qr.control, scanner=scanner.control, printer=printer.control),
    )
    return SimKit(services=services, qr=qr, scanner=scanner, printer=printer, store=store)
