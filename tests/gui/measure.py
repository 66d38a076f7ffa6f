"""Measures what is on screen: interactive items in mm, text cap heights, text contrast."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtQuick import QQuickItem

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
    """Every visible item with its effective opacity (only a modal's own, while one is up)."""
    out: list[tuple[QQuickItem, float]] = []
    stack: list[tuple[QQuickItem, float]] = [(ui.window.contentItem(), 1.0)]
    for item in ui.window.contentItem().childItems():
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
