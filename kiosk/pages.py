"""How a scanned page is held between the scan and the seal: one encoded image per page.

The domain session holds these bytes (it never sees an image); sealing decodes them once, when
it makes the document's PDF. Qt-free and store-free, so the UI and the sealer can both use it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

JPEG_QUALITY = 85  # the imaging pipeline re-encodes for sending (G4 or JPEG 55) at seal time


def encode_page(page: Image.Image) -> bytes:
    """One scanned page as it is held until the seal."""
    buf = io.BytesIO()
    page.convert("RGB").save(buf, "JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()


def decode_pages(pages: Sequence[bytes]) -> list[Image.Image]:
    """The held pages as images again (only for the time of the seal)."""
    images = []
    for data in pages:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            images.append(img.copy())
    return images
