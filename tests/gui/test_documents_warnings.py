"""A blurry or blank page is pointed out on the documents screen while the citizen can rescan."""

from __future__ import annotations

import pytest
from PIL import Image, ImageFilter
from PySide6.QtQuick import QQuickItem
from pytestqt.qtbot import QtBot

from devices.scanner.sample_pages import make_sample_page
from kiosk.ui.app_ui import KioskUi
from kiosk.ui.i18n import load_locale
from kiosk.wiring.sim import SimKit
from tests.gui.driver import find, tap
from tests.gui.steps import walk_to_documents

pytestmark = pytest.mark.gui
VI = load_locale("vi")
EN = load_locale("en")


def _blurry(title: str) -> Image.Image:
    # A Gaussian blur of radius 3.5 px at 200 dpi: the text is a struggle to read.
    return make_sample_page(title, seed=2).filter(ImageFilter.GaussianBlur(3.5))


def _blank() -> Image.Image:
    return Image.new("RGB", make_sample_page("x", seed=3).size, (246, 244, 238))


def _warning_text(ui: KioskUi, doc_id: str) -> str:
    item = find(ui, f"warning_{doc_id}")
    if item is None:
        return ""
    texts = [c for c in item.childItems() if isinstance(c, QQuickItem) and c.property("text")]
    return str(texts[0].property("text")) if texts else ""


def _scan(ui: KioskUi, kit: SimKit, qtbot: QtBot, doc_id: str, pages: list[Image.Image]) -> None:
    scans = kit.scanner.control.scans
    kit.scanner.control.feed(pages)
    tap(ui, qtbot, f"scan_{doc_id}")
    qtbot.waitUntil(
        lambda: kit.scanner.control.scans > scans and not ui.flow.docs.is_scanning(), timeout=10000
    )


def test_blurry_and_blank_pages_are_pointed_out_and_a_good_rescan_clears_it(
    ui: KioskUi, kit: SimKit, qtbot: QtBot
) -> None:
    walk_to_documents(ui, kit, qtbot)
    doc = next(i for i in ui.flow.docs.items_list() if i["required"])
    doc_id, title = doc["id"], doc["title"]
    assert find(ui, f"warning_{doc_id}") is None

    _scan(ui, kit, qtbot, doc_id, [_blurry(title)])
    qtbot.waitUntil(lambda: _warning_text(ui, doc_id) == VI["documents_blurry_one"], timeout=5000)
    assert "bị mờ" in _warning_text(ui, doc_id)
    assert "Ông/Bà" in _warning_text(ui, doc_id)
    assert ui.flow.docs.pages[doc_id]  # the page is kept: the citizen decides to rescan

    # A two-page document whose second sheet went in the wrong way up.
    _scan(ui, kit, qtbot, doc_id, [make_sample_page(title, seed=1), _blank()])
    want = VI["documents_blank_pages"].replace("%1", "2")
    qtbot.waitUntil(lambda: _warning_text(ui, doc_id) == want, timeout=5000)

    # The warning follows the language.
    ui.strings.set_language("en")
    want = EN["documents_blank_pages"].replace("%1", "2")
    qtbot.waitUntil(lambda: _warning_text(ui, doc_id) == want, timeout=5000)
    ui.strings.set_language("vi")

    _scan(ui, kit, qtbot, doc_id, [make_sample_page(title, seed=1)])
    qtbot.waitUntil(lambda: find(ui, f"warning_{doc_id}") is None, timeout=5000)
    assert len(ui.flow.docs.pages[doc_id]) == 1


def test_a_blank_single_page_says_it_may_be_upside_down(ui: KioskUi, kit: SimKit, qtbot: QtBot) -> None:
    walk_to_documents(ui, kit, qtbot)
    doc_id = next(i for i in ui.flow.docs.items_list() if i["required"])["id"]
    _scan(ui, kit, qtbot, doc_id, [_blank()])
    qtbot.waitUntil(lambda: _warning_text(ui, doc_id) == VI["documents_blank_one"], timeout=5000)
    tap(ui, qtbot, f"delete_{doc_id}")
    qtbot.waitUntil(lambda: find(ui, f"warning_{doc_id}") is None, timeout=5000)
