"""The compact PDF (Pillow's writer), checked with poppler: G4 where bilevel, JPEG where colour,
lossless G4, every page A4 whatever its resolution."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench.imaging.pages import PAPER, text_page
from bench.imaging.scanlike import scan_like
from devices.imaging import NoPagesError, PageKind, pages_to_pdf, process_page, processed_to_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils missing")
DPI = 200


def _poppler(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def _image_rows(pdf: Path) -> list[dict[str, str]]:
    lines = _poppler("pdfimages", "-list", str(pdf)).splitlines()
    header = lines[0].split()
    # "object ID" is two words in the header and two columns in the rows.
    header = [*header[: header.index("object")], "object", "gen", *header[header.index("ID") + 1 :]]
    return [dict(zip(header, line.split(), strict=True)) for line in lines[2:]]


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scans = [
        scan_like(text_page(21), 1, angle_deg=1.2),
        scan_like(Image.new("RGB", (1654, 2339), PAPER), 2),  # the blank back of page 1
        scan_like(text_page(22, with_seal=True), 3, angle_deg=-0.8),
    ]
    path = tmp_path_factory.mktemp("pdf") / "document.pdf"
    path.write_bytes(pages_to_pdf(scans, DPI))
    return path


def test_blank_pages_are_left_out_and_the_pages_are_a4(document: Path) -> None:
    info = _poppler("pdfinfo", str(document))
    pages = next(line for line in info.splitlines() if line.startswith("Pages:"))
    assert pages.split() == ["Pages:", "2"]
    # The text page is at 200 dpi and the seal page at 150: both are still A4 on paper.
    sizes = _poppler("pdfinfo", "-f", "1", "-l", "2", str(document)).splitlines()
    sizes = [line for line in sizes if line.startswith("Page ") and " size:" in line]
    assert len(sizes) == 2
    for size in sizes:
        width_pt, height_pt = (float(v) for v in size.split()[3:6:2])
        assert width_pt == pytest.approx(595, abs=12)
        assert height_pt == pytest.approx(842, abs=12)


def test_text_is_g4_and_the_seal_page_is_colour_jpeg(document: Path) -> None:
    rows = _image_rows(document)
    assert [(r["enc"], r["color"], r["bpc"]) for r in rows] == [
        ("ccitt", "gray", "1"),
        ("jpeg", "rgb", "8"),
    ]
    assert rows[0]["x-ppi"] == "200"
    assert rows[1]["x-ppi"] == "150"


def test_each_page_is_within_its_byte_budget() -> None:
    text = process_page(scan_like(text_page(23), 4, angle_deg=2.0), DPI)
    seal = process_page(scan_like(text_page(24, with_seal=True), 5), DPI)
    assert text is not None
    assert seal is not None
    assert text.kind is PageKind.BILEVEL
    assert seal.kind is PageKind.COLOUR
    assert len(processed_to_pdf([text])) <= 80 * 1024
    assert len(processed_to_pdf([seal])) <= 250 * 1024


def test_g4_round_trips_exactly_through_a_pdf_reader(tmp_path: Path) -> None:
    page = process_page(scan_like(text_page(25), 6, angle_deg=-2.2), DPI)
    assert page is not None
    pdf = tmp_path / "one.pdf"
    pdf.write_bytes(processed_to_pdf([page]))
    assert [(r["enc"], r["bpc"]) for r in _image_rows(pdf)] == [("ccitt", "1")]
    # poppler's CCITT decoder gives back every pixel, black as black.
    _poppler("pdfimages", "-png", str(pdf), str(tmp_path / "dec"))
    decoded = np.asarray(Image.open(tmp_path / "dec-000.png").convert("L")) < 128
    original = ~np.asarray(page.image, dtype=bool)  # mode "1": True is white
    assert np.array_equal(decoded, original)
    # Rendering the page (poppler resamples, so edges move by a pixel) keeps the same ink.
    _poppler("pdftoppm", "-r", str(DPI), "-gray", "-singlefile", str(pdf), str(tmp_path / "r"))
    rendered = np.asarray(Image.open(tmp_path / "r.pgm").convert("L")) < 128
    assert rendered.shape == original.shape
    assert float((rendered == original).mean()) > 0.97
    assert float(rendered.mean()) == pytest.approx(float(original.mean()), rel=0.05)


def test_a_document_of_only_blank_pages_keeps_them_rather_than_fail(tmp_path: Path) -> None:
    blank = scan_like(Image.new("RGB", (1654, 2339), PAPER), 7)
    pdf = tmp_path / "blank.pdf"
    pdf.write_bytes(pages_to_pdf([blank, blank], DPI))
    assert [(r["enc"], r["page"]) for r in _image_rows(pdf)] == [("ccitt", "1"), ("ccitt", "2")]
    # An all-white bilevel page costs next to nothing.
    assert pdf.stat().st_size < 8 * 1024


def test_no_pages_at_all_is_refused() -> None:
    with pytest.raises(NoPagesError):
        pages_to_pdf([], DPI)
    with pytest.raises(NoPagesError):
        processed_to_pdf([])


def test_the_same_pages_give_the_same_bytes() -> None:
    page = process_page(scan_like(text_page(26), 8), DPI)
    assert page is not None
    assert processed_to_pdf([page]) == processed_to_pdf([page])


def test_pages_keep_their_order_across_resolutions(tmp_path: Path) -> None:
    text = process_page(scan_like(text_page(27), 9), DPI)
    seal = process_page(scan_like(text_page(28, with_seal=True), 10), DPI)
    assert text is not None
    assert seal is not None
    pdf = tmp_path / "mixed.pdf"
    pdf.write_bytes(processed_to_pdf([text, seal, text, text]))
    rows = _image_rows(pdf)
    assert [(r["page"], r["enc"], r["x-ppi"]) for r in rows] == [
        ("1", "ccitt", "200"),
        ("2", "jpeg", "150"),
        ("3", "ccitt", "200"),
        ("4", "ccitt", "200"),
    ]
