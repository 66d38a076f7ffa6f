"""Puts technician and staff mode over a kiosk window: a hidden hot-spot and a full-screen panel.

The overlay is created in the kiosk's own QML engine, so it shares its ``units``, ``theme`` and
image provider and looks like the rest of the kiosk; it adds ``admin``, ``tech``, ``staff`` and
``adminI18n`` in a context of its own. Nothing in Main.qml knows about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtQml import QQmlComponent, QQmlContext, QQmlEngine
from PySide6.QtQuick import QQuickItem, QQuickWindow

from kiosk.ui.admin.gate_vm import GateVm
from kiosk.ui.admin.services import AdminServices
from kiosk.ui.admin.staff_vm import StaffVm
from kiosk.ui.admin.strings import AdminStrings
from kiosk.ui.admin.tech_vm import TechVm
from kiosk.ui.calls import StaffCaller
from kiosk.ui.i18n import Strings
from kiosk.ui.images import ImageStore
from kiosk.ui.worker import DeviceWorker, DeviceWorkers

QML_DIR = Path(__file__).resolve().parent.parent / "qml" / "admin"
OVERLAY_Z = 500.0
HOTSPOT_MM = (0.0, 0.0, 14.0, 14.0)


def create_item(engine: QQmlEngine, qml: Path, context: QQmlContext, parent_item: QQuickItem) -> QQuickItem:
    """Instantiate ``qml`` under ``parent_item`` (parented before its bindings first run)."""
    component = QQmlComponent(engine, QUrl.fromLocalFile(str(qml)))
    if component.isError():
        raise RuntimeError(f"{qml.name}: " + "; ".join(e.toString() for e in component.errors()))
    obj = component.beginCreate(context)
    if not isinstance(obj, QQuickItem):
        raise RuntimeError(f"{qml.name} is not an Item")
    obj.setParentItem(parent_item)
    obj.setParent(parent_item)
    component.completeCreate()
    return obj


@dataclass
class AdminOverlay:
    """The live overlay; ``close()`` stops its worker and camera."""

    gate: GateVm
    tech: TechVm
    staff: StaffVm
    strings: AdminStrings
    item: QQuickItem
    context: QQmlContext
    worker: DeviceWorker

    def close(self) -> None:
        self.tech.camera_stop()
        self.gate.close()
        self.worker.close()


def install_admin(
    engine: QQmlEngine,
    window: QQuickWindow,
    services: AdminServices,
    *,
    images: ImageStore,
    devices: DeviceWorkers,
    kiosk_strings: Strings | None = None,
    calls: StaffCaller | None = None,
    owner: QObject | None = None,
    hotspot_mm: tuple[float, float, float, float] = HOTSPOT_MM,
) -> AdminOverlay:
    """Add technician/staff mode to ``window`` (a kiosk window loaded by ``engine``).

    ``images`` is the kiosk's image provider (``KioskUi.images``), ``devices`` its devices'
    threads (``KioskUi.devices``: a device is only ever driven from its own thread) and
    ``kiosk_strings`` its ``Strings``, whose language the admin screens follow; ``calls`` its
    ``StaffCaller`` (``KioskUi.calls``: new calls refresh the staff screen, which can reprint the
    slips it holds). ``hotspot_mm`` is the hidden
    hot-spot (x, y, width, height in mm from the window's top-left corner): put it on the logo.
    """
    parent = owner or engine
    strings = AdminStrings(kiosk_strings, parent=parent)
    worker = DeviceWorker("admin", parent)
    gate = GateVm(services, strings, worker, parent)
    tech = TechVm(services, gate, strings, images=images, worker=worker, devices=devices, parent=parent)
    staff = StaffVm(services, gate, strings, worker, parent, calls=calls, printer_worker=devices.printer)
    context = QQmlContext(engine.rootContext(), parent)
    for name, obj in (("admin", gate), ("tech", tech), ("staff", staff), ("adminI18n", strings)):
        context.setContextProperty(name, obj)
    context.setContextProperty("hotspotMm", list(hotspot_mm))
    item = create_item(engine, QML_DIR / "AdminOverlay.qml", context, window.contentItem())
    item.setZ(OVERLAY_Z)
    return AdminOverlay(gate, tech, staff, strings, item, context, worker)
