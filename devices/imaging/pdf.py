"""From scanned pages to the compact PDF that is sealed and sent over a slow link."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from devices.imaging.encode import to_pdf_image
from devices.imaging.page import ProcessedPage
from devices.imaging.pdf_writer import write_pdf
from devices.imaging.process import process_page


class NoPagesError(ValueError):
    """Every page was blank: there is nothing to put in a PDF."""


def processed_to_pdf(pages: Sequence[ProcessedPage]) -> bytes:
    """A PDF of already processed pages, in order."""
    if not pages:
        raise NoPagesError("no page to write")
    return write_pdf([to_pdf_image(p) for p in pages])


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
