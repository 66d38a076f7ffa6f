"""The citizen UI's ports (``UiServices``), built from a kiosk the root built.

Qt-free: the UI process imports Qt itself. Everything the view-models reach outside the UI goes
through these callables (sealing, the store's lookups, tickets and ratings, the gateway's OTP and
VNeID); the UI runs the blocking ones on its workers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from devices.fonts import REGULAR_FONT, installed
from kiosk.domain.application import Rating
from kiosk.layout import store_path
from kiosk.lookup import LookupAnswer, LookupLimiter, look_up
from kiosk.paths import ASSETS_DIR
from kiosk.sealing import seal_application
from kiosk.store.db import Store
from kiosk.store.ratings import record_rating
from kiosk.store.staff_calls import record_staff_call
from kiosk.store.tickets import issue_queue_ticket
from kiosk.ui.services import KioskIdentity, SimControls, UiServices, UiSettings
from kiosk.wiring.gateway import GatewayOtp, GatewayVneid, link_online
from kiosk.wiring.root import Kiosk


def ui_settings(kiosk: Kiosk, *, tts_engine: str = "speechd") -> UiSettings:
    """Panel geometry, language and timings from the configuration."""
    config = kiosk.config
    display = config.display
    return UiSettings(
        panel_dpi=display.dpi,
        width_mm=display.width_px / display.dpi * 25.4,
        height_mm=display.height_px / display.dpi * 25.4,
        language=display.language,
        idle_s=float(config.session.idle_timeout_s),
        countdown_s=float(config.session.countdown_s),
        tts_engine=tts_engine,
        voice_dir=ASSETS_DIR / "voice",
    )


def build_ui_services(kiosk: Kiosk, *, tts_engine: str = "speechd",
                      settings: UiSettings | None = None) -> UiServices:
    """The citizen UI's view of the kiosk; ``settings`` replaces the configured panel and voice
    (the GUI tests try other panels)."""
    config = kiosk.config
    controls = kiosk.devices.sim_controls
    sim = (SimControls(controls["qr"], controls["scanner"], controls["printer"])
           if {"qr", "scanner", "printer"} <= controls.keys() else None)
    return UiServices(
        catalog=kiosk.catalog, clock=kiosk.monotonic, now=kiosk.now,
        qr_reader=kiosk.devices.qr_reader, scanner=kiosk.devices.scanner,
        printer=kiosk.devices.printer, receipt_font=installed(REGULAR_FONT),
        settings=settings or ui_settings(kiosk, tts_engine=tts_engine),
        kiosk=KioskIdentity(
            config.kiosk.commune_name, config.kiosk.id, code_prefix=config.kiosk.code_prefix,
            authority=config.kiosk.authority, collect_at=config.kiosk.collect_at,
            office_hours=config.kiosk.office_hours, hotline=config.kiosk.hotline,
        ),
        seal=partial(seal_application, kiosk.seal_context),
        lookup=_lookup(kiosk.store, LookupLimiter(kiosk.monotonic)),
        queue_ticket=partial(issue_queue_ticket, kiosk.store),
        record_rating=partial(_record_rating, kiosk.store),
        call_staff=partial(record_staff_call, kiosk.store), sim=sim,
        online=link_online(store_path(config)),
        otp=GatewayOtp(config), vneid=GatewayVneid(config),
    )  # fmt: skip


def _record_rating(store: Store, rating: Rating) -> None:
    record_rating(store, rating.score, rating.procedure_code, str(rating.rating_id))


def _lookup(store: Store, limiter: LookupLimiter) -> Callable[[str], LookupAnswer]:
    """One limiter for the kiosk (a kiosk cannot tell people apart)."""
    return lambda text: look_up(store, text, limiter)
