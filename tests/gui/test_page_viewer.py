"""A scanned page is judged large: tap its thumbnail, see the page across the screen, close."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from devices.scanner.sample_pages import make_sample_page
from kiosk.ui.app_ui import KioskUi
from kiosk.ui.documents_vm import PAGE_SIDE, THUMB_SIDE
from kiosk.wiring.sim import SimKit
from tests.gui.driver import find, tap
from tests.gui.steps import walk_to_documents

pytestmark = pytest.mark.gui


def test_tap_a_thumbnail_to_see_the_page_large(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    walk_to_documents(ui, kit, qtbot)
    item = ui.flow.docs._get_items()[0]
    kit.scanner.control.feed([make_sample_page("Trang một", seed=1), make_sample_page("Trang hai", seed=2)])
    tap(ui, qtbot, f"scan_{item['id']}")
    qtbot.waitUntil(lambda: len(ui.flow.docs.pages.get(item["id"], ())) == 2, timeout=10000)
    assert find(ui, "pageViewer") is None
    tap(ui, qtbot, f"thumb_{item['id']}_1")
    qtbot.waitUntil(lambda: find(ui, "pageViewer") is not None, timeout=3000)
    large = find(ui, "pageLarge")
    assert large is not None
    qtbot.waitUntil(lambda: large.property("progress") == 1.0, timeout=3000)  # loaded
    side = max(large.property("sourceSize").width(), large.property("sourceSize").height())
    assert THUMB_SIDE < side <= PAGE_SIDE  # the page itself, not the thumbnail blown up
    assert f"page/{item['id']}/1/large" in large.property("source").toString()
    assert ui.units.to_mm(large.width()) > 200  # across the screen
    tap(ui, qtbot, "closePage")
    qtbot.waitUntil(lambda: find(ui, "pageViewer") is None, timeout=3000)
    assert ui.flow.current_screen() == "documents"
