"""Technician and staff screens on a landscape panel, in English (the kiosk's language is followed)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from tests.gui.conftest import LANDSCAPE
from tests.gui.test_admin_kit import (
    STAFF_PIN,
    TECH_PIN,
    AdminKit,
    build_admin,
    log_in,
    quarantine,
    seal_one,
    tap,
    text_of,
    wait_item,
)

pytestmark = pytest.mark.gui
SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"


@pytest.fixture
def panel() -> tuple[float, float]:
    return LANDSCAPE


@pytest.fixture
def admin(ui: KioskUi, kit: SimKit, tmp_path: Path) -> Iterator[AdminKit]:
    a = build_admin(ui, kit, tmp_path)
    yield a
    a.overlay.close()


def shoot(admin: AdminKit, qtbot: QtBot, name: str) -> None:
    if os.environ.get("KIOSK_SCREENSHOTS") == "1":
        qtbot.wait(50)
        assert admin.ui.window.grabWindow().save(str(SCREENS / f"{name}.png"))


def test_landscape_english(qtbot: QtBot, admin: AdminKit) -> None:
    window = admin.ui.window
    assert window.width() > window.height()
    log_in(qtbot, admin, TECH_PIN)
    tap(qtbot, window, "adminLangButton")
    assert text_of(qtbot, window, "adminTitle") == "Technician mode"
    tap(qtbot, window, "scanTestButton")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "techResult").startswith("Scanner: passed"), timeout=20000)
    shoot(admin, qtbot, "admin_landscape_en_technician")
    tap(qtbot, window, "tab_config")
    wait_item(qtbot, window, "saveConfigButton")
    tap(qtbot, window, "adminCloseButton")

    quarantine(admin.kit, seal_one(admin.kit, seed=21), "gateway 422 validation: unknown procedure")
    log_in(qtbot, admin, STAFF_PIN)
    assert text_of(qtbot, window, "adminLangButton") == "VI"  # the tools keep their own language
    assert text_of(qtbot, window, "adminTitle") == "Staff: calls, queue numbers, sync"
    qtbot.waitUntil(lambda: text_of(qtbot, window, "quarantineTitle") == "Quarantined applications: 1",
                    timeout=5000)  # the status is read on the overlay's worker
    shoot(admin, qtbot, "admin_landscape_en_staff")
