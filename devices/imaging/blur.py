"""A blur score, to ask for a rescan while the citizen is still at the kiosk.

Variance of the Laplacian is the usual focus measure, but over a whole page it mostly counts how
much text there is. It is therefore taken per tile, only over tiles that hold ink, and the upper
median of those tiles is the score: a sharp page scores high however sparse its text.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

_TILE = 64
_MIN_TILE_STD = 25.0
# Measured on 200 dpi text: sharp scans score well above 1500, Gaussian blur of sigma 1.5
# (text still readable but soft) about 400 and below.
BLURRY_BELOW = 800.0


def sharpness(grey: npt.NDArray[np.uint8], dpi: int) -> float:
    """Focus score normalised to 200 dpi (lower is blurrier); 0.0 when there is no text."""
    img = grey
    if dpi > 200:
        scale = 200 / dpi
        img = np.asarray(
            cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), np.uint8
        )
    lap = cv2.Laplacian(img, cv2.CV_32F, ksize=3)
    h, w = img.shape
    th, tw = h // _TILE, w // _TILE
    if th == 0 or tw == 0:
        return 0.0
    tiles = img[: th * _TILE, : tw * _TILE].reshape(th, _TILE, tw, _TILE).astype(np.float32)
    lap_tiles = lap[: th * _TILE, : tw * _TILE].reshape(th, _TILE, tw, _TILE)
    inked = tiles.std(axis=(1, 3)) > _MIN_TILE_STD
    if not inked.any():
        return 0.0
    variances = lap_tiles.var(axis=(1, 3))[inked]
    return float(np.percentile(variances, 75))


def is_blurry(grey: npt.NDArray[np.uint8], dpi: int) -> bool:
    """True when the page is too soft to be read comfortably."""
    score = sharpness(grey, dpi)
    return 0.0 < score < BLURRY_BELOW
