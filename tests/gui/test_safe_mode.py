"""Safe mode shows the out-of-service message in the kiosk's language, with nothing to touch."""

from __future__ import annotations

import pytest
from PySide6.QtQuick import QQuickItem

from kiosk.ui.app_ui import dispose_engine
from kiosk.ui.safe_mode import build_safe_mode

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("lang", "title"), [("vi", "Kiosk tạm ngưng phục vụ"),
                                             ("en", "This kiosk is out of service")])
def test_out_of_service_screen(qapp: object, lang: str, title: str) -> None:
    engine = build_safe_mode(lang)
    (window,) = engine.rootObjects()
    assert window.objectName() == "safeModeWindow"
    items: list[QQuickItem] = list(window.findChildren(QQuickItem))
    texts = {item.objectName(): item.property("text") for item in items}
    assert texts["safeTitle"] == title
    assert texts["safeBody"]
    dispose_engine(engine)
