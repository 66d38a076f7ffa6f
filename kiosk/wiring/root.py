"""The composition root: builds the kiosk's parts from the configuration, in one place.

Nothing else decides between real and simulated devices, opens the store or reads keys; the UI,
the CLI commands and the tests all get their parts from here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from devices.fonts import REGULAR_FONT
from kiosk.config import KioskConfig
from kiosk.data_updates import apply_pending, load_active
from kiosk.devices_root import DeviceSet, build_devices
from kiosk.domain.catalog import Catalog
from kiosk.domain.workdays import HolidayCalendar
from kiosk.layout import store_path
from kiosk.paths import ASSETS_DIR
from kiosk.provision import read_gateway_record
from kiosk.sealing import SealContext, SealingKeys, seal_application
from kiosk.sim.clock import ShiftableClock
from kiosk.store.db import Store, open_store
from kiosk.store.sweep import sweep
from sync.protocol.keys import ed25519_public_from_b64, x25519_public_from_b64

if TYPE_CHECKING:
    from kiosk.ui.services import UiServices
    from sync.agent.config import AgentConfig
    from sync.gateway.server import RunningGateway
    from sync.netsim import FaultProxy
    from sync.otp import OtpRequest, OtpVerdict
    from sync.vneid import VneidVerdict

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
            from kiosk.embedded import provision_embedded, start_embedded

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
        context = SealContext(store, keys, catalog, holidays, config.devices.scanner.dpi)
        return Kiosk(config, catalog, holidays, store, devices, context, now, monotonic, stack,
                     sim_clock, running, link)
    except BaseException:
        stack.close()
        raise


def build_ui_services(kiosk: Kiosk, *, tts_engine: str = "speechd") -> UiServices:
    """The citizen UI's view of the kiosk (Qt-free: the UI process imports Qt itself)."""
    from kiosk.ui.services import KioskIdentity, SimControls, UiServices, UiSettings

    config = kiosk.config
    display = config.display

    controls = kiosk.devices.sim_controls
    sim = (SimControls(controls["qr"], controls["scanner"], controls["printer"])
           if {"qr", "scanner", "printer"} <= controls.keys() else None)
    settings = UiSettings(
        panel_dpi=display.dpi,
        width_mm=display.width_px / display.dpi * 25.4,
        height_mm=display.height_px / display.dpi * 25.4,
        language=display.language,
        idle_s=float(config.session.idle_timeout_s),
        countdown_s=float(config.session.countdown_s),
        tts_engine=tts_engine,
        voice_dir=ASSETS_DIR / "voice",
    )
    return UiServices(
        catalog=kiosk.catalog, clock=kiosk.monotonic, now=kiosk.now, store=kiosk.store,
        qr_reader=kiosk.devices.qr_reader, scanner=kiosk.devices.scanner,
        printer=kiosk.devices.printer, receipt_font=REGULAR_FONT,
        settings=settings,
        kiosk=KioskIdentity(
            config.kiosk.commune_name, config.kiosk.id, code_prefix=config.kiosk.code_prefix,
            authority=config.kiosk.authority, collect_at=config.kiosk.collect_at,
            office_hours=config.kiosk.office_hours, hotline=config.kiosk.hotline,
        ),
        seal=partial(seal_application, kiosk.seal_context), sim=sim, online=lambda: link_online(kiosk.config),
        otp=GatewayOtp(kiosk.config), vneid=GatewayVneid(kiosk.config),
    )


class GatewayOtp:
    """The UI's OtpPort: ``sync.otp`` with the agent's configuration (blocking; off the GUI thread)."""

    def __init__(self, config: KioskConfig) -> None:
        self._config = config

    def _agent(self) -> AgentConfig | None:
        from kiosk.commands.sync_cmd import agent_config
        from kiosk.provision import ProvisioningError
        from sync.protocol.keys import KeyFormatError

        try:
            return agent_config(self._config)
        except (ProvisioningError, KeyFormatError):
            return None

    def request(self, application_id: str, citizen_id: str) -> OtpRequest:
        from sync.otp import OtpRequest, OtpSent, request_otp

        agent = self._agent()
        if agent is None:
            return OtpRequest(OtpSent.NO_LINK, reason="kiosk not provisioned for the gateway")
        return request_otp(agent, application_id, citizen_id)

    def verify(self, application_id: str, code: str) -> OtpVerdict:
        from sync.otp import OtpCheck, OtpVerdict, verify_otp

        agent = self._agent()
        if agent is None:
            return OtpVerdict(OtpCheck.NO_LINK, reason="kiosk not provisioned for the gateway")
        return verify_otp(agent, application_id, code)


class GatewayVneid:
    """The UI's VneidPort: ``sync.vneid`` with the agent's configuration (blocking; off the GUI thread)."""

    def __init__(self, config: KioskConfig) -> None:
        self._otp = GatewayOtp(config)  # the same provisioning read

    def verify(self, token: str) -> VneidVerdict:
        from sync.api import VneidCheck, VneidVerdict, verify_vneid

        agent = self._otp._agent()
        if agent is None:
            return VneidVerdict(VneidCheck.NO_LINK, reason="kiosk not provisioned for the gateway")
        return verify_vneid(agent, token)


def link_online(config: KioskConfig) -> bool:
    """What the sync agent last saw of the link (the UI offers OTP only when it is up)."""
    from sync.api import read_status

    try:
        return read_status(store_path(config)).link.state == "online"
    except Exception:  # a status read must never break a citizen's session
        return False
