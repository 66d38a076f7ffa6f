"""Whether a page can be bilevel, or needs colour (a red seal) or grey (a photo).

A seal's colour is legal meaning (it shows the document is an original), so any real patch of
saturated colour keeps the page in colour. Thin colour fringes along black text, which every
scanner produces, are averaged away by judging at about 36 dpi and by an opening before counting:
a seal's ring and star are several pixels wide even there. A photo shows as a large block of
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


def classify(rgb: npt.NDArray[np.uint8]) -> PageKind:
    """The storage kind for an RGB page (height x width x 3)."""
    h, w = rgb.shape[:2]
    scale = _WORK_WIDTH / w
    small = cv2.resize(rgb, (_WORK_WIDTH, max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    channels = small.astype(np.int16)
    chroma = (channels.max(axis=2) - channels.min(axis=2)).astype(np.uint8)
    coloured = (chroma > _CHROMA).astype(np.uint8)
    coloured = np.asarray(
        cv2.morphologyEx(coloured, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)), np.uint8
    )
    if np.count_nonzero(coloured) > COLOUR_FRACTION * coloured.size:
        return PageKind.COLOUR
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    mid = ((grey > 60) & (grey < 200)).astype(np.uint8)
    # Text strokes are thin: an opening wider than a stroke keeps only filled areas.
    mid = np.asarray(cv2.morphologyEx(mid, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8)), np.uint8)
    if np.count_nonzero(mid) > _PHOTO_FRACTION * mid.size:
        return PageKind.GREY
    return PageKind.BILEVEL
