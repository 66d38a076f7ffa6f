"""QR symbols as Pillow images, drawn module by module so every module is a whole dot square."""

from __future__ import annotations

import segno
from PIL import Image


def qr_image(data: str | bytes, *, module_dots: int, border_modules: int = 4) -> Image.Image:
    """Render a full (never micro) QR with error level M as a "1" image, black modules = 0.

    Whole-dot modules matter on a thermal printer: fractional scaling blurs module edges and
    makes a small code hard to read.
    """
    if module_dots < 1:
        raise ValueError(f"module_dots must be >= 1, got {module_dots}")
    code = segno.make_qr(data, error="m", boost_error=False)
    matrix: tuple[bytearray, ...] = code.matrix
    side = len(matrix) + 2 * border_modules
    small = Image.new("1", (side, side), 1)
    pixels = small.load()
    assert pixels is not None
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + border_modules, y + border_modules] = 0
    return small.resize((side * module_dots, side * module_dots), Image.Resampling.NEAREST)


def qr_modules(data: str | bytes) -> int:
    """Side of the QR symbol in modules, without the quiet zone."""
    code = segno.make_qr(data, error="m", boost_error=False)
    return len(code.matrix)
