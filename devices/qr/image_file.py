"""Opening a QR photo from a file without letting its size take the kiosk's memory.

A PNG of a few kilobytes can claim 12000 x 12000 pixels: decoding it takes over a gigabyte
(a decompression bomb). The size is in the file's header, so it is checked before any pixel is
decoded, and an image over ``MAX_PIXELS`` is refused with a message a technician can act on.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image

MAX_PIXELS = 50_000_000
"""50 megapixels: more than any phone photo of a CCCD needs (a 12 MP photo is 4000 x 3000)."""


class ImageTooLargeError(ValueError):
    """The image claims more pixels than the decoder will take."""

    def __init__(self, path: Path, size: tuple[int, int] | None, max_pixels: int) -> None:
        if size is None:
            limit = 2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6
            claimed = f"more than {limit:.0f} megapixels, past what the image library will open"
        else:
            claimed = f"{size[0]} x {size[1]} pixels ({size[0] * size[1] / 1e6:.0f} megapixels)"
        super().__init__(
            f"{path}: the image is {claimed}; images over {max_pixels / 1e6:.0f} megapixels are "
            "refused. Use a smaller photo, or crop it around the QR code."
        )
        self.path = path
        self.size = size


def open_capped(path: Path, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """The image at ``path``, decoded, or :class:`ImageTooLargeError` before any pixel is decoded.

    Raises what ``Image.open`` raises for a missing or unreadable file.
    """
    with warnings.catch_warnings():
        # Pillow warns above its own (higher) limit and refuses at twice it: the warning is
        # silenced here because the size check below refuses such an image anyway, with its
        # size in the message. (The warnings filter is process-wide: this is for the CLI.)
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(path)
        except Image.DecompressionBombError as exc:
            raise ImageTooLargeError(path, None, max_pixels) from exc
    try:
        width, height = img.size
        if width * height > max_pixels:
            raise ImageTooLargeError(path, (width, height), max_pixels)
        img.load()
    except BaseException:
        img.close()
        raise
    return img
