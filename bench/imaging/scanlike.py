"""Make a clean generated page look like a feeder scan: backing, skew, blur, noise, fringes.

Seeded, so the benchmark and the tests see the same pages on every run.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

BACKING_GREY = 70


def scan_like(
    page: Image.Image,
    seed: int,
    *,
    angle_deg: float = 0.0,
    blur_sigma: float = 0.6,
    noise_sd: float = 6.0,
    backing: int | None = BACKING_GREY,
    margin_px: int = 40,
) -> Image.Image:
    """The page rotated by ``angle_deg`` (counter-clockwise) on a scanner backing, softened by
    the optics, with sensor noise and the red/blue fringes of a CIS sensor."""
    rng = np.random.default_rng(seed)
    fill = (255, 255, 255) if backing is None else (backing, backing, backing)
    canvas = Image.new("RGB", (page.width + 2 * margin_px, page.height + 2 * margin_px), fill)
    canvas.paste(page, (margin_px, margin_px))
    rotated = canvas.rotate(angle_deg, resample=Image.Resampling.BICUBIC, fillcolor=fill)
    if blur_sigma > 0:
        rotated = rotated.filter(ImageFilter.GaussianBlur(blur_sigma))
    arr = np.asarray(rotated, dtype=np.float32)
    # Colour fringing: the red channel sampled a pixel off, as on a moving CIS bar.
    arr[:, :, 0] = np.roll(arr[:, :, 0], 1, axis=0)
    arr += rng.normal(0.0, noise_sd, size=arr.shape[:2])[:, :, None]
    arr += rng.normal(0.0, noise_sd / 3, size=arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
