"""VNeID login against the real reference gateway (through the link simulator): accepted, refused,
gateway down, slow, offline. The check runs off the GUI thread; the identity fills the session
exactly like a card's QR."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.domain.cccd import format_cccd
from kiosk.ui.app_ui import KioskUi, apply_font, build_ui
from kiosk.wiring.sim import SimKit
from sync.agent.config import AgentConfig
from sync.gateway import RunningGateway
from sync.netsim import FaultProxy
from sync.protocol.keys import ed25519_public_from_b64, generate_signing_key, public_key_b64
from sync.vneid import VneidVerdict, verify_vneid
from tests.fakes import FakeClock
from tests.gui.driver import find, tap, wait_screen
from tests.gui.steps import CITIZEN
from tests.sync.gateway_fixtures import (
    running_gateway,
)

KIOSK_ID = "KX-GUI-VNEID"
TOKEN = "VNEID:8f2c1e7a-demo-token"
FIELDS = {
    "citizen_id": CITIZEN.citizen_id, "full_name": CITIZEN.full_name,
    "date_of_birth": CITIZEN.date_of_birth.isoformat(), "gender": CITIZEN.gender.value,
    "address": CITIZEN.address,
}
READ_TIMEOUT_S = 2.0


class Link:
    """What the UI reads as "the agent reports a link"."""

    def __init__(self) -> None:
        self.up = True

    def __call__(self) -> bool:
        return self.up


class GatewayVneid:
    """The UI's VneidPort over sync.vneid, counting calls and the thread they ran on."""

    def __init__(self, config: AgentConfig, clock: FakeClock) -> None:
        self.config = config
        self.clock = clock
        self.calls: list[tuple[str, str]] = []

    def verify(self, token: str) -> VneidVerdict:
        import threading

        self.calls.append((token, threading.current_thread().name))
        return verify_vneid(self.config, token, clock=self.clock)


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[RunningGateway]:
    with running_gateway(tmp_path / "gw", FakeClock(time.time())) as gw:
        yield gw


@pytest.fixture
def proxy(gateway: RunningGateway) -> Iterator[FaultProxy]:
    host, port = gateway.url.removeprefix("http://").split(":")
    with FaultProxy(host, int(port)) as p:
        yield p


@pytest.fixture
def port(gateway: RunningGateway, proxy: FaultProxy, tmp_path: Path) -> GatewayVneid:
    key = generate_signing_key()
    gateway.control.register_kiosk(KIOSK_ID, public_key_b64(key))
    config = AgentConfig(
        db_path=tmp_path / "unused.db", gateway_url=proxy.url, kiosk_id=KIOSK_ID, kiosk_key=key,
        gateway_signing_key=ed25519_public_from_b64(gateway.public_keys.signing_b64),
        connect_timeout_s=1.0, read_timeout_s=READ_TIMEOUT_S,
    )
    return GatewayVneid(config, FakeClock(time.time()))


@pytest.fixture
def registered(gateway: RunningGateway) -> None:
    gateway.control.register_vneid(TOKEN, FIELDS)


@pytest.fixture
def link() -> Link:
    return Link()


@pytest.fixture
def ui(qapp: object, kit: SimKit, port: GatewayVneid, link: Link) -> Iterator[KioskUi]:
    from PySide6.QtGui import QGuiApplication

    assert isinstance(qapp, QGuiApplication)
    apply_font(qapp)
    u = build_ui(dataclasses.replace(kit.services, vneid=port, online=link))
    yield u
    u.close()


def _to_login(ui: KioskUi, qtbot: QtBot) -> None:
    tap(ui, qtbot, "startButton")
    wait_screen(ui, qtbot, "procedure")
    tap(ui, qtbot, "proc_HT-XNHN")
    tap(ui, qtbot, "procedureGo")
    wait_screen(ui, qtbot, "login")


def _wait_message(ui: KioskUi, qtbot: QtBot, string_id: str) -> None:
    want = ui.strings.text(string_id)
    qtbot.waitUntil(lambda: ui.flow.login.message == want, timeout=10000)
    qtbot.waitUntil(lambda: find(ui, "loginMessage") is not None, timeout=5000)
    assert ui.voice.history[-1] == want  # shown and spoken


def test_accepted_token_fills_the_form_like_a_card(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                                   gateway: RunningGateway,
                                                   port: GatewayVneid) -> None:
    gateway.control.register_vneid(TOKEN, FIELDS)
    _to_login(ui, qtbot)
    kit.qr.control.inject(TOKEN.encode("utf-8"))
    wait_screen(ui, qtbot, "question")
    who = ui.flow.session.identity
    assert who is not None
    assert (who.citizen_id, who.full_name, who.date_of_birth, who.gender, who.address) == (
        CITIZEN.citizen_id, CITIZEN.full_name, CITIZEN.date_of_birth, CITIZEN.gender, CITIZEN.address)
    assert port.calls[0][0] == TOKEN
    assert not port.calls[0][1].startswith("MainThread")  # asked off the GUI thread


def test_refused_token_asks_for_the_card(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                         port: GatewayVneid) -> None:
    _to_login(ui, qtbot)
    kit.qr.control.inject(b"VNEID:not-registered-anywhere")
    _wait_message(ui, qtbot, "login_vneid_refused")
    assert ui.flow.current_screen() == "login"
    assert ui.flow.session.identity is None
    kit.qr.control.inject(format_cccd(CITIZEN).encode("utf-8"))  # the card still works
    wait_screen(ui, qtbot, "question")


