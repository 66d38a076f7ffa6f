"""Encoding processed pages as PDF image streams: CCITT G4 for bilevel, JPEG otherwise.

G4 comes from libtiff through Pillow's TIFF writer. The image is inverted first so the paper is
0 bits, which CCITT codes as (cheap) white runs; the TIFF is written as a single strip so its
one strip *is* a complete G4 stream a PDF reader can decode with ``/K -1``.
"""

from __future__ import annotations

import io

from PIL import Image, ImageChops, TiffImagePlugin

from devices.imaging.page import PageKind, ProcessedPage
from devices.imaging.pdf_writer import PdfImage

JPEG_QUALITY = 55
_STRIP_OFFSETS = 273
_STRIP_BYTE_COUNTS = 279


def g4_stream(bilevel: Image.Image) -> bytes:
    """The CCITT Group 4 bytes of a mode "1" image, ink as 1 bits (PDF's default BlackIs1 false
    then shows 0 bits, the paper, as white)."""
    inverted = ImageChops.invert(bilevel.convert("1"))
    buf = io.BytesIO()
    inverted.save(buf, format="TIFF", compression="group4", strip_size=2**31 - 1)
    buf.seek(0)
    with Image.open(buf) as tiff:
        assert isinstance(tiff, TiffImagePlugin.TiffImageFile)
        offsets = tiff.tag_v2[_STRIP_OFFSETS]
        counts = tiff.tag_v2[_STRIP_BYTE_COUNTS]
    offsets = offsets if isinstance(offsets, tuple) else (offsets,)
    counts = counts if isinstance(counts, tuple) else (counts,)
    if len(offsets) != 1:
        raise RuntimeError(f"expected one G4 strip, libtiff wrote {len(offsets)}")
    raw = buf.getvalue()
    return raw[offsets[0] : offsets[0] + counts[0]]


def jpeg_stream(img: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """Baseline JPEG, which every PDF reader decodes with /DCTDecode."""
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality, optimize=True, subsampling="4:2:0")
    return buf.getvalue()


def to_pdf_image(page: ProcessedPage) -> PdfImage:
    """The PDF image stream for a processed page, by its kind."""
    img = page.image
    match page.kind:
        case PageKind.BILEVEL:
            return PdfImage(
                g4_stream(img), img.width, img.height, "/DeviceGray", 1, "/CCITTFaxDecode",
                f"<< /K -1 /Columns {img.width} /Rows {img.height} >>", page.dpi,
            )  # fmt: skip
        case PageKind.GREY:
            grey = img.convert("L")
            return PdfImage(
                jpeg_stream(grey), img.width, img.height, "/DeviceGray", 8, "/DCTDecode",
                dpi=page.dpi,
            )  # fmt: skip
        case PageKind.COLOUR:
            rgb = img.convert("RGB")
            return PdfImage(
                jpeg_stream(rgb), img.width, img.height, "/DeviceRGB", 8, "/DCTDecode",
                dpi=page.dpi,
            )  # fmt: skip
