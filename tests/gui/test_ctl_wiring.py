"""The testers' tools and technician mode wired onto a kiosk built by the real composition root."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.admin.pin import Role
from kiosk.config import KioskConfig, PathsSection
from kiosk.ctl.protocol import CtlError
from kiosk.layout import ctl_socket
from kiosk.ui.admin import install_admin
from kiosk.ui.app_ui import KioskUi, build_ui
from kiosk.wiring.admin import admin_services_for
from kiosk.wiring.devdock import start_sim_tools
from kiosk.wiring.root import Kiosk, build_kiosk
from kiosk.wiring.ui import build_ui_services
from tests.gui.test_admin_kit import find, tap, wait_item
from tests.gui.test_ctl_dispatch import ctl

pytestmark = pytest.mark.gui


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    config = KioskConfig(paths=PathsSection(data_dir=tmp_path / "k")).simulated()
    k = build_kiosk(config, start_gateway=False)
    yield k
    k.close()


@pytest.fixture
def ui(qapp: object, kiosk: Kiosk) -> Iterator[KioskUi]:
    u = build_ui(build_ui_services(kiosk, tts_engine="mock"))
    yield u
    u.close()


def test_sim_tools_and_admin_on_a_composed_kiosk(qtbot: QtBot, ui: KioskUi, kiosk: Kiosk) -> None:
    links: list[str] = []
    restarts: list[int] = []
    tools = start_sim_tools(ui, kiosk, set_link=links.append, dock=True)
    services = admin_services_for(kiosk, config_path=None, restart=lambda: restarts.append(1),
                                  on_open=ui.flow.home, hold_s=0.2)
    services.pins.set_pin(Role.STAFF, "135791")
    overlay = install_admin(ui.engine, ui.window, services, images=ui.images, kiosk_strings=ui.strings,
                            devices=ui.devices)
    try:
        path = ctl_socket(kiosk.config)
        assert ctl(qtbot, path, "screen") == {"screen": "welcome"}
        before = kiosk.now()
        assert ctl(qtbot, path, "clock", "+1d")["total_shift_s"] == 86400.0
        assert (kiosk.now() - before).total_seconds() >= 86400
        ctl(qtbot, path, "link", "down")
        assert links == ["down"]
        with pytest.raises(CtlError, match="the gateway is not simulated"):
            ctl(qtbot, path, "gateway-status", "K01-000001-1", "processing")
        # the dock's buttons are reachable by `kiosk ctl tap` too
        assert tools.dock is not None
        ctl(qtbot, path, "tap", "dock_printer_no_paper")
        assert kiosk.devices.printer.health().status.value == "no_paper"
        # staff mode over the same window, by script
        overlay.gate.request()
        for d in "135791":
            ctl(qtbot, path, "tap", f"pin_{d}")
        ctl(qtbot, path, "tap", "pin_ok")
        qtbot.waitUntil(lambda: find(ui.window, "screen_admin_staff") is not None, timeout=5000)
        tap(qtbot, ui.window, "sendNowButton")
        wait_item(qtbot, ui.window, "staffMessage")
        # the technician's configuration form knows there is no file to edit
        assert overlay.tech._get_fields()
    finally:
        overlay.close()
        tools.close()
    assert not ctl_socket(kiosk.config).exists()


def test_a_scripted_session_syncs_and_the_back_office_moves_it_on(qtbot: QtBot, tmp_path: Path) -> None:
    import io

    from kiosk.wiring.gateway import agent_config
    from sync import cli as sync_cli
    from tests.gui.test_ctl_dispatch import walk_session_by_ctl

    config = KioskConfig(paths=PathsSection(data_dir=tmp_path / "g")).simulated()
    kiosk = build_kiosk(config)  # with the embedded reference gateway on loopback
    ui = build_ui(build_ui_services(kiosk, tts_engine="mock"))
    tools = start_sim_tools(ui, kiosk, dock=False)
    try:
        path = ctl_socket(config)
        walk_session_by_ctl(qtbot, path)
        code = ui.flow.done.code
        not_yet = r"the gateway (refused: the application is not committed yet|has no application)"
        with pytest.raises(CtlError, match=not_yet):
            ctl(qtbot, path, "gateway-status", code, "processing")
        out = io.StringIO()
        assert sync_cli.run_once(agent_config(config), out=out) == 0, out.getvalue()
        assert ctl(qtbot, path, "gateway-status", code, "ready_for_pickup", "Mời", "nhận") == {
            "application": code, "gateway_state": "ready_for_pickup"}
        (app_id,) = [r[0] for r in kiosk.store.query(
            "SELECT application_id FROM applications WHERE application_code = ?", (code,))]
        assert kiosk.gateway is not None
        record = kiosk.gateway.control.application(app_id)
        assert record is not None
        assert record.state == "ready_for_pickup"
    finally:
        tools.close()
        ui.close()
        kiosk.close()
