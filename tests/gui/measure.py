"""Measures what is on screen: interactive items in mm, text cap heights, text contrast."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import shiboken6
from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtQml import QQmlEngine, QQmlExpression
from PySide6.QtQuick import QQuickItem, QQuickWindow

from kiosk.ui.app_ui import KioskUi
from kiosk.ui.theme import contrast
from kiosk.ui.units import NOTO_CAP_HEIGHT_EM


@dataclass(frozen=True)
class Target:
    name: str
    rect: QRectF  # scene pixels
    shown: QRectF  # the part not clipped away by a scrolling list


@dataclass(frozen=True)
class TextSample:
    text: str
    cap_mm: float
    ratio: float


SKIP = ("keyboard",)  # the Qt Virtual Keyboard draws with its own style
MODALS = ("idleOverlay", "cancelDialog")  # while one is up, only what is on it can be touched


def _visible_items(ui: KioskUi) -> list[tuple[QQuickItem, float]]:
    return _visible_items_under(ui.window.contentItem())


def _visible_items_under(root: QQuickItem) -> list[tuple[QQuickItem, float]]:
    """Every visible item with its effective opacity (only a modal's own, while one is up)."""
    out: list[tuple[QQuickItem, float]] = []
    stack: list[tuple[QQuickItem, float]] = [(root, 1.0)]
    for item in root.childItems():
        if item.objectName() in MODALS and item.isVisible():
            stack = [(c, 1.0) for c in item.childItems()]
    while stack:
        item, opacity = stack.pop()
        if not item.isVisible() or item.opacity() == 0 or item.objectName() in SKIP:
            continue
        eff = opacity * item.opacity()
        out.append((item, eff))
        stack.extend((c, eff) for c in item.childItems())
    return out


def _box(item: QQuickItem) -> QRectF:
    """The item's own geometry (a text item's boundingRect is its glyphs, not its box)."""
    return QRectF(0, 0, item.width(), item.height())


def _parent(item: QQuickItem) -> QQuickItem | None:
    return cast(QQuickItem | None, item.parentItem())


def _inherits(obj: QObject, class_name: str) -> bool:
    return bool(cast(Any, obj).inherits(class_name))


def _shown_rect(item: QQuickItem) -> QRectF:
    rect = item.mapRectToScene(_box(item))
    parent = _parent(item)
    while parent is not None:
        if parent.clip():
            rect = rect.intersected(parent.mapRectToScene(_box(parent)))
        parent = _parent(parent)
    return rect


def _is_tappable(item: QQuickItem) -> bool:
    direct = Qt.FindChildOption.FindDirectChildrenOnly
    children = cast(list[QObject], cast(Any, item).findChildren(QObject, options=direct))
    return any("TapHandler" in str(c.metaObject().className()) for c in children)


def targets(ui: KioskUi) -> list[Target]:
    found = []
    for item, _op in _visible_items(ui):
        if item.objectName() and (_is_tappable(item) or _inherits(item, "QQuickTextInput")):
            shown = _shown_rect(item)
            if not shown.isEmpty():
                rect = item.mapRectToScene(_box(item))
                found.append(Target(item.objectName(), rect, shown))
    return found


def _background(item: QQuickItem, window_colour: QColor) -> QColor:
    parent = _parent(item)
    while parent is not None:
        if _inherits(parent, "QQuickRectangle"):
            colour = parent.property("color")
            if isinstance(colour, QColor) and colour.alpha() > 0:
                return colour
        parent = _parent(parent)
    return window_colour


def texts(ui: KioskUi) -> list[TextSample]:
    window_colour = ui.window.color()
    samples = []
    for item, opacity in _visible_items(ui):
        if not _inherits(item, "QQuickText") or opacity < 1.0:
            continue  # disabled controls are drawn faded on purpose
        text = item.property("text")
        if not isinstance(text, str) or not text.strip() or _shown_rect(item).isEmpty():
            continue
        font = item.property("font")
        colour = item.property("color")
        assert isinstance(colour, QColor)
        bg = _background(item, window_colour)
        cap_mm = ui.units.to_mm(font.pixelSize() * NOTO_CAP_HEIGHT_EM)
        samples.append(TextSample(text, cap_mm, contrast(colour.name(), bg.name())))
    return samples


def gap_mm(ui: KioskUi, a: QRectF, b: QRectF) -> float:
    dx = max(0.0, b.left() - a.right(), a.left() - b.right())
    dy = max(0.0, b.top() - a.bottom(), a.top() - b.bottom())
    return ui.units.to_mm(math.hypot(dx, dy))


# --- nothing clipped or hidden ------------------------------------------------------------

SCROLL_CUE = "scrollHint"  # ScrollHint.qml: "▼ Còn nữa", its `flick` is the view it speaks for
BARS = ("TopBar", "HelpStrip", "NavBar")  # always drawn over whatever lies under them
SLACK_PX = 1.5  # anti-aliasing and rounding, never a hidden line


@dataclass(frozen=True)
class Hidden:
    name: str  # objectName, else the first words of the text
    why: str


def _type_name(item: QObject) -> str:
    """The QML type: "NavBar" for an instance of NavBar.qml (class NavBar_QMLTYPE_12)."""
    return str(item.metaObject().className()).split("_QMLTYPE_")[0].split("_QML_")[0]


def _same(a: object, b: object) -> bool:
    if not isinstance(a, QObject) or not isinstance(b, QObject):
        return False
    return bool(shiboken6.getCppPointer(a)[0] == shiboken6.getCppPointer(b)[0])


def _inside(outer: QRectF, inner: QRectF) -> bool:
    return (
        inner.left() >= outer.left() - SLACK_PX
        and inner.top() >= outer.top() - SLACK_PX
        and inner.right() <= outer.right() + SLACK_PX
        and inner.bottom() <= outer.bottom() + SLACK_PX
    )


def _overlap(a: QRectF, b: QRectF) -> bool:
    part = a.intersected(b)
    return part.width() > SLACK_PX and part.height() > SLACK_PX


def _all_items(root: QQuickItem) -> list[QQuickItem]:
    out, stack = [], [root]
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(item.childItems())
    return out


def _cue_view(cue: QQuickItem) -> object:
    """The view a scroll cue speaks for (its `flick`; a QQuickFlickable* property PySide cannot
    read directly, so it is read through QML)."""
    value, _undefined = QQmlExpression(QQmlEngine.contextForObject(cue), cue, "this.flick").evaluate()
    return value


def _drawn(item: QQuickItem) -> QRectF:
    """Where the item draws: its box, and for a Text also every laid-out line (which spill out
    of a box shorter than the text)."""
    box = _box(item)
    if _inherits(item, "QQuickText"):
        box = box.united(item.boundingRect())
    return box


def _label(item: QQuickItem) -> str:
    text = item.property("text") if _inherits(item, "QQuickText") else None
    if item.objectName() or not isinstance(text, str) or not text.strip():
        return item.objectName() or _type_name(item)
    return repr(" ".join(text.split())[:40])


def _scroll_problem(flick: QQuickItem, rect: QRectF, cues: list[QQuickItem]) -> str | None:
    """None when `rect` (scene), outside the view `flick`, can be scrolled into it."""
    if not flick.clip():
        return f"spills out of the scroll view {_label(flick)} (it does not clip)"
    if not flick.property("interactive"):
        return f"cut off by {_label(flick)}, which cannot be scrolled"
    view = flick.mapRectToScene(_box(flick))
    content = cast(QQuickItem, flick.property("contentItem"))
    local = content.mapRectFromScene(rect)
    content_w = float(flick.property("contentWidth"))
    end_x = float(flick.property("originX")) + content_w
    sideways = rect.left() < view.left() - SLACK_PX or rect.right() > view.right() + SLACK_PX
    if sideways and (content_w <= flick.width() + 1 or local.right() > end_x + SLACK_PX):
        return f"off the side of {_label(flick)}, which does not scroll sideways to it"
    if rect.top() < view.top() - SLACK_PX or rect.bottom() > view.bottom() + SLACK_PX:
        return _vertical_problem(flick, local, rect.bottom() > view.bottom() + SLACK_PX, cues)
    return None


def _vertical_problem(
    flick: QQuickItem, local: QRectF, below: bool, cues: list[QQuickItem]
) -> str | None:
    content_h = float(flick.property("contentHeight"))
    origin_y = float(flick.property("originY"))
    mine = [c for c in cues if _same(_cue_view(c), flick)]
    why = None
    if content_h <= flick.height() + 1:
        why = f"cut off by {_label(flick)}: its content is no taller than it, no scrolling"
    elif local.top() < origin_y - SLACK_PX or local.bottom() > origin_y + content_h + SLACK_PX:
        why = f"beyond the end of {_label(flick)}'s content (contentHeight too small)"
    elif not mine:
        why = f"below the fold of {_label(flick)}, which has no scroll cue"
    elif below and not any(c.isVisible() and c.opacity() > 0 for c in mine):
        why = f"below the fold of {_label(flick)}, and its scroll cue is not shown"
    return why


def _self_problem(item: QQuickItem) -> str | None:
    if _inherits(item, "QQuickText") and item.property("truncated"):
        return "cut short (elided or past its maximum lines)"
    if item.clip() and not _inside(_box(item), _drawn(item)):
        return "clips its own text (taller or wider than its box)"
    if not _inside(_box(item), _drawn(item)):  # a word longer than the line: under its neighbours
        return "runs past its own box (a word too long for its width, or a box too short)"
    return None


def _room_problem(flick: QQuickItem, rect: QRectF, cues: list[QQuickItem]) -> str | None:
    """A touch target must fit whole in its scroll view above the view's cue while that is up
    (a view so short that the cue always covers part of every answer shows none whole)."""
    view = flick.mapRectToScene(_box(flick))
    room = view.height()
    for cue in cues:
        if cue.isVisible() and cue.opacity() > 0 and _same(_cue_view(cue), flick):
            room = min(room, cue.mapRectToScene(_box(cue)).top() - view.top())
    if rect.height() > room + SLACK_PX:
        return (
            f"is {rect.height():.0f} px tall but {_label(flick)} shows only {room:.0f} px "
            "above its scroll cue: never seen whole"
        )
    return None


def _why_hidden(
    item: QQuickItem, area: QRectF, bars: list[QQuickItem], cues: list[QQuickItem], target: bool
) -> str | None:
    own = _self_problem(item)
    if own is not None:
        return own
    rect = item.mapRectToScene(_drawn(item))
    in_bar: list[QQuickItem] = [item]
    parent = _parent(item)
    while parent is not None:
        in_bar.append(parent)
        box = parent.mapRectToScene(_box(parent))
        if _inherits(parent, "QQuickFlickable"):
            why = _room_problem(parent, rect, cues) if target else None
            if why is None and not _inside(box, rect):
                why = _scroll_problem(parent, rect, cues)
                rect = box  # reachable: what is left to check is that the view is shown
            if why is not None:
                return why
            target = False  # the view itself is what must be seen from here on
        elif parent.clip() and not _inside(box, rect):
            return f"clipped by {_label(parent)}"
        parent = _parent(parent)
    if not _inside(area, rect):
        return "outside the window"
    for bar in bars:
        mine = any(_same(bar, b) for b in in_bar)
        if not mine and _overlap(rect, bar.mapRectToScene(_box(bar))):
            return f"hidden behind the {_type_name(bar) if _type_name(bar) in BARS else _label(bar)}"
    return None


def hidden_items(window: QQuickWindow, covers: tuple[QQuickItem, ...] = ()) -> list[Hidden]:
    """Every visible text and touch target that cannot be seen whole where it is, and cannot be
    scrolled into view: cut off by an ancestor's clip or by a scroll view without a way (or a cue)
    to scroll to it, elided or wrapped past its box, outside the window, or under a bar
    (top bar, help strip, navigation bar) or an on-screen keyboard (`covers`)."""
    root = window.contentItem()
    cues = [i for i in _all_items(root) if i.objectName() == SCROLL_CUE]
    shown = _visible_items_under(root)
    bars = [i for i, _op in shown if _type_name(i) in BARS and i.width() > 0 and i.height() > 0]
    bars += [c for c in covers if c.isVisible() and c.height() > 0]
    area = QRectF(0, 0, window.width(), window.height())
    found: list[Hidden] = []
    for item, _op in shown:
        is_text = _inherits(item, "QQuickText") and bool(str(item.property("text") or "").strip())
        is_target = bool(item.objectName()) and (
            _is_tappable(item) or _inherits(item, "QQuickTextInput")
        )
        if is_text or is_target:
            why = _why_hidden(item, area, bars, cues, is_target)
            if why is not None:
                found.append(Hidden(_label(item), why))
    return found

def hidden(ui: KioskUi) -> list[Hidden]:
    """hidden_items for the kiosk's window; the on-screen keyboard covers what is under it."""
    keyboard = [i for i in _all_items(ui.window.contentItem()) if i.objectName() in SKIP]
    return hidden_items(ui.window, covers=tuple(keyboard))
