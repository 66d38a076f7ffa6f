"""A blur score, to ask for a rescan while the citizen is still at the kiosk.

Variance of the Laplacian is the usual focus measure, but over a whole page it mostly counts how
much text there is, and sensor noise adds to it. It is therefore taken per tile, over tiles that
hold ink, less the variance of the bare paper tiles (the noise floor): a sharp page scores high
however sparse its text and however noisy the sensor.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

_TILE = 64
_MIN_TILE_STD = 25.0
# Measured on generated 200 dpi pages with sensor noise of sd 2-6 (bench/imaging/scanlike.py):
# a sharp scan scores 20000-55000, Gaussian blur of sigma 1.5 (soft but easy to read) 2500-3000,
# sigma 2.5 (a struggle to read) 370-1020, sigma 3.5 below 800.
BLURRY_BELOW = 1200.0


def sharpness(grey: npt.NDArray[np.uint8], dpi: int) -> float:
    """Focus score normalised to 200 dpi (lower is blurrier); 0.0 when there is no text."""
    img = grey
    if dpi > 200:
        scale = 200 / dpi
        img = np.asarray(cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), np.uint8)
    lap = np.asarray(cv2.Laplacian(img, cv2.CV_32F, ksize=3), dtype=np.float32)
    h, w = img.shape
    th, tw = h // _TILE, w // _TILE
    if th == 0 or tw == 0:
        return 0.0
    stds = np.sqrt(_tile_var(img.astype(np.float32)[: th * _TILE, : tw * _TILE], tw, th))
    inked = stds > _MIN_TILE_STD
    if not inked.any():
        return 0.0
    variances = _tile_var(lap[: th * _TILE, : tw * _TILE], tw, th)
    # Sensor noise adds its own Laplacian variance everywhere; the bare paper tiles measure it.
    flat = stds < _MIN_TILE_STD / 2
    noise = float(np.median(variances[flat])) if flat.any() else 0.0
    return max(0.0, float(np.percentile(variances[inked], 75)) - noise)


def _tile_var(values: npt.NDArray[np.float32], tw: int, th: int) -> npt.NDArray[np.float32]:
    """Per-tile variance via area averages (E[x^2] - E[x]^2), far cheaper than reshaping."""
    mean = cv2.resize(values, (tw, th), interpolation=cv2.INTER_AREA)
    mean_sq = cv2.resize(values * values, (tw, th), interpolation=cv2.INTER_AREA)
    return np.asarray(np.maximum(mean_sq - mean * mean, 0.0), dtype=np.float32)


def is_blurry(score: float) -> bool:
    """True when a page of this :func:`sharpness` is too soft to be read comfortably (a page
    with no text, scoring 0.0, is not blurry)."""
    return 0.0 < score < BLURRY_BELOW
