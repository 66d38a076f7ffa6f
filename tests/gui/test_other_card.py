"""No typing where a card can do it: another person's name is read from their card's QR (checked
like the citizen's own), filling the name and that person's date of birth; typing is the fallback."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kiosk.domain.cccd import format_cccd
from kiosk.domain.identity import Gender, Identity
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from tests.gui.driver import find, tap, wait_screen
from tests.gui.steps import CITIZEN

pytestmark = pytest.mark.gui

PARTNER = Identity(
    citizen_id="049088004321",
    old_id="",
    full_name="Trần Văn Bình",
    date_of_birth=date(1988, 7, 20),
    gender=Gender.MALE,
    address="Thôn Phước Đức, xã Quế Châu, tỉnh Quảng Nam",
    issue_date=date(2022, 1, 5),
)


def _to_partner_name(ui: KioskUi, kit: SimKit, qtbot: Any) -> None:
    tap(ui, qtbot, "startButton")
    tap(ui, qtbot, "proc_HT-KH")
    tap(ui, qtbot, "procedureGo")
    wait_screen(ui, qtbot, "login")
    kit.qr.control.inject(format_cccd(CITIZEN).encode("utf-8"))
    wait_screen(ui, qtbot, "question")
    assert ui.flow.form.field is not None
    assert ui.flow.form.field.id == "partner_name"


def test_the_partners_card_fills_name_and_birth_date(ui: KioskUi, kit: SimKit, qtbot: Any) -> None:
    _to_partner_name(ui, kit, qtbot)
    assert find(ui, "scanOtherCard") is not None  # offered first
    tap(ui, qtbot, "scanOtherCard")
    qtbot.waitUntil(lambda: ui.flow.form.scanning_card, timeout=3000)
    assert ui.flow.form.card_message == ui.strings.text("card_other_hold")
    kit.qr.control.inject(format_cccd(CITIZEN, trailing_empty=4).encode("utf-8"))  # own card
    qtbot.waitUntil(lambda: ui.flow.form.card_message == ui.strings.text("card_other_is_yours"),
                    timeout=3000)
    assert ui.flow.form.value_text == ""
    kit.qr.control.inject(b"123|bad")  # a misread
    qtbot.waitUntil(lambda: ui.flow.form.card_message == ui.strings.text("card_other_unreadable"),
                    timeout=3000)
    kit.qr.control.inject(format_cccd(PARTNER).encode("utf-8"))
    qtbot.waitUntil(lambda: ui.flow.form.value_text == PARTNER.full_name, timeout=3000)
    assert not ui.flow.form.scanning_card
    tap(ui, qtbot, "nextButton")
    qtbot.waitUntil(lambda: ui.flow.form.field is not None
                    and ui.flow.form.field.id == "partner_birth_date", timeout=3000)
    assert ui.flow.form.value_text == PARTNER.date_of_birth.isoformat()  # from the same card
    assert ui.flow.session.answers["partner_name"] == PARTNER.full_name


def test_a_misread_card_never_fills_a_wrong_name(ui: KioskUi, kit: SimKit, qtbot: Any) -> None:
    """The card's own consistency check: ID digits that disagree with the birth year."""
    _to_partner_name(ui, kit, qtbot)
    tap(ui, qtbot, "scanOtherCard")
    qtbot.waitUntil(lambda: ui.flow.form.scanning_card, timeout=3000)
    wrong = format_cccd(PARTNER).replace("20071988", "20071990")
    assert wrong != format_cccd(PARTNER)
    kit.qr.control.inject(wrong.encode("utf-8"))
    qtbot.waitUntil(lambda: ui.flow.form.card_message == ui.strings.text("card_other_unreadable"),
                    timeout=3000)
    assert ui.flow.form.value_text == ""


def test_typing_stays_the_fallback(ui: KioskUi, kit: SimKit, qtbot: Any) -> None:
    _to_partner_name(ui, kit, qtbot)
    tap(ui, qtbot, "scanOtherCard")
    tap(ui, qtbot, "stopOtherCard")
    qtbot.waitUntil(lambda: not ui.flow.form.scanning_card, timeout=3000)
    assert find(ui, "textAnswer") is not None
    ui.flow.form.set_text("Lê Thị Hoa")
    tap(ui, qtbot, "nextButton")
    qtbot.waitUntil(lambda: ui.flow.form.field is not None
                    and ui.flow.form.field.id == "partner_birth_date", timeout=3000)
    assert ui.flow.session.answers["partner_name"] == "Lê Thị Hoa"


def test_date_pickers_start_near_the_likely_answer() -> None:
    """Not 1/1/1970: a birth date 30 years back (or more if the law needs it), an event today."""
    from kiosk.domain.catalog import load_catalog
    from kiosk.paths import ASSETS_DIR
    from kiosk.ui.form_vm import likely_date

    catalog = load_catalog(ASSETS_DIR / "catalog" / "procedures.json",
                           ASSETS_DIR / "catalog" / "places.json")
    today = date(2026, 12, 5)
    birth = catalog.get("HT-KH").field("partner_birth_date")
    death = catalog.get("HT-KT").field("date_of_death")
    assert likely_date(birth, today) == date(1996, 12, 5)
    assert birth.validate(likely_date(birth, today).isoformat(), today=today) is None
    assert likely_date(death, today) == today
    assert death.validate(today.isoformat(), today=today) is None
    assert likely_date(birth, date(2028, 2, 29)) == date(1998, 2, 28)


def test_the_kiosk_keyboard_types_a_vietnamese_name(ui: KioskUi, kit: SimKit, qtbot: Any) -> None:
    """Big keys, every letter shape on its own key, tone marks put on the right vowel."""
    _to_partner_name(ui, kit, qtbot)
    assert find(ui, "nameKeyboard") is not None
    for key in ("vk_T", "vk_R", "vk_AA", "vk_N", "vk_tone_huyen", "vk_space",
                "vk_V", "vk_AW", "vk_N", "vk_space", "vk_B", "vk_I", "vk_N", "vk_H",
                "vk_tone_sac", "vk_tone_huyen"):  # a second tone replaces the first
        tap(ui, qtbot, key)
    assert ui.flow.form.value_text == "Trần Văn Bình"
    tap(ui, qtbot, "vk_erase")
    assert ui.flow.form.value_text == "Trần Văn Bìn"
    for name in ("vk_Q", "vk_DD", "vk_tone_nang", "vk_space"):
        item = find(ui, name)
        assert item is not None
        assert min(ui.units.to_mm(item.width()), ui.units.to_mm(item.height())) >= 15
