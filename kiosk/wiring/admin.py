"""AdminServices for a kiosk built by the composition root (``kiosk.wiring.root.build_kiosk``).

Usage in the UI process, after ``build_ui``::

    from kiosk.ui.admin import install_admin
    from kiosk.wiring.admin import admin_services_for

    services = admin_services_for(kiosk, config_path=path, restart=restart, on_open=ui.flow.home)
    overlay = install_admin(ui.engine, ui.window, services, images=ui.images, kiosk_strings=ui.strings)
    ...
    overlay.close()   # before ui.close()
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from devices.fonts import REGULAR_FONT, installed
from kiosk.admin.pin import PinGuard
from kiosk.layout import pins_path, store_path
from kiosk.ui.admin.services import (
    AdminServices,
    ack_import_action,
    signed_ping_check,
    usb_export_action,
)

if TYPE_CHECKING:
    from kiosk.wiring.root import Kiosk


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
    from kiosk.provision import ensure_kiosk_key, read_gateway_record
    from kiosk.wiring.gateway import agent_config
    from sync.protocol.keys import ed25519_public_from_b64

    config = kiosk.config
    db = store_path(config)
    devices = kiosk.devices
    return AdminServices(
        store=kiosk.store,
        pins=PinGuard(pins_path(config), time.time),
        clock=time.time,
        kiosk_id=config.kiosk.id,
        sync_db=db,
        qr_reader=devices.qr_reader,
        scanner=devices.scanner,
        printer=devices.printer,
        config_path=config_path,
        restart=restart,
        network_test=signed_ping_check(lambda: agent_config(config)),
        export_bundle=usb_export_action(db, config.kiosk.id, lambda: ensure_kiosk_key(config)),
        import_ack=ack_import_action(
            db,
            config.kiosk.id,
            lambda: ed25519_public_from_b64(read_gateway_record(config).signing_public_key),
        ),
        receipt_font=installed(REGULAR_FONT),
        on_open=on_open,
        hold_s=hold_s,
        scanner_source=config.devices.scanner.source,
    )
