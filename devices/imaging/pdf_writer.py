"""A minimal PDF 1.4 writer for pages that are each one full-page image.

Written by hand (about a hundred lines) rather than through img2pdf: img2pdf would embed the same
streams losslessly, but it pulls in pikepdf/qpdf for its default engine, and we only ever write
one image per page from streams we encoded ourselves. Every object is plain ASCII except the
image streams, and the cross-reference table is built from the real byte offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PdfImage:
    """An already encoded image stream and the dictionary entries that describe it."""

    data: bytes
    width: int
    height: int
    colour_space: str  # "/DeviceGray" or "/DeviceRGB"
    bits_per_component: int
    filter: str  # "/CCITTFaxDecode" or "/DCTDecode"
    decode_parms: str = ""  # e.g. "<< /K -1 /Columns 1654 /Rows 2339 >>"
    dpi: int = 200

    @property
    def page_size_pt(self) -> tuple[float, float]:
        """The physical page size in points, from the pixel size and the resolution."""
        return self.width * 72 / self.dpi, self.height * 72 / self.dpi


def write_pdf(images: Sequence[PdfImage]) -> bytes:
    """A PDF with one page per image, each image filling its page."""
    if not images:
        raise ValueError("a PDF needs at least one page")
    n = len(images)
    # Objects: 1 catalog, 2 page tree, then per page: page, content stream, image.
    page_ids = [3 + 3 * i for i in range(n)]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % p for p in page_ids) + b"] /Count %d >>" % n,
    ]
    for page_id, image in zip(page_ids, images, strict=True):
        w_pt, h_pt = image.page_size_pt
        content = f"q {w_pt:.2f} 0 0 {h_pt:.2f} 0 0 cm /Im0 Do Q".encode("ascii")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt:.2f} {h_pt:.2f}] "
            f"/Resources << /XObject << /Im0 {page_id + 2} 0 R >> >> "
            f"/Contents {page_id + 1} 0 R >>".encode("ascii")
        )
        objects.append(_stream(b"", content))
        parms = f" /DecodeParms {image.decode_parms}" if image.decode_parms else ""
        head = (
            f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
            f"/ColorSpace {image.colour_space} /BitsPerComponent {image.bits_per_component} "
            f"/Filter {image.filter}{parms} "
        ).encode("ascii")
        objects.append(_stream(head, image.data))
    return _assemble(objects)


def _stream(dict_entries: bytes, data: bytes) -> bytes:
    return b"<< " + dict_entries + b"/Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)
