"""Staff see the files the start-up sweep set aside (issue 10 item 1): never deleted, and not
silently kept either. A folder the database does not know (as a power cut mid-seal leaves) is
moved to quarantine/ by the real sweep; the staff screen then says how many files and where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.store.sweep import sweep
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from tests.gui.test_admin_kit import (
    STAFF_PIN,
    AdminKit,
    build_admin,
    find,
    log_in,
    seal_one,
    text_of,
    wait_item,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def admin(ui: KioskUi, kit: SimKit, tmp_path: Path) -> Any:
    a = build_admin(ui, kit, tmp_path)
    yield a
    a.overlay.close()


def test_the_staff_screen_says_what_was_set_aside(qtbot: QtBot, admin: AdminKit) -> None:
    kit = admin.kit
    seal_one(kit, seed=3)
    window = admin.ui.window
    log_in(qtbot, admin, STAFF_PIN)
    wait_item(qtbot, window, "screen_admin_staff")
    qtbot.waitUntil(lambda: "Gửi thành công lần cuối" in text_of(qtbot, window, "staffLastSuccess"),
                    timeout=5000)
    assert find(window, "staffSetAside") is None  # nothing set aside: no line at all

    orphan = kit.store.docs_dir / "0b7e2a4c-0000-4000-8000-00000000abcd"
    orphan.mkdir()
    (orphan / "don").write_bytes(b"encrypted bytes of a seal whose row never committed")
    assert sweep(kit.store).orphan_dirs_quarantined == 1
    assert not orphan.exists()

    admin.overlay.staff.refresh()
    qtbot.waitUntil(lambda: "Có 1 tệp" in text_of(qtbot, window, "staffSetAside"), timeout=5000)
    assert "quarantine" in text_of(qtbot, window, "staffSetAside")