def test_identity_that_does_not_hold_up_is_refused(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                                  gateway: RunningGateway) -> None:
    """The gateway's answer passes the card's checks too (ID digits against the birth year)."""
    gateway.control.register_vneid(TOKEN, {**FIELDS, "date_of_birth": "1990-03-08"})
    _to_login(ui, qtbot)
    kit.qr.control.inject(TOKEN.encode("utf-8"))
    _wait_message(ui, qtbot, "login_vneid_refused")
    assert ui.flow.session.identity is None


def test_gateway_down_asks_for_the_card(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                        gateway: RunningGateway, proxy: FaultProxy) -> None:
    gateway.control.register_vneid(TOKEN, FIELDS)
    proxy.set_down(True)
    _to_login(ui, qtbot)
    kit.qr.control.inject(TOKEN.encode("utf-8"))
    _wait_message(ui, qtbot, "login_vneid_no_answer")
    assert ui.flow.current_screen() == "login"


def test_offline_kiosk_never_asks_the_gateway(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                              link: Link, port: GatewayVneid) -> None:
    link.up = False
    _to_login(ui, qtbot)
    kit.qr.control.inject(TOKEN.encode("utf-8"))
    _wait_message(ui, qtbot, "login_vneid_offline")
    assert port.calls == []


@pytest.mark.usefixtures("registered")
def test_slow_gateway_keeps_the_screen_alive_then_logs_in(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                                          proxy: FaultProxy,
                                                          port: GatewayVneid) -> None:
    proxy.limit_rate(400)  # a poor 2G link: the answer takes a second or two
    _to_login(ui, qtbot)
    kit.qr.control.inject(TOKEN.encode("utf-8"))
    _wait_message(ui, qtbot, "login_vneid_checking")
    assert ui.flow.login.checking
    kit.qr.control.inject(TOKEN.encode("utf-8"))  # the phone is still in front of the camera
    size = ui.units.text_size
    tap(ui, qtbot, "textSizeButton")  # the GUI thread is free while the gateway thinks
    assert ui.units.text_size != size
    wait_screen(ui, qtbot, "question")
    assert len(port.calls) == 1  # the second sight of the same QR was not sent


def test_stalled_gateway_times_out_kindly(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                          gateway: RunningGateway, proxy: FaultProxy) -> None:
    gateway.control.register_vneid(TOKEN, FIELDS)
    proxy.stall_after(0)  # the request goes nowhere: only the short timeout ends the wait
    _to_login(ui, qtbot)
    started = time.monotonic()
    kit.qr.control.inject(TOKEN.encode("utf-8"))
    _wait_message(ui, qtbot, "login_vneid_no_answer")
    assert time.monotonic() - started < READ_TIMEOUT_S + 3
    assert not ui.flow.login.checking


@pytest.mark.usefixtures("registered")
def test_leaving_the_login_drops_a_late_answer(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                               proxy: FaultProxy) -> None:
    proxy.limit_rate(400)
    _to_login(ui, qtbot)
    kit.qr.control.inject(TOKEN.encode("utf-8"))
    qtbot.waitUntil(lambda: ui.flow.login.checking, timeout=5000)
    tap(ui, qtbot, "backButton")
    wait_screen(ui, qtbot, "procedure")
    qtbot.waitUntil(lambda: not ui.workers[-1].busy, timeout=10000)
    assert ui.flow.current_screen() == "procedure"
    assert ui.flow.session.identity is None


def test_a_tester_registers_a_token_from_the_dock_and_ctl(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                                         gateway: RunningGateway) -> None:
    """`kiosk ctl vneid N` and the dock's button: the gateway accepts a token, the phone shows it."""
    from datetime import UTC, datetime

    from kiosk.ctl.protocol import CtlError
    from kiosk.ctl.sim_commands import SimCommands, SimTargets, sample_citizens
    from kiosk.ui.devdock import open_dev_dock
    from kiosk.wiring.devdock import recent_codes_from
    from tests.gui.test_admin_kit import tap as dock_tap
    from tests.gui.test_admin_kit import text_of

    today = datetime.now(UTC).date()
    commands = SimCommands(SimTargets(qr=kit.qr.control, vneid=gateway.control, today=lambda: today))
    dock = open_dev_dock(ui.engine, ui.window, commands, health=dict, now=lambda: datetime.now(UTC),
                         recent_codes=recent_codes_from(kit.store), kiosk_strings=ui.strings,
                         owner=ui.engine)
    try:
        _to_login(ui, qtbot)
        dock_tap(qtbot, dock.window, "dock_vneid_unknown")
        _wait_message(ui, qtbot, "login_vneid_refused")
        assert "kiosk ctl vneid unknown" in text_of(qtbot, dock.window, "dockLast")
        dock_tap(qtbot, dock.window, "dock_vneid_2")
        wait_screen(ui, qtbot, "question")
        who = ui.flow.session.identity
        assert who is not None
        assert who.citizen_id == sample_citizens(today)[1].citizen_id
        answer = commands.run("vneid", "3")
        assert answer == {"vneid": "shown", "registered": True, "sample": 3}  # never the person
        with pytest.raises(CtlError):
            commands.run("vneid", "0")
        with pytest.raises(CtlError):
            SimCommands(SimTargets(qr=kit.qr.control)).run("vneid", "1")  # no gateway here
    finally:
        dock.close()
