"""Technician and field-staff mode over the kiosk window (a hot-spot, a PIN, their screens).

Wire it in with :func:`install_admin` after ``build_ui``; build the services with
:class:`AdminServices` (``kiosk.wiring.admin`` builds it from a running kiosk).
"""

from kiosk.ui.admin.overlay import AdminOverlay, install_admin
from kiosk.ui.admin.services import ActionResult, AdminServices

__all__ = [
    "ActionResult",
    "AdminOverlay",
    "AdminServices",
    "install_admin",
]
