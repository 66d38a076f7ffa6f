"""The dev dock: a second window beside a simulated kiosk, with the testers' controls.

Every control is a `kiosk ctl` simulation command (``kiosk.ctl.sim_commands``), so what a tester
clicks can be written down as a script. Only for ``--simulate``: it is never built otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtQml import QQmlComponent, QQmlContext, QQmlEngine
from PySide6.QtQuick import QQuickWindow

from devices.status import Health
from kiosk.ctl.sim_commands import SimCommands
from kiosk.ui.admin.strings import AdminStrings
from kiosk.ui.devdock.dock_vm import DockVm
from kiosk.ui.i18n import Strings

QML = Path(__file__).resolve().parent.parent / "qml" / "devdock" / "DevDock.qml"
GAP_PX = 12


@dataclass
class DevDock:
    vm: DockVm
    window: QQuickWindow
    context: QQmlContext
    component: QQmlComponent

    def close(self) -> None:
        self.vm.stop()
        self.window.close()
        self.window.deleteLater()


def open_dev_dock(
    engine: QQmlEngine,
    kiosk_window: QQuickWindow,
    commands: SimCommands,
    *,
    health: Callable[[], dict[str, Health]],
    now: Callable[[], datetime],
    recent_codes: Callable[[], list[str]] = list,
    kiosk_strings: Strings | None = None,
    owner: QObject | None = None,
) -> DevDock:
    """Open the dock beside ``kiosk_window`` (same engine, so the same units and theme)."""
    parent = owner or engine
    strings = AdminStrings(kiosk_strings, parent=parent)
    vm = DockVm(commands, strings, health=health, now=now, recent_codes=recent_codes, parent=parent)
    context = QQmlContext(engine.rootContext(), parent)
    context.setContextProperty("dock", vm)
    context.setContextProperty("adminI18n", strings)
    component = QQmlComponent(engine, QUrl.fromLocalFile(str(QML)))
    if component.isError():
        raise RuntimeError("DevDock.qml: " + "; ".join(e.toString() for e in component.errors()))
    window = component.create(context)
    if not isinstance(window, QQuickWindow):
        raise RuntimeError("DevDock.qml is not a Window")
    QQmlEngine.setObjectOwnership(window, QQmlEngine.ObjectOwnership.CppOwnership)  # not the JS GC's
    # Owned by the same parent as its context: a dock window left alive after its context and
    # engine are gone would evaluate bindings against freed objects the next time events run.
    QObject.setParent(window, parent)  # the QObject parent: QWindow.setParent would embed it
    window.setX(kiosk_window.x() + kiosk_window.width() + GAP_PX)
    window.setY(kiosk_window.y())
    window.setHeight(max(kiosk_window.height(), 600))
    return DevDock(vm, window, context, component)


__all__ = ["DevDock", "DockVm", "open_dev_dock"]
