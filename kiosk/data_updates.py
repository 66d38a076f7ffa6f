"""Apply the catalog and holiday updates the sync agent staged, and load what is active.

Between sessions only: at start-up (``build_kiosk``) and whenever the UI is back at its welcome
screen with no citizen (``apply_pending`` is quick and never touches what a session holds).
An update is applied only if it is signed by the gateway, newer than the applied one, and the
kiosk's own loader accepts it (for the catalog, also that its ``catalog_version`` is the one
announced); otherwise it is refused, recorded, and the kiosk keeps what it had. Loading is a
second safety net: if the active version no longer loads, the kiosk rolls back to the one
before, then to the files shipped in the package.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.domain.catalog import Catalog, CatalogError, load_catalog
from kiosk.domain.workdays import HolidayCalendar, HolidayDataError, load_holidays
from sync.api import UPDATE_KINDS, DataUpdate, UpdateError, UpdateLayout, verify_update

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpdateOutcome:
    kind: str
    serial: int
    version: str
    applied: bool
    reason: str = ""


@dataclass(frozen=True)
class ActiveData:
    catalog: Catalog
    holidays: HolidayCalendar
    catalog_serial: int  # 0: the packaged file
    holidays_serial: int
    holidays_version: str | None  # the update's version; None for the packaged file


def _validate(update: DataUpdate, staged_file: Path, places: Path) -> None:
    if update.kind == "catalog":
        catalog = load_catalog(staged_file, places)
        if catalog.version != update.version:
            raise CatalogError(f"catalog_version {catalog.version!r} is not the announced "
                               f"{update.version!r}")
    else:
        load_holidays(staged_file)


def apply_pending(data_dir: Path, gateway_key: Ed25519PublicKey,
                  places: Path) -> list[UpdateOutcome]:
    """Apply every staged update that passes; refuse (and record) the others."""
    layout = UpdateLayout(data_dir)
    outcomes: list[UpdateOutcome] = []
    for kind in UPDATE_KINDS:
        pending = layout.pending(kind)
        try:
            raw = pending.read_bytes()
        except FileNotFoundError:
            continue
        try:
            update = verify_update(raw, gateway_key)
        except UpdateError as exc:
            layout.drop_pending(kind)
            outcomes.append(UpdateOutcome(kind, 0, "", applied=False, reason=str(exc)))
            continue
        if update.kind != kind or update.serial <= layout.applied_serial(kind):
            layout.drop_pending(kind)
            outcomes.append(UpdateOutcome(kind, update.serial, update.version, applied=False,
                                          reason="not newer than the applied version"))
            continue
        try:
            staged = layout.stage(update, raw)
            _validate(update, layout.staged_content(staged, kind), places)
        except (CatalogError, HolidayDataError, OSError) as exc:
            # Refused for good (a later serial is pulled and tried): a kiosk that restarts to
            # apply must never find the same failing update again and loop.
            layout.reject(kind, update.serial, str(exc))
            log.warning("%s update %s refused, keeping the current one: %s", kind,
                        update.version, exc)
            outcomes.append(UpdateOutcome(kind, update.serial, update.version, applied=False,
                                          reason=str(exc)))
            continue
        try:
            layout.activate(kind, staged)
        except OSError as exc:
            layout.reject(kind, update.serial, f"could not switch to it: {exc}")
            log.error("%s update %s could not be switched to: %s", kind, update.version, exc)
            outcomes.append(UpdateOutcome(kind, update.serial, update.version, applied=False,
                                          reason=str(exc)))
            continue
        layout.drop_pending(kind)
        log.info("%s update %s (serial %d) applied", kind, update.version, update.serial)
        outcomes.append(UpdateOutcome(kind, update.serial, update.version, applied=True))
    return outcomes


def has_pending(data_dir: Path) -> bool:
    layout = UpdateLayout(data_dir)
    return any(layout.pending(kind).exists() for kind in UPDATE_KINDS)


def load_active(data_dir: Path, packaged_catalog: Path, packaged_holidays: Path,
                places: Path) -> ActiveData:
    """The applied catalog and holidays, falling back version by version to the packaged ones."""
    layout = UpdateLayout(data_dir)
    catalog: Catalog | None = None
    while catalog is None and (path := layout.current_content("catalog")) is not None:
        try:
            catalog = load_catalog(path, places)
        except CatalogError as exc:
            log.error("applied catalog does not load (%s): rolling back", exc)
            layout.rollback("catalog")
    holidays: HolidayCalendar | None = None
    while holidays is None and (path := layout.current_content("holidays")) is not None:
        try:
            holidays = load_holidays(path)
        except HolidayDataError as exc:
            log.error("applied holidays do not load (%s): rolling back", exc)
            layout.rollback("holidays")
    applied_holidays = layout.applied("holidays") if holidays is not None else None
    return ActiveData(
        catalog=catalog if catalog is not None else load_catalog(packaged_catalog, places),
        holidays=holidays if holidays is not None else load_holidays(packaged_holidays),
        catalog_serial=layout.applied_serial("catalog") if catalog is not None else 0,
        holidays_serial=layout.applied_serial("holidays") if holidays is not None else 0,
        holidays_version=applied_holidays.version if applied_holidays is not None else None,
    )
