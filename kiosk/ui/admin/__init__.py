"""Technician and field-staff mode over the kiosk window (a hot-spot, a PIN, their screens).

Wire it in with :func:`install_admin` after ``build_ui``; build the services with
:class:`AdminServices` and the ready-made actions in :mod:`kiosk.ui.admin.services`.
"""

from kiosk.ui.admin.overlay import AdminOverlay, install_admin
from kiosk.ui.admin.services import (
    ActionResult,
    AdminServices,
    ack_import_action,
    link_check,
    signed_ping_check,
    usb_export_action,
)

__all__ = [
    "ActionResult",
    "AdminOverlay",
    "AdminServices",
    "ack_import_action",
    "install_admin",
    "link_check",
    "signed_ping_check",
    "usb_export_action",
]
