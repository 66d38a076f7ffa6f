"""Skew estimation from the text lines, and rotation back to level.

A projection profile is used rather than Hough lines or the paper's outline: text lines are
what must come out level, the paper edge is often missing (white scanner lid) and Hough is easily
led astray by form lines and seals. The profile is computed from a sample of ink pixel
coordinates, so each candidate angle costs a ``bincount`` instead of an image rotation.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

MAX_SKEW_DEG = 8.0
_MAX_POINTS = 60_000
_COARSE_STEP = 0.5
_FINE_STEP = 0.05


def ink_mask(grey: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Strokes darker than their surroundings. A local threshold, unlike Otsu, ignores the
    scanner backing showing in the corners: only its edge, which runs with the paper, remains."""
    binary = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 30)
    return np.asarray(binary, dtype=np.uint8) > 0


def estimate_skew(grey: npt.NDArray[np.uint8], max_deg: float = MAX_SKEW_DEG) -> float:
    """Angle in degrees (counter-clockwise positive, as PIL's ``rotate``) that the text is
    turned by; rotating by its negative levels the page. 0.0 when there is too little ink."""
    ys, xs = np.nonzero(ink_mask(grey))
    if xs.size < 200:
        return 0.0
    if xs.size > _MAX_POINTS:
        pick = np.random.default_rng(0).choice(xs.size, _MAX_POINTS, replace=False)
        xs, ys = xs[pick], ys[pick]
    x = xs.astype(np.float64) - grey.shape[1] / 2
    y = ys.astype(np.float64)
    coarse = np.arange(-max_deg, max_deg + 1e-9, _COARSE_STEP)
    best = _best_angle(x, y, coarse)
    fine = np.arange(best - _COARSE_STEP, best + _COARSE_STEP + 1e-9, _FINE_STEP)
    return float(_best_angle(x, y, fine))


def _best_angle(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], angles: npt.NDArray[np.float64]
) -> float:
    scores = [_profile_score(x, y, a) for a in angles]
    return float(angles[int(np.argmax(scores))])


def _profile_score(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], deg: float) -> float:
    # A page turned counter-clockwise by ``deg`` has its lines rising to the right: y = -x tan.
    rows = y + x * np.tan(np.radians(deg))
    hist = np.bincount((rows - rows.min()).astype(np.int64))
    return float(np.dot(hist, hist))


def rotate(img: npt.NDArray[np.uint8], deg: float, fill: int | tuple[int, int, int]) -> npt.NDArray[np.uint8]:
    """Rotate counter-clockwise by ``deg`` about the centre, keeping the size."""
    if abs(deg) < 0.01:
        return img
    h, w = img.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    border = fill if isinstance(fill, tuple) else (fill, fill, fill)
    out = cv2.warpAffine(
        img,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )
    return np.asarray(out, dtype=np.uint8)
