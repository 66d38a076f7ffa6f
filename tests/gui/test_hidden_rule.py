"""The "nothing clipped or hidden" rule of the accessibility walk, on a fixture made to break it.

tests/gui/fixtures/hidden_cases.qml holds one item per case. Those named "bad…" are clipped by a
box, elided, wrapped past a clipping box, a word longer than its line, outside the window, under
a cover, below the fold of a scroll view that cannot scroll, does not scroll by touch, has no cue
or hides it, in a list that runs on under the navigation bar (the review's last row once did), or
a touch target taller than the room its scroll view leaves above the cue.
Those named "ok…" are seen whole or reachable by scrolling a view whose "Còn nữa" cue is shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtQml import QQmlApplicationEngine
from PySide6.QtQuick import QQuickItem, QQuickWindow

from kiosk.ui.app_ui import dispose_engine
from tests.gui.measure import hidden_items

pytestmark = pytest.mark.gui

FIXTURE = Path(__file__).parent / "fixtures" / "hidden_cases.qml"


@pytest.fixture
def window(qapp: object) -> Iterator[QQuickWindow]:
    engine = QQmlApplicationEngine()
    engine.load(QUrl.fromLocalFile(str(FIXTURE)))
    roots = engine.rootObjects()
    assert len(roots) == 1
    win = roots[0]
    assert isinstance(win, QQuickWindow)
    win.grabWindow()  # polished and laid out
    yield win
    dispose_engine(engine)


def _named(win: QQuickWindow, name: str) -> QQuickItem:
    item: QQuickItem | None = win.findChild(QQuickItem, name)
    assert item is not None, name
    return item


def test_clipped_truncated_and_unreachable_items_are_reported(window: QQuickWindow) -> None:
    found = {h.name: h.why for h in hidden_items(window, covers=(_named(window, "cover"),))}
    assert set(found) == {
        "badClippedByParent",
        "badElided",
        "badWrappedAndClipped",
        "badTargetClipped",
        "badOutsideWindow",
        "badUnderCover",
        "badNoCue",
        "badCannotScroll",
        "badNotInteractive",
        "badCueNotShown",
        "badBehindNavBar",
        "badWordTooLong",
        "badNoRoomAboveCue",
    }, found
    assert "elided" in found["badElided"]
    assert "clips its own text" in found["badWrappedAndClipped"]
    assert "clipped by" in found["badClippedByParent"]
    assert "outside the window" in found["badOutsideWindow"]
    assert "behind the cover" in found["badUnderCover"]
    assert "no scroll cue" in found["badNoCue"]
    assert "no scrolling" in found["badCannotScroll"]
    assert "cannot be scrolled" in found["badNotInteractive"]
    assert "cue is not shown" in found["badCueNotShown"]
    assert "behind the NavBar" in found["badBehindNavBar"]
    assert "runs past its own box" in found["badWordTooLong"]
    assert "never seen whole" in found["badNoRoomAboveCue"]


def test_an_item_reachable_by_scrolling_is_not_reported(window: QQuickWindow) -> None:
    far = _named(window, "okReachableByScrolling")
    view = far.parentItem().parentItem()  # contentItem, then the Flickable
    assert not view.mapRectToScene(view.boundingRect()).contains(
        far.mapRectToScene(far.boundingRect())
    )  # really below the fold
    names = {h.name for h in hidden_items(window)}
    assert not any(n.startswith("ok") for n in names), names


def test_an_item_scrolled_into_view_needs_no_cue(window: QQuickWindow) -> None:
    no_cue = _named(window, "badNoCue")
    view = no_cue.parentItem().parentItem()
    view.setProperty("contentY", 200)
    window.grabWindow()
    assert "badNoCue" not in {h.name for h in hidden_items(window)}
