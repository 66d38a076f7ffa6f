"""The slip encoder: exact ESC/POS byte structure, and bytes that decode back to the slip."""

from __future__ import annotations

import random

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageOps

from devices.receipt.escpos_bytes import escpos_job, raster_to_escpos
from devices.receipt.model import Receipt
from devices.receipt.render import render_receipt
from tests.support.escpos_decode import CommandKind, EscposDecodeError, parse_commands, raster_image


def _receipt(code: str, n_rows: int = 3) -> Receipt:
    return Receipt(
        header=("ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", "PHIẾU HẸN"),
        rows=tuple((f"Mục {i + 1}", f"Giá trị số {i + 1} có dấu: ễ ặ ỗ") for i in range(n_rows)),
        big_text=code,
        qr_text=code,
        footer=("Vui lòng giữ phiếu này",),
    )


def _same(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


def test_small_image_bytes_are_exact() -> None:
    img = Image.new("1", (16, 2), 1)
    img.putpixel((0, 0), 0)
    img.putpixel((15, 1), 0)
    expected = (
        b"\x1b@"  # ESC @ init
        + b"\x1dv0\x00"  # GS v 0, normal density
        + b"\x02\x00\x02\x00"  # xL xH = 2 bytes wide, yL yH = 2 rows
        + b"\x80\x00\x00\x01"
        + b"\x1bd\x06"  # feed 6 lines before the cutter
        + b"\x1dV\x00"  # GS V 0 full cut
    )
    assert raster_to_escpos(img) == expected


def test_without_cut_there_is_no_cut_command() -> None:
    data = raster_to_escpos(Image.new("1", (8, 1), 1), cut=False)
    assert data == b"\x1b@\x1dv0\x00\x01\x00\x01\x00\x00\x1bd\x06"


def test_profile_without_matching_width_or_cutter_is_refused() -> None:
    with pytest.raises(ValueError, match="512"):
        raster_to_escpos(Image.new("1", (576, 8), 1), profile="TM-T88V")
    with pytest.raises(ValueError, match="fragment_rows"):
        raster_to_escpos(Image.new("1", (8, 8), 1), fragment_rows=911)


@pytest.mark.parametrize("dot_width", [576, 384])
def test_slip_bytes_have_correct_headers_and_decode_to_the_slip(dot_width: int) -> None:
    slip = render_receipt(_receipt("TP07-000042-5"), dot_width)
    data = raster_to_escpos(slip)
    commands = parse_commands(data)
    kinds = [c.kind for c in commands]
    assert kinds[0] is CommandKind.INIT
    assert kinds[-2:] == [CommandKind.FEED, CommandKind.CUT]
    rasters = [c for c in commands if c.kind is CommandKind.RASTER]
    assert sum(c.height for c in rasters) == slip.height
    for c in rasters:
        assert c.raw[3] == 0
        assert c.raw[4] | c.raw[5] << 8 == dot_width // 8
        assert c.raw[6] | c.raw[7] << 8 == c.height <= 910
        assert len(c.data) == dot_width // 8 * c.height
    decoded = raster_image(commands)
    assert decoded.size == slip.size
    assert _same(decoded, slip)
    assert [r.text for r in zxingcpp.read_barcodes(decoded.convert("L"))] == ["TP07-000042-5"]


def test_tall_slip_over_960_rows_is_not_corrupted() -> None:
    slip = render_receipt(_receipt("TP07-123456-0", n_rows=40))
    assert slip.height > 2 * 910
    for rows in (240, 910):
        job = escpos_job(slip, fragment_rows=rows)
        assert max(job.fragment_rows) <= rows
        commands = parse_commands(job.to_bytes())
        decoded = raster_image(commands)
        assert _same(decoded, slip)
        assert [r.text for r in zxingcpp.read_barcodes(decoded.convert("L"))] == ["TP07-123456-0"]


def test_decoder_rejects_truncated_and_foreign_bytes() -> None:
    data = raster_to_escpos(Image.new("1", (8, 4), 0))
    with pytest.raises(EscposDecodeError, match="truncated"):
        parse_commands(data[:-5])
    with pytest.raises(EscposDecodeError, match="unexpected"):
        parse_commands(b"\x1b@Xin chao")


@settings(max_examples=40, deadline=None, database=None)
@given(
    width=st.integers(1, 576),
    height=st.integers(1, 1000),
    fragment_rows=st.integers(1, 910),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_image_round_trips_through_the_bytes(
    width: int, height: int, fragment_rows: int, seed: int
) -> None:
    noise = random.Random(seed).randbytes(width * height)
    img = Image.frombytes("L", (width, height), noise).point(lambda v: 255 if v > 127 else 0, "1")
    job = escpos_job(img, fragment_rows=fragment_rows)
    assert len(job.fragments) == -(-height // fragment_rows)
    decoded = raster_image(parse_commands(job.to_bytes()))
    assert decoded.size == ((width + 7) // 8 * 8, height)
    assert _same(decoded.crop((0, 0, width, height)), img)
    padding = decoded.crop((width, 0, decoded.width, height))
    assert padding.width == 0 or ImageOps.invert(padding.convert("L")).getbbox() is None
