"""Blank-page detection, so the back of a single-sided form is not sent over a 2G link.

The threshold is relative to the paper's own white and fixed rather than Otsu: on a blank sheet
Otsu splits the paper noise in half. Faint show-through from the other side stays lighter than
the threshold; a median filter removes scanner speckle; the edges are ignored because the
sheet's border and shadow are not content.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

_EDGE_FRACTION = 0.04
_INK_RATIO = 0.6
BLANK_INK_FRACTION = 0.0003


def ink_fraction(grey: npt.NDArray[np.uint8]) -> float:
    """Share of the page's inner area that is clearly darker than the paper."""
    h, w = grey.shape
    dy, dx = round(h * _EDGE_FRACTION), round(w * _EDGE_FRACTION)
    inner = np.ascontiguousarray(grey[dy : h - dy, dx : w - dx])
    if inner.size == 0:
        return 0.0
    inner = np.asarray(cv2.medianBlur(inner, 3), dtype=np.uint8)
    white = float(np.percentile(inner[::4, ::4], 90))
    return float(np.count_nonzero(inner < white * _INK_RATIO)) / inner.size


def is_blank(grey: npt.NDArray[np.uint8]) -> bool:
    """True when the page carries (almost) no ink."""
    return ink_fraction(grey) < BLANK_INK_FRACTION
