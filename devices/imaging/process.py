"""One scanned page through the pipeline: level, crop, drop if blank, judge, reduce.

Order matters: deskew first so the paper's edges are square for the crop; blank and blur are
judged on the cropped page so the scanner backing does not count as content.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from devices.imaging.binarize import binarize
from devices.imaging.blank import is_blank
from devices.imaging.blur import BLURRY_BELOW, sharpness
from devices.imaging.classify import classify
from devices.imaging.crop import paper_box
from devices.imaging.page import PageKind, PageWarning, ProcessedPage
from devices.imaging.skew import estimate_skew, rotate

# Colour and grey pages are kept at this resolution at most: enough for a seal and a photo,
# and it keeps them within the byte budget of a 2G link.
FALLBACK_DPI = 150


def process_page(img: Image.Image, dpi: int) -> ProcessedPage | None:
    """The page ready for the PDF, or None when it is blank."""
    rgb = np.asarray(img.convert("RGB"), dtype=np.uint8)
    grey = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    box = paper_box(grey)
    skew = estimate_skew(_inner(grey, box))
    if abs(skew) >= 0.05:
        fill = _backing(grey)
        rgb = rotate(rgb, -skew, (fill, fill, fill))
        grey = rotate(grey, -skew, fill)
        box = paper_box(grey)
    if box is not None:
        left, top, right, bottom = box
        rgb = np.ascontiguousarray(rgb[top:bottom, left:right])
        grey = np.ascontiguousarray(grey[top:bottom, left:right])
    if is_blank(grey):
        return None
    score = sharpness(grey, dpi)
    warnings = frozenset({PageWarning.BLURRY}) if 0.0 < score < BLURRY_BELOW else frozenset()
    kind = classify(rgb)
    match kind:
        case PageKind.BILEVEL:
            image = binarize(grey, dpi)
            out_dpi = dpi
        case PageKind.GREY:
            image, out_dpi = _reduce(Image.fromarray(grey), dpi)
        case PageKind.COLOUR:
            image, out_dpi = _reduce(Image.fromarray(rgb), dpi)
    return ProcessedPage(image, kind, out_dpi, warnings, skew_deg=skew, sharpness=score)


def _inner(grey: npt.NDArray[np.uint8], box: tuple[int, int, int, int] | None) -> (
    npt.NDArray[np.uint8]
):
    """The paper only, so the backing's edges do not vote on the skew."""
    if box is None:
        return grey
    left, top, right, bottom = box
    return grey[top:bottom, left:right]


def _backing(grey: npt.NDArray[np.uint8]) -> int:
    """The colour of the scan's border, used to fill the corners a rotation opens."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return int(np.median(border))


def _reduce(img: Image.Image, dpi: int) -> tuple[Image.Image, int]:
    if dpi <= FALLBACK_DPI:
        return img, dpi
    size = (round(img.width * FALLBACK_DPI / dpi), round(img.height * FALLBACK_DPI / dpi))
    return img.resize(size, Image.Resampling.LANCZOS), FALLBACK_DPI
