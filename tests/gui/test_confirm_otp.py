"""The confirmation step's OTP path, with a fake gateway port: accepted, wrong, no link."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.domain.application import ConfirmationMethod, ConfirmedApplication
from kiosk.ui.app_ui import KioskUi, apply_font, build_ui
from kiosk.wiring.sim import SimKit
from sync.otp import OtpCheck, OtpRequest, OtpSent, OtpVerdict
from tests.gui.driver import find, tap, wait_screen
from tests.gui.steps import CITIZEN, walk_to_done_review

GOOD = "424242"


class FakeOtp:
    def __init__(self, *, link: bool = True, phone: str = "") -> None:
        self.link = link
        self.phone = phone
        self.requests: list[tuple[str, str]] = []
        self.verified: list[tuple[str, str]] = []

    def request(self, application_id: str, citizen_id: str) -> OtpRequest:
        self.requests.append((application_id, citizen_id))
        if not self.link:
            return OtpRequest(OtpSent.NO_LINK, reason="down")
        return OtpRequest(OtpSent.SENT, expires_at="2030-01-01T00:05:00Z", phone_masked=self.phone)

    def verify(self, application_id: str, code: str) -> OtpVerdict:
        self.verified.append((application_id, code))
        if code == GOOD:
            return OtpVerdict(OtpCheck.VERIFIED, verified_at="2030-01-01T00:01:00Z")
        return OtpVerdict(OtpCheck.INVALID, reason="wrong code")


@pytest.fixture
def otp() -> FakeOtp:
    return FakeOtp()


@pytest.fixture
def sealed() -> list[ConfirmedApplication]:
    return []


@pytest.fixture
def ui(qapp: object, kit: SimKit, otp: FakeOtp, sealed: list[ConfirmedApplication]) -> Iterator[KioskUi]:
    from PySide6.QtGui import QGuiApplication

    assert isinstance(qapp, QGuiApplication)
    apply_font(qapp)
    seal = kit.services.seal

    def recording_seal(app: ConfirmedApplication) -> object:
        sealed.append(app)
        return seal(app)

    services = dataclasses.replace(kit.services, otp=otp, online=lambda: True,
                                   seal=recording_seal)  # type: ignore[arg-type]
    u = build_ui(services)
    yield u
    u.close()


def _type(ui: KioskUi, qtbot: QtBot, code: str) -> None:
    for d in code:
        tap(ui, qtbot, f"confirm_{d}")
    tap(ui, qtbot, "confirm_ok")


def _to_confirm(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    walk_to_done_review(ui, kit, qtbot)
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "confirm")


def test_otp_accepted_seals_with_method_otp(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                            otp: FakeOtp, sealed: list[ConfirmedApplication]) -> None:
    _to_confirm(ui, kit, qtbot)
    qtbot.waitUntil(lambda: ui.flow.confirm.mode == "otp", timeout=5000)
    assert otp.requests[0][1] == CITIZEN.citizen_id
    assert ui.flow.confirm.code == ""  # no kiosk code shown
    assert find(ui, "confirmNoCode") is not None
    assert ui.voice.history[-1].endswith(ui.strings.text("confirm_otp_sent"))
    assert ui.voice.history[-1].startswith(ui.strings.text("voice_declaration"))
    _type(ui, qtbot, GOOD)
    wait_screen(ui, qtbot, "done")
    assert len(sealed) == 1
    assert sealed[0].confirmation.method is ConfirmationMethod.OTP
    assert str(sealed[0].application_id) == otp.requests[0][0]
    assert sealed[0].confirmation.at.isoformat().startswith("2030-01-01T00:01:00")
    # what the gateway will read: the OTP's verification time, not when OK was tapped
    rows = kit.store.query("SELECT manifest_json FROM applications", ())
    assert len(rows) == 1
    manifest = json.loads(str(rows[0][0]))
    assert manifest["confirmation"] == {"method": "otp", "otp_verified_at": "2030-01-01T00:01:00Z"}
    assert manifest["application_id"] == otp.requests[0][0]


def test_wrong_otp_says_so(ui: KioskUi, kit: SimKit, qtbot: QtBot, otp: FakeOtp,
                           sealed: list[ConfirmedApplication]) -> None:
    _to_confirm(ui, kit, qtbot)
    qtbot.waitUntil(lambda: ui.flow.confirm.mode == "otp", timeout=5000)
    _type(ui, qtbot, "111111")
    qtbot.waitUntil(lambda: ui.flow.confirm.error != "", timeout=5000)
    assert ui.flow.confirm.error == ui.strings.text("confirm_otp_wrong")
    assert ui.flow.current_screen() == "confirm"
    assert ui.flow.confirm.mode == "otp"
    assert sealed == []
    _type(ui, qtbot, GOOD)  # the right code still works
    wait_screen(ui, qtbot, "done")
    assert sealed[0].confirmation.method is ConfirmationMethod.OTP


@pytest.mark.parametrize("otp", [FakeOtp(link=False)])
def test_no_link_falls_back_to_kiosk_code(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                          otp: FakeOtp, sealed: list[ConfirmedApplication]) -> None:
    _to_confirm(ui, kit, qtbot)
    qtbot.waitUntil(lambda: ui.flow.confirm.mode == "kiosk", timeout=5000)
    assert len(otp.requests) == 1
    code = ui.flow.confirm.current_code()
    assert len(code) == 6
    assert ui.flow.confirm.notice == ui.strings.text("confirm_otp_unavailable")
    assert " ".join(code) in ui.voice.history[-1]
    _type(ui, qtbot, code)
    wait_screen(ui, qtbot, "done")
    assert sealed[0].confirmation.method is ConfirmationMethod.KIOSK_CODE
    assert otp.verified == []


def test_not_received_button_falls_back(ui: KioskUi, kit: SimKit, qtbot: QtBot,
                                        sealed: list[ConfirmedApplication]) -> None:
    _to_confirm(ui, kit, qtbot)
    qtbot.waitUntil(lambda: ui.flow.confirm.mode == "otp", timeout=5000)
    tap(ui, qtbot, "confirmNoCode")
    qtbot.waitUntil(lambda: ui.flow.confirm.mode == "kiosk", timeout=5000)
    assert ui.flow.confirm.notice == ui.strings.text("confirm_otp_fallback")
    _type(ui, qtbot, ui.flow.confirm.current_code())
    wait_screen(ui, qtbot, "done")
    assert sealed[0].confirmation.method is ConfirmationMethod.KIOSK_CODE


@pytest.mark.parametrize("otp", [FakeOtp(phone="09*****678")])
def test_the_code_says_where_it_went_and_what_it_confirms(ui: KioskUi, kit: SimKit,
                                                          qtbot: QtBot) -> None:
    _to_confirm(ui, kit, qtbot)
    qtbot.waitUntil(lambda: ui.flow.confirm.mode == "otp", timeout=5000)
    assert find(ui, "confirmDeclaration") is not None
    body = find(ui, "confirmBody")
    assert body is not None
    assert "09*****678" in body.property("text")  # shown as the gateway masked it
    said = ui.voice.history[-1]
    assert said.startswith(ui.strings.text("voice_declaration"))  # the declaration, then where
    assert "6 7 8" in said
    assert "*" not in said  # stars are never read out


@pytest.mark.parametrize("otp", [FakeOtp(link=False)])
def test_the_kiosk_code_comes_after_the_declaration(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    _to_confirm(ui, kit, qtbot)
    qtbot.waitUntil(lambda: ui.flow.confirm.mode == "kiosk", timeout=5000)
    assert find(ui, "confirmDeclaration") is not None
    said = ui.voice.history[-1]
    declaration = "Tôi xin cam đoan những thông tin trên là đúng sự thật"
    assert declaration in said
    assert said.index(declaration) < said.index(" ".join(ui.flow.confirm.current_code()))
