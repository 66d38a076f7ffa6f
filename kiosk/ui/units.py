"""Physical sizes: the QML asks for millimetres, the panel's DPI turns them into pixels.

Text sizes are chosen by the citizen (three steps) and reset for the next person.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal

from kiosk.ui.qtbind import qproperty, slot

MM_PER_INCH = 25.4
# Noto Sans capital height is 0.714 em: a 6.5 mm cap height needs a 9.1 mm em.
NOTO_CAP_HEIGHT_EM = 0.714
BODY_CAP_MM = 6.5
SECONDARY_CAP_MM = 5.0  # one-line descriptions under a button's title
TEXT_SCALES = (1.0, 1.2, 1.4)
MIN_TOUCH_MM = 15.0


def cap_mm_to_em_mm(cap_mm: float) -> float:
    return cap_mm / NOTO_CAP_HEIGHT_EM


class Units(QObject):
    """mm → px for one panel, plus the per-session text size step."""

    text_size_changed = Signal()

    def __init__(self, dpi: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if dpi <= 0:
            raise ValueError("panel dpi must be positive")
        self._dpi = dpi
        self._text_size = 0

    def px(self, mm_value: float) -> float:
        return mm_value * self._dpi / MM_PER_INCH

    def to_mm(self, px_value: float) -> float:
        return px_value * MM_PER_INCH / self._dpi

    @slot(float, result=float)
    def mm(self, mm_value: float) -> float:
        return self.px(mm_value)

    def _get_dpi(self) -> float:
        return self._dpi

    dpi = qproperty(float, _get_dpi, constant=True)

    def _get_text_size(self) -> int:
        return self._text_size

    def _set_text_size(self, step: int) -> None:
        step = max(0, min(len(TEXT_SCALES) - 1, int(step)))
        if step != self._text_size:
            self._text_size = step
            self.text_size_changed.emit()

    text_size = qproperty(int, _get_text_size, _set_text_size, notify=text_size_changed)

    def _scale(self) -> float:
        return TEXT_SCALES[self._text_size]

    def _body(self) -> float:
        return math.ceil(self.px(cap_mm_to_em_mm(BODY_CAP_MM)) * self._scale())

    def _title(self) -> float:
        return round(self._body() * 1.35)

    def _small(self) -> float:
        # Secondary lines (descriptions) stay at least 5 mm cap height.
        return math.ceil(self.px(cap_mm_to_em_mm(SECONDARY_CAP_MM)) * self._scale())

    def _huge(self) -> float:
        return round(self._body() * 2.2)

    def _bar(self) -> float:
        # The always-there bar (repeat, volume, size, colours) keeps the default body size (cap
        # height 6.5 mm): on a portrait panel it stays one row at every text size.
        return math.ceil(self.px(cap_mm_to_em_mm(BODY_CAP_MM)))

    body_px = qproperty(float, _body, notify=text_size_changed)
    bar_px = qproperty(float, _bar, notify=text_size_changed)
    title_px = qproperty(float, _title, notify=text_size_changed)
    small_px = qproperty(float, _small, notify=text_size_changed)
    huge_px = qproperty(float, _huge, notify=text_size_changed)

    def _touch(self) -> float:
        return self.px(18.0)

    touch = qproperty(float, _touch, constant=True)

    def reset(self) -> None:
        self._set_text_size(0)
