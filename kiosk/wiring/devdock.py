"""The testers' tools for a simulated kiosk: `kiosk ctl` socket and dev dock, in one call.

Usage in the UI process of ``kiosk run --simulate``, after ``build_ui``::

    from kiosk.wiring.devdock import start_sim_tools

    tools = start_sim_tools(ui, kiosk, set_link=link.set_mode)   # gateway: kiosk.gateway.control
    ...
    tools.close()     # before ui.close()
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from kiosk.ctl.server import ControlServer
from kiosk.ctl.sim_commands import GatewayStates, SimCommands, SimTargets, find_application_in_store
from kiosk.layout import ctl_socket, store_path
from kiosk.store.db import Store
from kiosk.store.schema import APPLICATIONS
from kiosk.store.staff_calls import open_staff_calls
from kiosk.ui.ctl_dispatch import UiCtl, kiosk_ctl
from kiosk.ui.devdock import DevDock, open_dev_dock

if TYPE_CHECKING:
    from kiosk.ui.app_ui import KioskUi
    from kiosk.wiring.root import Kiosk


def recent_codes_from(store: Store, limit: int = 8) -> Callable[[], list[str]]:
    """The newest application codes, for the gateway-status control (codes only, no names)."""

    def codes() -> list[str]:
        rows = store.query(
            f"SELECT application_code FROM {APPLICATIONS} ORDER BY kiosk_seq DESC LIMIT ?", (limit,)
        )
        return [str(r[0]) for r in rows]

    return codes


def sim_targets_for(
    kiosk: Kiosk,
    *,
    set_link: Callable[[str], object] | None,
    gateway: GatewayStates | None,
) -> SimTargets:
    """What the simulation commands act on, from a simulated kiosk's parts.

    ``gateway`` defaults to the embedded reference gateway's control (``kiosk.gateway``) when the
    kiosk runs one.
    """
    controls = kiosk.devices.sim_controls
    sim_clock = kiosk.sim_clock
    if gateway is None and kiosk.gateway is not None:
        gateway = kiosk.gateway.control  # the embedded reference gateway's back office
    return SimTargets(
        qr=controls.get("qr"),
        scanner=controls.get("scanner"),
        printer=controls.get("printer"),
        set_link=set_link,
        gateway=gateway,
        vneid=kiosk.gateway.control if kiosk.gateway is not None else None,
        find_application=find_application_in_store(store_path(kiosk.config)),
        shift_clock=sim_clock.shift if sim_clock is not None else None,
        today=lambda: kiosk.now().date(),
        page_dpi=kiosk.config.devices.scanner.dpi,
    )


@dataclass
class SimTools:
    commands: SimCommands
    dispatch: UiCtl
    server: ControlServer
    dock: DevDock | None

    def close(self) -> None:
        self.server.close()
        if self.dock is not None:
            self.dock.close()


def start_sim_tools(
    ui: KioskUi,
    kiosk: Kiosk,
    *,
    set_link: Callable[[str], object] | None = None,
    gateway: GatewayStates | None = None,
    dock: bool | None = None,
) -> SimTools:
    """Serve `kiosk ctl` at ``<data_dir>/run/ctl.sock`` and open the dev dock beside the kiosk.

    ``dock`` defaults to "when there is a display" (not with QT_QPA_PLATFORM=offscreen).
    """
    commands = SimCommands(sim_targets_for(kiosk, set_link=set_link, gateway=gateway))
    the_dock: DevDock | None = None
    if dock if dock is not None else os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        devices = kiosk.devices
        the_dock = open_dev_dock(
            ui.engine,
            ui.window,
            commands,
            health=devices.health,
            now=kiosk.now,
            recent_codes=recent_codes_from(kiosk.store),
            kiosk_strings=ui.strings,
            owner=ui.engine,
        )
    windows = (lambda: (the_dock.window,)) if the_dock is not None else tuple
    dispatch = kiosk_ctl(ui.window, ui.flow.current_screen, commands, extra_windows=windows,
                         open_calls=partial(_open_calls, kiosk), parent=ui.engine)
    server = ControlServer(ctl_socket(kiosk.config), dispatch)
    server.start()
    return SimTools(commands, dispatch, server, the_dock)


def _open_calls(kiosk: Kiosk) -> list[dict[str, Any]]:
    """`kiosk ctl calls`: the calls on the staff screen (never personal data)."""
    return [{"id": c.call_id, "at": c.at, "screen": c.screen, "reason": c.reason,
             "application_code": c.application_code} for c in open_staff_calls(kiosk.store)]
