"""Realistic A4 pages for the simulated scanner, benchmarks and demos.

Pages carry Vietnamese text with diacritics in a real font, form lines and optionally a red
round seal, so imaging code (bilevel vs colour fallback, blank-page detection) meets what a
commune office really scans.
"""

from __future__ import annotations

import math
import random
import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from devices.fonts import BOLD_FONT, REGULAR_FONT

DEFAULT_FONT = REGULAR_FONT
DEFAULT_BOLD_FONT = BOLD_FONT
A4_MM = (210.0, 297.0)
SEAL_RED = (200, 30, 35)

_WORDS = [
    "cộng",
    "hòa",
    "xã",
    "hội",
    "chủ",
    "nghĩa",
    "việt",
    "nam",
    "độc",
    "lập",
    "tự",
    "do",
    "hạnh",
    "phúc",
    "giấy",
    "khai",
    "sinh",
    "họ",
    "tên",
    "ngày",
    "tháng",
    "năm",
    "sinh",
    "nơi",
    "cư",
    "trú",
    "quốc",
    "tịch",
    "dân",
    "tộc",
    "người",
    "yêu",
    "cầu",
    "cấp",
    "bản",
    "sao",
    "trích",
    "lục",
    "ủy",
    "ban",
    "nhân",
    "dân",
    "xã",
    "phường",
    "thị",
    "trấn",
    "huyện",
    "tỉnh",
    "thành",
    "phố",
    "đăng",
    "ký",
    "hộ",
    "tịch",
    "kết",
    "hôn",
    "xác",
    "nhận",
    "tình",
    "trạng",
    "hôn",
    "nhân",
    "công",
    "dân",
    "căn",
    "cước",
    "số",
    "định",
    "danh",
    "cá",
    "nhân",
    "chứng",
    "thực",
    "chữ",
    "ký",
    "thường",
    "trú",
    "tạm",
    "trú",
    "người",
    "làm",
    "chứng",
    "quan",
    "hệ",
    "với",
    "người",
    "được",
    "khai",
    "sinh",
    "cha",
    "mẹ",
    "con",
]


@lru_cache(maxsize=16)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 14))]
    return unicodedata.normalize("NFC", " ".join(words).capitalize() + ".")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _draw_seal(page: Image.Image, centre: tuple[int, int], radius: int, font_path: Path) -> None:
    """A round red seal with a star and ring text, drawn semi-transparent over the page."""
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    colour = (*SEAL_RED, 190)
    cx, cy = centre
    width = max(2, radius // 18)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=colour, width=width)
    inner = int(radius * 0.72)
    draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), outline=colour, width=width // 2 + 1)
    star = [
        (
            cx + (inner * 0.45 if i % 2 == 0 else inner * 0.18) * math.cos(math.pi / 2 + i * math.pi / 5),
            cy - (inner * 0.45 if i % 2 == 0 else inner * 0.18) * math.sin(math.pi / 2 + i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=colour)
    font = _font(font_path, max(8, radius // 7))
    text = "ỦY BAN NHÂN DÂN XÃ * "
    ring = (radius + inner) / 2
    for i, char in enumerate(text * 2):
        angle = math.pi + i * 2 * math.pi / (len(text) * 2)
        x = cx + ring * math.cos(angle)
        y = cy + ring * math.sin(angle)
        draw.text((x, y), char, font=font, fill=colour, anchor="mm")
    page.paste(Image.alpha_composite(page.convert("RGBA"), layer).convert("RGB"))


def make_sample_page(
    title: str,
    seed: int,
    with_seal: bool = False,
    *,
    dpi: int = 200,
    font_path: Path = DEFAULT_FONT,
    bold_font_path: Path = DEFAULT_BOLD_FONT,
) -> Image.Image:
    """An RGB A4 page at ``dpi``: national motto, title, seeded paragraphs, form lines."""
    width = round(A4_MM[0] / 25.4 * dpi)
    height = round(A4_MM[1] / 25.4 * dpi)
    rng = random.Random(seed)
    page = Image.new("RGB", (width, height), (252, 251, 247))
    draw = ImageDraw.Draw(page)
    margin = round(20 / 25.4 * dpi)
    text_w = width - 2 * margin
    pt = dpi / 72
    body = _font(font_path, round(11 * pt))
    bold = _font(bold_font_path, round(12 * pt))
    big = _font(bold_font_path, round(16 * pt))
    ink = (20, 20, 28)
    y = margin
    for line, font in (
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold),
        ("Độc lập - Tự do - Hạnh phúc", bold),
    ):
        draw.text((width // 2, y), line, font=font, fill=ink, anchor="ma")
        y += round(18 * pt)
    y += round(14 * pt)
    for line in _wrap(draw, unicodedata.normalize("NFC", title.upper()), big, text_w):
        draw.text((width // 2, y), line, font=big, fill=ink, anchor="ma")
        y += round(24 * pt)
    y += round(10 * pt)
    line_h = round(16 * pt)
    for _ in range(rng.randint(3, 5)):
        paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
        for line in _wrap(draw, paragraph, body, text_w):
            draw.text((margin, y), line, font=body, fill=ink)
            y += line_h
        y += line_h // 2
    for _ in range(rng.randint(4, 7)):
        label = unicodedata.normalize("NFC", rng.choice(_WORDS).capitalize() + ":")
        draw.text((margin, y), label, font=body, fill=ink)
        start = margin + round(draw.textlength(label, font=body)) + round(4 * pt)
        for x in range(start, width - margin, round(5 * pt)):
            draw.line((x, y + line_h - 4, x + round(2 * pt), y + line_h - 4), fill=ink, width=1)
        y += round(line_h * 1.4)
    sign_x = width - margin - text_w // 3
    y = max(y + line_h, height - margin - round(140 * pt))
    draw.text((sign_x, y), "NGƯỜI KÝ", font=bold, fill=ink, anchor="ma")
    if with_seal:
        _draw_seal(page, (sign_x - round(30 * pt), y + round(60 * pt)), round(45 * pt), font_path)
    return page
