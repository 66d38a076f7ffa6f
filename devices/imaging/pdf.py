"""From scanned pages to the compact PDF that is sealed and sent over a slow link.

Pillow's own PDF writer embeds each page as one image: a mode "1" page as CCITT G4 (libtiff's
encoder, ``/CCITTFaxDecode /K -1``), a grey or colour page as a JPEG (``/DCTDecode``) at
``JPEG_QUALITY``. The page size comes from each page's ``resolution``. Pillow takes one
resolution per save, so a run of pages at another resolution (colour and grey pages are kept at
150 dpi, text at the scan's) is added as an incremental update of the same file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from PIL import Image, features

from devices.imaging.page import PageKind, ProcessedPage
from devices.imaging.process import process_page

JPEG_QUALITY = 55


class NoPagesError(ValueError):
    """Every page was blank: there is nothing to put in a PDF."""


def processed_to_pdf(pages: Sequence[ProcessedPage]) -> bytes:
    """A PDF of already processed pages, in order."""
    if not pages:
        raise NoPagesError("no page to write")
    if not features.check_codec("libtiff"):
        # Without libtiff Pillow would silently store bilevel pages as JPEG, many times larger.
        raise RuntimeError("Pillow was built without libtiff: bilevel pages cannot be written as G4")
    buf = io.BytesIO()
    for index, ((dpi, bilevel), run) in enumerate(groupby(pages, key=_run_key)):
        first, *rest = (_image(p) for p in run)
        # No dates and no title: the same pages give the same bytes.
        options: dict[str, Any] = {"resolution": float(dpi), "title": None}
        options.update(creationDate=None, modDate=None)
        if not bilevel:
            options.update(quality=JPEG_QUALITY, optimize=True, subsampling="4:2:0")
        first.save(buf, "PDF", save_all=True, append_images=rest, append=index > 0, **options)
    return buf.getvalue()


def _run_key(page: ProcessedPage) -> tuple[int, bool]:
    """Pages written by one save share a resolution and a codec family (G4 or JPEG)."""
    return page.dpi, page.kind is PageKind.BILEVEL


def _image(page: ProcessedPage) -> Image.Image:
    match page.kind:
        case PageKind.BILEVEL:
            return page.image.convert("1")
        case PageKind.GREY:
            return page.image.convert("L")
        case PageKind.COLOUR:
            return page.image.convert("RGB")


def pages_to_pdf(pages: Sequence[Image.Image], dpi: int) -> bytes:
    """Process raw scans (deskew, crop, drop blanks, G4 or colour fallback) into one PDF.

    When every page is blank they are all kept: this runs at sealing time, after the citizen
    confirmed, and a document of blank scans is the officer's to judge, not a reason to fail the
    seal. The kiosk warns about blank pages earlier, through ``process_page``.
    """
    if not pages:
        raise NoPagesError("no page to write")
    kept = [p for p in (process_page(img, dpi) for img in pages) if p is not None]
    if not kept:
        kept = [p for p in (process_page(i, dpi, keep_blank=True) for i in pages) if p is not None]
    return processed_to_pdf(kept)
