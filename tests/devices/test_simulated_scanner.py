"""The simulated scanner and its sample pages."""

from __future__ import annotations

import time

import pytest
from PIL import Image

from devices.scanner.sample_pages import SEAL_RED, make_sample_page
from devices.scanner.simulated import SimulatedScanner
from devices.status import DeviceStatus


def _page(shade: int) -> Image.Image:
    return Image.new("L", (100, 140), shade)


def _reddish_pixels(img: Image.Image) -> int:
    r, g, b = img.split()
    red = Image.eval(r, lambda v: 255 if v > 150 else 0)
    not_green = Image.eval(g, lambda v: 255 if v < 110 else 0)
    not_blue = Image.eval(b, lambda v: 255 if v < 110 else 0)
    mask = Image.composite(red, Image.new("L", img.size, 0), not_green)
    mask = Image.composite(mask, Image.new("L", img.size, 0), not_blue)
    return sum(mask.histogram()[255:])


def test_fed_pages_come_back_in_order_as_rgb() -> None:
    scanner = SimulatedScanner()
    scanner.control.feed([_page(10), _page(20), _page(30)])
    outcome = scanner.scan(dpi=300)
    assert outcome.status is DeviceStatus.READY
    assert outcome.dpi == 300
    assert [p.getpixel((0, 0)) for p in outcome.pages] == [(10,) * 3, (20,) * 3, (30,) * 3]
    assert all(p.mode == "RGB" for p in outcome.pages)


def test_flatbed_takes_one_page_at_a_time() -> None:
    scanner = SimulatedScanner()
    scanner.control.feed([_page(10), _page(20)])
    assert len(scanner.scan(source="flatbed").pages) == 1
    assert scanner.scan(source="flatbed").pages[0].getpixel((0, 0)) == (20, 20, 20)


def test_jam_keeps_the_pages_before_it_and_the_rest_stay_in_the_feeder() -> None:
    scanner = SimulatedScanner()
    scanner.control.feed([_page(10), _page(20), _page(30)])
    scanner.control.jam_after(1)
    jammed = scanner.scan()
    assert jammed.status is DeviceStatus.JAMMED
    assert len(jammed.pages) == 1
    assert "page 2" in jammed.detail
    assert scanner.health().status is DeviceStatus.JAMMED
    assert scanner.scan().status is DeviceStatus.JAMMED
    scanner.control.set_status(DeviceStatus.READY)
    rest = scanner.scan()
    assert [p.getpixel((0, 0)) for p in rest.pages] == [(20,) * 3, (30,) * 3]


@pytest.mark.parametrize(
    "status", [DeviceStatus.FEEDER_EMPTY, DeviceStatus.COVER_OPEN, DeviceStatus.DISCONNECTED]
)
def test_forced_status_returns_no_pages(status: DeviceStatus) -> None:
    scanner = SimulatedScanner()
    scanner.control.feed([_page(10)])
    scanner.control.set_status(status)
    outcome = scanner.scan()
    assert (outcome.status, outcome.pages) == (status, ())
    assert scanner.health().status is status


def test_held_scanner_times_out_instead_of_hanging() -> None:
    scanner = SimulatedScanner()
    scanner.control.hold()
    started = time.monotonic()
    outcome = scanner.scan(timeout_s=0.05)
    assert outcome.status is DeviceStatus.ERROR
    assert time.monotonic() - started < 2
    scanner.control.release()
    assert scanner.scan(dpi=100).status is DeviceStatus.READY


def test_empty_feeder_gives_generated_a4_sample_pages() -> None:
    scanner = SimulatedScanner(sample_pages_per_scan=2)
    outcome = scanner.scan(dpi=100)
    assert outcome.status is DeviceStatus.READY
    assert [p.size for p in outcome.pages] == [(827, 1169)] * 2
    assert outcome.pages[0].tobytes() != outcome.pages[1].tobytes()


def test_sample_pages_are_seeded_and_only_sealed_pages_carry_red() -> None:
    a = make_sample_page("Giấy khai sinh", 5, dpi=100)
    assert a.tobytes() == make_sample_page("Giấy khai sinh", 5, dpi=100).tobytes()
    assert a.tobytes() != make_sample_page("Giấy khai sinh", 6, dpi=100).tobytes()
    sealed = make_sample_page("Giấy khai sinh", 5, with_seal=True, dpi=100)
    assert _reddish_pixels(a) == 0
    assert _reddish_pixels(sealed) > 500
    assert SEAL_RED[0] > 150


def test_sample_page_has_text_ink_at_200_dpi() -> None:
    page = make_sample_page("Tờ khai", 1)
    assert page.size == (1654, 2339)
    dark = sum(page.convert("L").histogram()[:100])
    assert 0.005 < dark / (page.width * page.height) < 0.2
