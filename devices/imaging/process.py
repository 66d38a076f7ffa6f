"""One scanned page through the pipeline: level, crop, drop if blank, judge, reduce.

Order matters: the skew and the storage kind are judged on the paper only (the scanner backing
must not count as content), then the page is rotated once, and blank and blur are judged on the
levelled, cropped page. Only colour and grey pages pay for rotating all three channels.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from devices.imaging.binarize import binarize
from devices.imaging.blank import is_blank
from devices.imaging.blur import is_blurry, sharpness
from devices.imaging.classify import classify
from devices.imaging.crop import paper_box
from devices.imaging.page import PageKind, PageWarning, ProcessedPage
from devices.imaging.skew import estimate_skew, rotate

# Colour and grey pages are kept at this resolution at most: enough for a seal and a photo,
# and it keeps them within the byte budget of a 2G link.
FALLBACK_DPI = 150
_NEAR_WHITE = 225
_MIN_SKEW_DEG = 0.05

Box = tuple[int, int, int, int]


def process_page(img: Image.Image, dpi: int, *, keep_blank: bool = False) -> ProcessedPage | None:
    """The page ready for the PDF, or None when it is blank (unless ``keep_blank``)."""
    rgb = np.asarray(img.convert("RGB"), dtype=np.uint8)
    grey = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    box = paper_box(grey)
    skew = estimate_skew(_cut(grey, box))
    kind = classify(_cut(rgb, _inset(box, grey.shape, skew)), dpi)
    if abs(skew) >= _MIN_SKEW_DEG:
        fill = _backing(grey)
        if kind is PageKind.BILEVEL:
            grey = rotate(grey, -skew, fill)
        else:
            rgb = rotate(rgb, -skew, (fill, fill, fill))
            grey = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
        box = paper_box(grey)
    grey = _cut(grey, box)
    if not keep_blank and is_blank(grey):
        return None
    score = sharpness(grey, dpi)
    warnings = frozenset({PageWarning.BLURRY}) if is_blurry(score) else frozenset()
    match kind:
        case PageKind.BILEVEL:
            image = binarize(grey, dpi)
            out_dpi = dpi
        case PageKind.GREY:
            small, out_dpi = _reduce(grey, dpi)
            image = Image.fromarray(whiten(small), "L")
        case PageKind.COLOUR:
            small, out_dpi = _reduce(_cut(rgb, box), dpi)
            image = Image.fromarray(whiten(small), "RGB")
    return ProcessedPage(image, kind, out_dpi, warnings, skew_deg=skew, sharpness=score)


def page_warnings(img: Image.Image, dpi: int) -> frozenset[PageWarning]:
    """What the citizen should hear about a page just scanned: blank, blurry, or nothing.

    It runs the page through the same pipeline as sealing does, so what the kiosk says at the
    scanner is what the seal will find.
    """
    page = process_page(img, dpi)
    return frozenset({PageWarning.BLANK}) if page is None else page.warnings


def _cut(img: npt.NDArray[np.uint8], box: Box | None) -> npt.NDArray[np.uint8]:
    if box is None:
        return img
    left, top, right, bottom = box
    return np.ascontiguousarray(img[top:bottom, left:right])


def _inset(box: Box | None, shape: tuple[int, ...], skew: float) -> Box:
    """The part of the (still skewed) paper's bounding box that holds no backing corner."""
    left, top, right, bottom = box if box is not None else (0, 0, shape[1], shape[0])
    d = math.ceil(abs(math.tan(math.radians(skew))) * max(right - left, bottom - top)) + 2
    if right - left <= 4 * d or bottom - top <= 4 * d:
        return left, top, right, bottom
    return left + d, top + d, right - d, bottom - d


def _backing(grey: npt.NDArray[np.uint8]) -> int:
    """The colour of the scan's border, used to fill the corners a rotation opens."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return int(np.median(border))


def _reduce(img: npt.NDArray[np.uint8], dpi: int) -> tuple[npt.NDArray[np.uint8], int]:
    if dpi <= FALLBACK_DPI:
        return img, dpi
    h, w = img.shape[:2]
    size = (round(w * FALLBACK_DPI / dpi), round(h * FALLBACK_DPI / dpi))
    return np.asarray(cv2.resize(img, size, interpolation=cv2.INTER_AREA), np.uint8), FALLBACK_DPI


def whiten(img: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Stretch the paper to pure white and flatten what is near it.

    Paper grain and sensor noise are most of a JPEG's bytes on a document; the ink and the seal
    are far from white and keep their colour.
    """
    grey = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    white = max(1.0, float(np.percentile(grey[::4, ::4], 90)))
    lut = np.clip(np.arange(256, dtype=np.float32) * (255.0 / white), 0, 255)
    lut[lut >= _NEAR_WHITE] = 255
    return np.asarray(cv2.LUT(img, lut.astype(np.uint8)), dtype=np.uint8)
