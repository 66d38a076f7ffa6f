"""Whether a page can be bilevel, or needs colour (a red seal) or grey (a photo).

A seal's colour is legal meaning (it shows the document is an original), so any real patch of
saturated colour keeps the page in colour. Thin colour fringes along black text, which every
scanner produces, are removed by a small median filter before counting. A photo shows as a large block of
mid-tones, which bilevel would turn into noise.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from devices.imaging.page import PageKind

_WORK_WIDTH = 300
_CHROMA = 60
COLOUR_FRACTION = 0.0005
_PHOTO_FRACTION = 0.01


def classify(rgb: npt.NDArray[np.uint8], dpi: int) -> PageKind:
    """The storage kind for an RGB page (height x width x 3) scanned at ``dpi``."""
    h, w = rgb.shape[:2]
    # A median as wide as a fringe (one sensor pixel, two at high resolution) removes it and
    # keeps any stroke that is wider, such as a seal's ring even at 100 dpi.
    cleaned = cv2.medianBlur(rgb, 3 if dpi < 250 else 5)
    scale = _WORK_WIDTH / w
    size = (_WORK_WIDTH, max(1, round(h * scale)))
    small = np.asarray(cv2.resize(cleaned, size, interpolation=cv2.INTER_AREA), np.uint8)
    channels = small.astype(np.int16)
    chroma = channels.max(axis=2) - channels.min(axis=2)
    if np.count_nonzero(chroma > _CHROMA) > COLOUR_FRACTION * chroma.size:
        return PageKind.COLOUR
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    mid = ((grey > 60) & (grey < 200)).astype(np.uint8)
    # Text strokes are thin: an opening wider than a stroke keeps only filled areas.
    mid = np.asarray(cv2.morphologyEx(mid, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8)), np.uint8)
    if np.count_nonzero(mid) > _PHOTO_FRACTION * mid.size:
        return PageKind.GREY
    return PageKind.BILEVEL
