"""Image preparation for the QR decoder: grey conversion, candidate regions, rescue filters.

A CCCD QR is about 11 mm wide, so a 720p webcam sees it at roughly two pixels per module. The
plain decoder misses such codes or a blurred, glared or low-contrast one; these helpers make the
extra passes cheap by working on small regions that look like a code rather than the whole frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image

Grey = np.ndarray[Any, np.dtype[np.uint8]]

_CLAHE = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(4, 4))


@dataclass(frozen=True)
class Region:
    """An axis-aligned box in frame pixels (x, y: top-left corner)."""

    x: int
    y: int
    width: int
    height: int

    def crop(self, grey: Grey) -> Grey:
        """The region's pixels; a view, not a copy."""
        return grey[self.y : self.y + self.height, self.x : self.x + self.width]


def as_grey(arr: Any) -> Grey:
    """View OpenCV's loosely typed result as the uint8 array it is (no copy)."""
    return np.asarray(arr, dtype=np.uint8)


def to_grey(img: np.ndarray[Any, Any] | Image.Image) -> Grey:
    """An 8-bit grey array from a PIL image or a grey/BGR/BGRA array (OpenCV's channel order)."""
    if isinstance(img, Image.Image):
        return np.asarray(img.convert("L"), dtype=np.uint8)
    arr = np.asarray(img)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        return arr
    if arr.ndim == 3 and arr.shape[2] == 1:
        return arr[:, :, 0]
    if arr.ndim == 3 and arr.shape[2] == 3:
        return as_grey(cv2.cvtColor(arr, cv2.COLOR_BGR2GRAY))
    if arr.ndim == 3 and arr.shape[2] == 4:
        return as_grey(cv2.cvtColor(arr, cv2.COLOR_BGRA2GRAY))
    raise ValueError(f"unsupported image shape {arr.shape}")


def scale(grey: Grey, factor: float) -> Grey:
    """Resize by a factor: cubic when enlarging (keeps module edges), area when shrinking."""
    interp = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return as_grey(cv2.resize(grey, None, fx=factor, fy=factor, interpolation=interp))


def clahe(grey: Grey) -> Grey:
    """Local contrast equalisation: lifts a code out of glare or a dim, low-contrast frame."""
    return as_grey(_CLAHE.apply(grey))


def sharpen(grey: Grey, sigma: float = 2.5, amount: float = 2.0) -> Grey:
    """Unsharp mask: restores module edges softened by defocus, motion or enlarging.

    The defaults suit a region enlarged about four times: ``sigma`` is in enlarged pixels.
    """
    soft = cv2.GaussianBlur(grey, (0, 0), sigma)
    return as_grey(cv2.addWeighted(grey, 1 + amount, soft, -amount, 0))


def smooth(grey: Grey) -> Grey:
    """Light blur: removes sensor noise, JPEG blocks and a phone screen's pixel grid."""
    return as_grey(cv2.GaussianBlur(grey, (0, 0), 1.0))


def stretch(grey: Grey) -> Grey:
    """Spread the 1st-99th percentile over the full range: a dim or washed-out code's modules
    otherwise differ by less than zxing's binariser counts as contrast."""
    low, high = (float(v) for v in np.percentile(grey, (1, 99)))
    if high - low < 1:
        return grey
    scaled = (grey.astype(np.float32) - low) * (255.0 / (high - low))
    return as_grey(np.clip(scaled, 0, 255))


def thicken_dark(grey: Grey) -> Grey:
    """Grow dark modules by a pixel: undoes the thinning of overexposure or a print on cloth."""
    return as_grey(cv2.erode(grey, np.ones((3, 3), np.uint8)))


def candidate_regions(grey: Grey, *, limit: int = 3) -> list[Region]:
    """Boxes where dense black-and-white texture could be a QR, most promising first.

    Works on a half-size frame: strong local contrast (morphological gradient) is thresholded,
    closed into blobs, and roughly square blobs of plausible size are kept, with a margin for
    the quiet zone.
    """
    h, w = grey.shape
    small = cv2.resize(grey, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    kernel = np.ones((3, 3), np.uint8)
    grad = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, kernel)
    _, mask = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    scored: list[tuple[float, Region]] = []
    min_side, max_side = 14, min(w, h) // 2
    for contour in contours:
        (_, _), (rw, rh), _ = cv2.minAreaRect(contour)
        side = max(rw, rh)
        if side < min_side or side > max_side or min(rw, rh) < 0.6 * side:
            continue
        fill = cv2.contourArea(contour) / (rw * rh + 1e-6)
        if fill < 0.6:
            continue
        x, y, bw, bh = cv2.boundingRect(contour)
        margin = int(0.25 * max(bw, bh)) + 4
        x0, y0 = max(0, 2 * (x - margin)), max(0, 2 * (y - margin))
        x1, y1 = min(w, 2 * (x + bw + margin)), min(h, 2 * (y + bh + margin))
        scored.append((fill * side, Region(x0, y0, x1 - x0, y1 - y0)))
    scored.sort(key=lambda item: -item[0])
    return [region for _, region in scored[:limit]]
