"""Every interactive QML item has an objectName (tests and the accessibility tree find it)."""

from __future__ import annotations

import re
from pathlib import Path

QML_DIR = Path(__file__).resolve().parents[2] / "kiosk" / "ui" / "qml"
OWN = ("Main.qml", "components", "screens")
INTERACTIVE = re.compile(r"^\s*(KButton|TextInput)\s*\{", re.MULTILINE)


def _block(text: str, start: int) -> str:
    depth = 0
    for i in range(text.index("{", start), len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start : i + 1]
    raise AssertionError("unbalanced braces")


def _own_files() -> list[Path]:
    return [p for p in QML_DIR.rglob("*.qml") if p.relative_to(QML_DIR).parts[0] in OWN]


def test_every_button_and_text_field_is_named() -> None:
    unnamed = []
    count = 0
    for qml in _own_files():
        text = qml.read_text(encoding="utf-8")
        for m in INTERACTIVE.finditer(text):
            count += 1
            block = _block(text, m.start())
            inner = block[block.index("{") + 1 :]
            if "objectName:" not in inner.split("{")[0] and not re.search(
                r"^\s{0,16}objectName:", inner, re.MULTILINE
            ):
                unnamed.append(f"{qml.name}:{text[: m.start()].count(chr(10)) + 1}")
    assert count > 20
    assert unnamed == []


def test_tappable_rectangles_declare_an_accessible_button() -> None:
    for qml in _own_files():
        text = qml.read_text(encoding="utf-8")
        # modal overlays hold an empty TapHandler only to swallow taps meant for the screen below
        if "TapHandler" in text and qml.name not in ("Main.qml", "IdleOverlay.qml", "CancelDialog.qml"):
            assert "Accessible.role: Accessible.Button" in text, qml.name
            assert "Accessible.name:" in text, qml.name
