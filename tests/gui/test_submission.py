"""The whole citizen session on simulated devices, to a sealed application in the store."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.store.applications import documents_of, find_by_code
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from tests.gui.driver import tap, wait_screen
from tests.gui.steps import CITIZEN, walk_to_done

pytestmark = pytest.mark.gui


def test_complete_submission_is_sealed_with_documents(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    walk_to_done(ui, kit, qtbot)
    record = ui.flow.record
    assert record is not None
    stored = find_by_code(kit.store, record.application_code)
    assert stored is not None
    assert stored.procedure_code == "HT-XNHN"
    assert stored.masked_name == CITIZEN.masked_name()
    docs = documents_of(kit.store, stored.application_id)
    assert docs
    assert all(d.pages >= 1 for d in docs)
    qtbot.waitUntil(lambda: ui.flow.done.is_printing() is False, timeout=10000)
    assert kit.printer.last_image is not None
    assert ui.voice.history[-1].startswith("Nộp hồ sơ thành công")
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "rating")
    tap(ui, qtbot, "rate_3")
    wait_screen(ui, qtbot, "welcome")
    assert ui.flow.session.identity is None
    assert ui.flow.session.answers == {}
    assert ui.flow.session.draft.pages == {}
    assert ui.flow.docs.pages == {}
    assert ui.images.keys() == []
