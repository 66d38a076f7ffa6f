"""Drives the kiosk window like a finger: find items by objectName, tap their centre."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.ui.app_ui import KioskUi

WAIT_MS = 5000


def find(ui: KioskUi, name: str) -> QQuickItem | None:
    root = ui.window.contentItem()
    stack = [root]
    while stack:
        item = stack.pop()
        if item.objectName() == name and item.isVisible():
            return item
        stack.extend(item.childItems())
    return None


def tap(ui: KioskUi, qtbot: QtBot, name: str) -> None:
    item = None

    def found() -> bool:
        nonlocal item
        item = find(ui, name)
        laid_out = item is not None and item.width() > 0 and item.height() > 0
        return laid_out and ui.window.isExposed()

    qtbot.waitUntil(found, timeout=WAIT_MS)
    assert item is not None
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(ui.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)


def wait_screen(ui: KioskUi, qtbot: QtBot, screen: str) -> None:
    qtbot.waitUntil(lambda: ui.flow.current_screen() == screen, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: find(ui, f"screen_{screen}") is not None, timeout=WAIT_MS)
