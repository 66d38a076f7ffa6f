"""Slip rendering: 1-bit, exact width, Vietnamese glyphs, wrapping that never clips, scannable QR."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageFont, ImageOps

from devices.receipt.model import Receipt
from devices.receipt.render import DEFAULT_FONT, render_receipt, wrap_text

LONG = (
    "Đăng ký khai sinh kết hợp đăng ký thường trú và cấp thẻ bảo hiểm y tế cho trẻ em dưới "
    "sáu tuổi; mã hồ sơ điện tử 000.00.12.H56-261122-0001234567890123456789"
)


def _receipt(**changes: object) -> Receipt:
    base: dict[str, object] = {
        "header": ("ỦY BAN NHÂN DÂN XÃ ĐỒNG TÂM", "PHIẾU HẸN TRẢ KẾT QUẢ"),
        "rows": (("Người nộp", "Nguyễn Văn Ánh"), ("Thủ tục", LONG)),
        "big_text": "DT03-000777-1",
        "qr_text": "DT03-000777-1",
        "footer": ("Mang theo CCCD khi nhận kết quả.",),
    }
    base.update(changes)
    return Receipt(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("dot_width", [576, 384])
def test_slip_is_one_bit_at_dot_width_with_readable_qr(dot_width: int) -> None:
    img = render_receipt(_receipt(), dot_width)
    assert img.mode == "1"
    assert img.width == dot_width
    [code] = zxingcpp.read_barcodes(img.convert("L"))
    assert code.text == "DT03-000777-1"


def test_qr_modules_are_at_least_four_dots() -> None:
    img = render_receipt(_receipt(rows=(), big_text=None, header=(), footer=()))
    [code] = zxingcpp.read_barcodes(img.convert("L"))
    side = code.position.top_right.x - code.position.top_left.x
    modules = 21  # a 13-character code at level M fits version 1
    assert side / modules >= 4


def test_no_ink_touches_the_edges_even_for_long_unbreakable_words() -> None:
    word = "X" * 120
    img = render_receipt(_receipt(rows=(("Mã", word), (word, "Giá trị"))), 384)
    grey = img.convert("L")
    left = grey.crop((0, 0, 4, img.height))
    right = grey.crop((img.width - 4, 0, img.width, img.height))
    assert ImageOps.invert(left).getbbox() is None
    assert ImageOps.invert(right).getbbox() is None
    assert ImageOps.invert(grey).getbbox() is not None


def test_wrap_keeps_every_word_and_respects_width() -> None:
    font = ImageFont.truetype(str(DEFAULT_FONT), 24)
    lines = wrap_text(LONG, font, 300)
    assert len(lines) > 3
    assert all(font.getlength(line) <= 300 for line in lines)
    assert "".join(lines).replace(" ", "") == LONG.replace(" ", "")


def test_nfd_input_renders_like_nfc() -> None:
    import unicodedata

    name = "Nguyễn Thị Ánh"
    nfc = render_receipt(_receipt(rows=(("Họ tên", name),)))
    nfd = render_receipt(_receipt(rows=(("Họ tên", unicodedata.normalize("NFD", name)),)))
    assert nfc.tobytes() == nfd.tobytes()


def test_longer_content_makes_a_taller_slip() -> None:
    short = render_receipt(_receipt(rows=(("A", "B"),)))
    long = render_receipt(_receipt())
    assert long.height > short.height


def test_font_paths_are_parameters(tmp_path: Path) -> None:
    with pytest.raises(OSError, match=r"open|such"):
        render_receipt(_receipt(), font_path=tmp_path / "missing.ttf")


def test_qr_too_long_for_the_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="QR"):
        render_receipt(_receipt(qr_text="Đ" * 600), 384)


def test_diacritics_change_the_ink() -> None:
    plain = render_receipt(_receipt(rows=(("Ho ten", "Nguyen Van Anh"),), qr_text=None))
    marked = render_receipt(_receipt(rows=(("Họ tên", "Nguyễn Văn Ánh"),), qr_text=None))
    assert plain.size == marked.size
    assert plain.tobytes() != marked.tobytes()
    assert isinstance(marked, Image.Image)
