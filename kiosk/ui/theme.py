"""Colour themes: default (dark on light) and high contrast (light on black), per session."""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QObject, Signal

from kiosk.ui.qtbind import qproperty


@dataclass(frozen=True)
class Palette:
    background: str
    surface: str
    text: str
    muted: str
    primary: str
    primary_text: str
    secondary: str
    secondary_text: str
    danger: str
    danger_text: str
    ok: str
    ok_text: str
    border: str
    focus: str


DEFAULT = Palette(
    background="#FFFFFF",
    surface="#EEF2F7",
    text="#111111",
    muted="#333333",
    primary="#0B4A8F",
    primary_text="#FFFFFF",
    secondary="#FFFFFF",
    secondary_text="#0B3A70",
    danger="#8E1B10",
    danger_text="#FFFFFF",
    ok="#125C2B",
    ok_text="#FFFFFF",
    border="#0B3A70",
    focus="#B35900",
)

HIGH_CONTRAST = Palette(
    background="#000000",
    surface="#141414",
    text="#FFFFFF",
    muted="#F0F0F0",
    primary="#FFE600",
    primary_text="#000000",
    secondary="#000000",
    secondary_text="#FFFFFF",
    danger="#FFD0C8",
    danger_text="#000000",
    ok="#C8FFD0",
    ok_text="#000000",
    border="#FFFFFF",
    focus="#00E5FF",
)

THEMES = {"default": DEFAULT, "high_contrast": HIGH_CONTRAST}

# (foreground, background) pairs that carry text; each must reach 7:1.
TEXT_PAIRS = (
    ("text", "background"),
    ("text", "surface"),
    ("muted", "background"),
    ("muted", "surface"),
    ("primary_text", "primary"),
    ("secondary_text", "secondary"),
    ("danger_text", "danger"),
    ("ok_text", "ok"),
)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two #RRGGBB colours."""
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


class Theme(QObject):
    """The current palette as QML properties; switched per session, reset for the next person."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = "default"

    @property
    def palette(self) -> Palette:
        return THEMES[self._name]

    def _get_name(self) -> str:
        return self._name

    def _set_name(self, name: str) -> None:
        if name not in THEMES:
            raise ValueError(f"unknown theme {name!r}")
        if name != self._name:
            self._name = name
            self.changed.emit()

    name = qproperty(str, _get_name, _set_name, notify=changed)

    def _colours(self) -> dict[str, str]:
        return {f.name: getattr(self.palette, f.name) for f in fields(Palette)}

    c = qproperty("QVariantMap", _colours, notify=changed)

    def reset(self) -> None:
        self._set_name("default")
