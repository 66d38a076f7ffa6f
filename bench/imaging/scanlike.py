"""Make a clean generated page look like a feeder scan: backing, skew, blur, noise, fringes.

Seeded, so the benchmark and the tests see the same pages on every run. OpenCV does the heavy
lifting because the tests run this on dozens of full A4 pages.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

BACKING_GREY = 70


def scan_like(
    page: Image.Image,
    seed: int,
    *,
    angle_deg: float = 0.0,
    blur_sigma: float = 0.6,
    noise_sd: float = 4.0,
    backing: int | None = BACKING_GREY,
    margin_px: int = 40,
) -> Image.Image:
    """The page rotated by ``angle_deg`` (counter-clockwise) on a scanner backing, softened by
    the optics, with sensor noise and the colour fringes of a CIS sensor bar."""
    level = 255 if backing is None else backing
    src = cv2.copyMakeBorder(
        np.asarray(page.convert("RGB"), dtype=np.uint8),
        margin_px, margin_px, margin_px, margin_px, cv2.BORDER_CONSTANT,
        value=(level, level, level),
    )  # fmt: skip
    h, w = src.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    out = cv2.warpAffine(
        src,
        matrix,
        (w, h),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(level, level, level),
    )
    if blur_sigma > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur_sigma)
    arr = out.astype(np.int16)
    # Colour fringing: the red channel sampled a line late, as on a moving CIS bar.
    arr[1:, :, 0] = arr[:-1, :, 0]
    cv2.setRNGSeed(seed)
    luma = np.zeros((h, w), np.int16)
    cv2.randn(luma, np.zeros(1), np.full(1, noise_sd))
    chroma = np.zeros((h, w, 3), np.int16)
    cv2.randn(chroma, np.zeros(3), np.full(3, noise_sd / 3))
    arr += luma[:, :, None] + chroma
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
