"""Turning a grey scan into clean black and white for CCITT G4.

A local (adaptive) threshold copes with the uneven light and yellowed paper a global one fails
on; its offset keeps paper texture white, and a median filter before it removes the speckle that
would otherwise cost G4 many bytes for nothing.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

_BLOCK_MM = 4.0
_OFFSET = 18


def binarize(grey: npt.NDArray[np.uint8], dpi: int) -> Image.Image:
    """A mode "1" image, black ink on white."""
    block = max(3, round(_BLOCK_MM / 25.4 * dpi) | 1)
    smooth = cv2.medianBlur(grey, 3)
    bw = cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, _OFFSET)
    return Image.fromarray(np.asarray(bw, dtype=np.uint8)).convert("1", dither=Image.Dither.NONE)
