"""Cropping a scan to the sheet of paper.

Feeder scanners see the sheet against a dark or grey backing; the paper is the large bright
region. When the backing is as white as the paper (a flatbed lid) there is nothing to find and
the scan is kept whole, which costs nothing in a bilevel PDF.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

_WORK_WIDTH = 400
_MIN_PAPER_FRACTION = 0.3
_INSET_FRACTION = 0.004


def paper_box(grey: npt.NDArray[np.uint8]) -> tuple[int, int, int, int] | None:
    """``(left, top, right, bottom)`` of the paper, or None when it fills the scan."""
    h, w = grey.shape
    step = max(1, w // _WORK_WIDTH)
    scale = 1 / step
    # Plain decimation: the paper is large, and a median removes the noise it lets through.
    small = np.asarray(cv2.medianBlur(np.ascontiguousarray(grey[::step, ::step]), 3), np.uint8)
    border = np.concatenate([small[0], small[-1], small[:, 0], small[:, -1]])
    threshold, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if float(np.median(border)) >= threshold or float(np.median(small)) - threshold < 40:
        return None
    _, bright = cv2.threshold(small, threshold, 255, cv2.THRESH_BINARY)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    if cv2.contourArea(largest) < _MIN_PAPER_FRACTION * small.size:
        return None
    x, y, bw, bh = cv2.boundingRect(largest)
    inset = round(_INSET_FRACTION * w)
    left = max(0, round(x / scale) + inset)
    top = max(0, round(y / scale) + inset)
    right = min(w, round((x + bw) / scale) - inset)
    bottom = min(h, round((y + bh) / scale) - inset)
    return left, top, right, bottom
