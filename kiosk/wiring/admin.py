"""AdminServices for a kiosk built by the composition root (``kiosk.wiring.root.build_kiosk``).

Usage in the UI process, after ``build_ui``::

    from kiosk.ui.admin import install_admin
    from kiosk.wiring.admin import admin_services_for

    services = admin_services_for(kiosk, config_path=path, restart=restart, on_open=ui.flow.home)
    overlay = install_admin(ui.engine, ui.window, services, images=ui.images,
                            kiosk_strings=ui.strings, devices=ui.devices)
    ...
    overlay.close()   # before ui.close()

The ready-made actions below are what the staff screen's buttons do; each is the same
``sync.api`` call as its CLI command (``kiosk export``, ``kiosk import-ack``, ``kiosk sync
retry``...), so a button and a command always agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from devices.fonts import REGULAR_FONT, installed
from kiosk.admin.audit import audit, recent
from kiosk.admin.pin import PinGuard
from kiosk.layout import pins_path, store_path
from kiosk.store.staff_calls import handle_staff_call, open_staff_calls
from kiosk.store.tickets import finish_ticket, waiting_tickets
from kiosk.ui.admin.services import ActionResult, AdminServices
from kiosk.wiring.gateway import agent_config, gateway_signing_key, kiosk_key
from sync import api

if TYPE_CHECKING:
    from kiosk.wiring.root import Kiosk


def usb_export_action(
    db_path: Path, kiosk_id: str, key: Callable[[], Ed25519PrivateKey]
) -> Callable[[Path], ActionResult]:
    """``kiosk export --to DIR`` as a callable (the same ``sync.api`` call as the CLI)."""

    def export(dest: Path) -> ActionResult:
        result = api.export_bundle(db_path, dest, kiosk_id, key())
        return ActionResult(result.ok, result.message,
                            f"usb_problem_{result.problem}" if result.problem else "")

    return export


def ack_import_action(
    db_path: Path, kiosk_id: str, gateway_key: Callable[[], Ed25519PublicKey]
) -> Callable[[Path], ActionResult]:
    """``kiosk import-ack FILE`` as a callable."""

    def import_ack(ack_file: Path) -> ActionResult:
        result = api.import_ack(db_path, ack_file, kiosk_id, gateway_key())
        return ActionResult(result.ok, result.message)

    return import_ack


def signed_ping_check(config: Callable[[], api.AgentConfig]) -> Callable[[], ActionResult]:
    """A signed ``GET /v1/ping`` with the kiosk's key, checked against the gateway's key."""

    def check() -> ActionResult:
        try:
            agent = config()
        except Exception as exc:  # not provisioned, a bad key file...: the answer to show
            return ActionResult(False, f"not provisioned: {exc}")
        result = api.ping(agent)
        return ActionResult(result.ok, result.message)

    return check


def admin_services_for(
    kiosk: Kiosk,
    *,
    config_path: Path | None,
    restart: Callable[[], None],
    on_open: Callable[[], None] = lambda: None,
    hold_s: float = 5.0,
) -> AdminServices:
    """Technician/staff services from the running kiosk's parts and files.

    The PIN lockout runs on the real clock (a tester moving the simulated clock on must not unlock
    the pad). ``config_path`` is the file given by --config / $KIOSK_CONFIG (None: nothing to edit).
    """
    config = kiosk.config
    db = store_path(config)
    devices = kiosk.devices
    store = kiosk.store
    return AdminServices(
        pins=PinGuard(pins_path(config), time.time),
        clock=time.time,
        kiosk_id=config.kiosk.id,
        audit=partial(audit, store),
        recent_audit=partial(recent, store),
        sync_status=partial(api.read_status, db),
        send_now=partial(api.request_send_now, db),
        requeue=lambda code, actor, why: api.requeue(db, code, actor=actor, why=why),
        qr_reader=devices.qr_reader,
        scanner=devices.scanner,
        printer=devices.printer,
        config_path=config_path,
        restart=restart,
        network_test=signed_ping_check(lambda: agent_config(config)),
        export_bundle=usb_export_action(db, config.kiosk.id, kiosk_key(config)),
        import_ack=ack_import_action(db, config.kiosk.id, gateway_signing_key(config)),
        open_calls=partial(open_staff_calls, store),
        handle_call=partial(handle_staff_call, store),
        waiting_tickets=lambda: waiting_tickets(store, kiosk.now().date()),
        finish_ticket=lambda field, number, outcome: finish_ticket(
            store, kiosk.now().date(), field, number, "served" if outcome == "served" else "cancelled"),
        receipt_font=installed(REGULAR_FONT),
        on_open=on_open,
        hold_s=hold_s,
        scanner_source=config.devices.scanner.source,
    )
