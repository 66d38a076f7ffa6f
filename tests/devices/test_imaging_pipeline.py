"""The page pipeline on generated scans: deskew, crop, blank pages, blur, bilevel vs colour."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from bench.imaging.pages import PAPER, text_page
from bench.imaging.scanlike import scan_like
from devices.imaging import PageKind, PageWarning, page_warnings, process_page
from devices.imaging.skew import estimate_skew
from devices.scanner.sample_pages import make_sample_page

DPI = 200


@pytest.fixture(scope="module")
def plain() -> Image.Image:
    return text_page(11)


@pytest.fixture(scope="module")
def sealed() -> Image.Image:
    return text_page(12, with_seal=True)


@pytest.mark.parametrize("angle", [-4.0, -1.3, 0.7, 2.6])
def test_a_turned_page_is_levelled_within_half_a_degree(plain: Image.Image, angle: float) -> None:
    page = process_page(scan_like(plain, 1, angle_deg=angle), DPI)
    assert page is not None
    assert page.skew_deg == pytest.approx(angle, abs=0.5)
    # Measured again on the output, independently of what the pipeline reported.
    residual = estimate_skew(np.asarray(page.image.convert("L")))
    assert abs(residual) <= 0.5


def test_the_scanner_backing_is_cropped_away(plain: Image.Image) -> None:
    scan = scan_like(plain, 2, angle_deg=1.0, margin_px=60)
    page = process_page(scan, DPI)
    assert page is not None
    # The sheet itself is 1654 x 2339 at 200 dpi; the scan is 120 px larger each way.
    assert abs(page.image.width - plain.width) < 40
    assert abs(page.image.height - plain.height) < 40
    border = np.asarray(page.image.convert("L"))
    edges = np.concatenate(
        [border[:3].ravel(), border[-3:].ravel(), border[:, :3].ravel(), border[:, -3:].ravel()]
    )
    assert float((edges < 128).mean()) < 0.02


def test_a_white_backing_keeps_the_whole_scan(plain: Image.Image) -> None:
    scan = scan_like(plain, 3, backing=None, margin_px=30)
    page = process_page(scan, DPI)
    assert page is not None
    assert page.image.size == scan.size


@pytest.mark.parametrize("backing", [70, None])
def test_blank_pages_are_dropped(backing: int | None) -> None:
    sheet = Image.new("RGB", (1654, 2339), PAPER)
    assert process_page(scan_like(sheet, 4, angle_deg=0.8, backing=backing, noise_sd=6), DPI) is None


def test_a_page_with_one_short_line_is_not_blank() -> None:
    sheet = text_page(13).crop((0, 0, 1654, 420))
    canvas = Image.new("RGB", (1654, 2339), PAPER)
    canvas.paste(sheet.crop((0, 250, 1654, 320)), (0, 1100))
    page = process_page(scan_like(canvas, 5), DPI)
    assert page is not None
    assert page.kind is PageKind.BILEVEL


def test_blur_is_flagged_and_a_sharp_scan_is_not(plain: Image.Image) -> None:
    sharp = process_page(scan_like(plain, 6, blur_sigma=0.6), DPI)
    soft = process_page(scan_like(plain, 6, blur_sigma=3.0), DPI)
    assert sharp is not None
    assert soft is not None
    assert PageWarning.BLURRY not in sharp.warnings
    assert PageWarning.BLURRY in soft.warnings
    assert soft.sharpness < sharp.sharpness / 10


def test_scan_time_warnings_say_blank_blurry_or_nothing(plain: Image.Image) -> None:
    sheet = Image.new("RGB", (1654, 2339), PAPER)
    assert page_warnings(scan_like(sheet, 9, noise_sd=4), DPI) == {PageWarning.BLANK}
    assert page_warnings(scan_like(plain, 9, blur_sigma=3.0), DPI) == {PageWarning.BLURRY}
    assert page_warnings(scan_like(plain, 9, blur_sigma=0.6), DPI) == set()
    # The simulated scanner's own sample pages (the demo's) must not be flagged.
    assert page_warnings(make_sample_page("Giấy khai sinh", 3, dpi=DPI), DPI) == set()


def test_a_text_page_is_bilevel_at_full_resolution(plain: Image.Image) -> None:
    page = process_page(scan_like(plain, 7, angle_deg=-1.0), DPI)
    assert page is not None
    assert page.kind is PageKind.BILEVEL
    assert page.image.mode == "1"
    assert page.dpi == DPI
    ink = 1.0 - float(np.asarray(page.image).mean())
    assert 0.02 < ink < 0.25


def test_a_red_seal_keeps_the_page_in_colour(sealed: Image.Image) -> None:
    page = process_page(scan_like(sealed, 8, angle_deg=1.5), DPI)
    assert page is not None
    assert page.kind is PageKind.COLOUR
    assert page.image.mode == "RGB"
    assert page.dpi == 150
    rgb = np.asarray(page.image).astype(np.int16)
    red = (rgb[:, :, 0] > 150) & (rgb[:, :, 1] < 110) & (rgb[:, :, 2] < 110)
    assert red.sum() > 500


def test_a_photo_is_kept_in_grey(plain: Image.Image) -> None:
    sheet = plain.copy()
    yy, xx = np.mgrid[0:472, 0:354]
    photo = (110 + 60 * np.sin(xx / 23.0) * np.cos(yy / 31.0)).astype(np.uint8)
    sheet.paste(Image.fromarray(photo, "L").convert("RGB"), (1100, 300))
    page = process_page(scan_like(sheet, 9), DPI)
    assert page is not None
    assert page.kind is PageKind.GREY
    assert page.image.mode == "L"


@pytest.mark.parametrize("dpi", [100, 300])
def test_the_simulators_pages_are_judged_alike_at_other_resolutions(dpi: int) -> None:
    sealed_page = process_page(
        scan_like(
            make_sample_page("Giấy ủy quyền", 31, True, dpi=dpi), 10, angle_deg=-1.0, margin_px=dpi // 5
        ),
        dpi,
    )
    plain_page = process_page(
        scan_like(make_sample_page("Giấy ủy quyền", 32, dpi=dpi), 11, angle_deg=1.0, margin_px=dpi // 5), dpi
    )
    assert sealed_page is not None
    assert plain_page is not None
    assert sealed_page.kind is PageKind.COLOUR
    assert plain_page.kind is PageKind.BILEVEL
    assert plain_page.dpi == dpi
    assert plain_page.skew_deg == pytest.approx(1.0, abs=0.5)
