"""The composition root: builds the kiosk's parts from the configuration, in one place.

Nothing else decides between real and simulated devices, opens the store or reads keys; ``kiosk
run``, ``kiosk demo``, the CLI commands and the GUI tests all get their parts from here (the UI's
view of them from :mod:`kiosk.wiring.ui`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig, check_can_start
from kiosk.data_updates import apply_pending, load_active
from kiosk.domain.catalog import Catalog
from kiosk.domain.workdays import HolidayCalendar
from kiosk.layout import store_path
from kiosk.paths import ASSETS_DIR
from kiosk.provision import read_gateway_record
from kiosk.sealing import SealContext, SealingKeys
from kiosk.sim.clock import ShiftableClock
from kiosk.store.db import Store, open_store
from kiosk.store.sweep import sweep
from kiosk.wiring.devices import DeviceSet, build_devices
from sync.protocol.keys import ed25519_public_from_b64, x25519_public_from_b64

if TYPE_CHECKING:
    from sync.gateway.server import RunningGateway
    from sync.netsim import FaultProxy

CATALOG_PATH = ASSETS_DIR / "catalog" / "procedures.json"
HOLIDAYS_PATH = ASSETS_DIR / "holidays" / "vn.json"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Kiosk:
    """Everything a running kiosk holds; `close()` releases it in reverse order."""

    config: KioskConfig
    catalog: Catalog
    holidays: HolidayCalendar
    store: Store
    devices: DeviceSet
    seal_context: SealContext
    now: Callable[[], datetime]
    monotonic: Callable[[], float]
    stack: ExitStack
    sim_clock: ShiftableClock | None = None
    gateway: RunningGateway | None = None
    link: FaultProxy | None = None

    def close(self) -> None:
        self.stack.close()


def _all_simulated(config: KioskConfig) -> bool:
    d = config.devices
    return {d.camera.backend, d.scanner.backend, d.printer.backend} == {"simulated"}


def open_kiosk_store(config: KioskConfig, now: Callable[[], datetime] = utc_now) -> Store:
    """Open the store and run the start-up sweep (orphans removed, damaged rows flagged)."""
    store = open_store(store_path(config), clock=now)
    sweep(store)
    return store


def build_kiosk(config: KioskConfig, *, now: Callable[[], datetime] | None = None,
                monotonic: Callable[[], float] | None = None,
                start_gateway: bool = True) -> Kiosk:
    """Build the kiosk from its configuration (embedded gateway started when configured).

    A fully simulated kiosk gets a clock testers can move on; otherwise the real clocks (or the
    ones a test injects).
    """
    check_can_start(config)  # embedded gateway only on simulated devices; remote provisioned
    sim_clock = None
    if now is None and monotonic is None and _all_simulated(config):
        sim_clock = ShiftableClock()
        now, monotonic = sim_clock.now, sim_clock.monotonic
    now = now or utc_now
    monotonic = monotonic or time.monotonic
    stack = ExitStack()
    running: RunningGateway | None = None
    link: FaultProxy | None = None
    try:
        if config.gateway.mode == "embedded":
            from kiosk.wiring.embedded import provision_embedded, start_embedded

            if start_gateway:
                if sim_clock is not None:  # fully simulated: testers can cut or slow the link
                    from sync.netsim import FaultProxy

                    link = FaultProxy("127.0.0.1", 9).start()
                    stack.callback(link.stop)
                running = start_embedded(config, link=link)
                stack.callback(running.stop)
            else:
                provision_embedded(config)  # keys only: sealing works with no gateway running
        record = read_gateway_record(config)
        # No session has started: the moment to apply staged catalog/holiday updates.
        places = CATALOG_PATH.with_name("places.json")
        apply_pending(config.data_dir, ed25519_public_from_b64(record.signing_public_key), places)
        active = load_active(config.data_dir, CATALOG_PATH, HOLIDAYS_PATH, places)
        catalog, holidays = active.catalog, active.holidays
        store = open_kiosk_store(config, now)
        stack.callback(store.close)
        devices = build_devices(config)
        stack.callback(devices.close)
        keys = SealingKeys(config.kiosk.id, config.kiosk.code_prefix,
                           x25519_public_from_b64(record.encryption_public_key))
        # no seal while the clock is implausible (dead RTC...); a simulated clock is the testers'
        guard = None
        if sim_clock is None:
            from kiosk.wiring.clock import store_clock_guard

            guard = store_clock_guard(store, data_dir=config.data_dir,
                                      now=lambda: now().timestamp())
        context = SealContext(store, keys, catalog, holidays, config.devices.scanner.dpi,
                              clock_guard=guard)
        return Kiosk(config, catalog, holidays, store, devices, context, now, monotonic, stack,
                     sim_clock, running, link)
    except BaseException:
        stack.close()
        raise
