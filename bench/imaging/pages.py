"""Seeded A4 pages for the imaging benchmark: dense Vietnamese text, some with a red seal.

Denser than the simulator's sample pages on purpose: a full page of 11 pt text is the worst case
for the bilevel byte budget.
"""

from __future__ import annotations

import math
import random
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
BOLD = Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf")
PAPER = (250, 249, 244)
INK = (25, 25, 30)
SEAL = (205, 35, 40)

_TEXT = (
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014, Ủy ban nhân dân xã đã tiếp nhận hồ sơ "
    "đăng ký khai sinh của công dân. Người yêu cầu đăng ký khai sinh nộp tờ khai theo mẫu, "
    "giấy chứng sinh hoặc văn bản của người làm chứng xác nhận về việc sinh. Trường hợp không "
    "có người làm chứng thì phải có giấy cam đoan về việc sinh. Công chức tư pháp hộ tịch kiểm "
    "tra, ghi nội dung khai sinh vào Sổ hộ tịch, cập nhật vào Cơ sở dữ liệu hộ tịch điện tử và "
    "Cơ sở dữ liệu quốc gia về dân cư để lấy số định danh cá nhân. Họ và tên người được khai "
    "sinh: Nguyễn Thị Hương; ngày, tháng, năm sinh: mười lăm tháng tám năm hai nghìn hai mươi "
    "lăm; nơi sinh: Trạm y tế xã Phước Hưng, huyện Tuy Phước, tỉnh Bình Định; giới tính: Nữ; "
    "dân tộc: Kinh; quốc tịch: Việt Nam. Họ và tên người cha: Nguyễn Văn Đức; người mẹ: Trần "
    "Thị Ánh Tuyết; nơi cư trú: thôn Lộc Thượng, xã Phước Hưng. Tôi cam đoan nội dung khai "
    "trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan của mình."
)


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _lines(
    draw: ImageDraw.ImageDraw, words: list[str], font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines, line = [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def text_page(seed: int, *, with_seal: bool = False, with_photo: bool = False, dpi: int = 200) -> Image.Image:
    """A full A4 page of 11 pt Vietnamese text (NFC) at ``dpi``, with a 3x4 cm grey portrait
    in the top right corner when ``with_photo`` (as on a CV or an application form)."""
    rng = random.Random(seed)
    w, h = round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
    page = Image.new("RGB", (w, h), PAPER)
    draw = ImageDraw.Draw(page)
    pt = dpi / 72
    margin = round(20 / 25.4 * dpi)
    body, bold = _font(FONT, round(11 * pt)), _font(BOLD, round(13 * pt))
    y = margin
    for line in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    ):
        draw.text((w // 2, y), unicodedata.normalize("NFC", line), font=bold, fill=INK, anchor="ma")
        y += round(20 * pt)
    if with_photo:
        photo = _portrait(seed, round(30 / 25.4 * dpi), round(40 / 25.4 * dpi))
        page.paste(photo, (w - margin - photo.width, y))
        y += photo.height + round(10 * pt)
    words = unicodedata.normalize("NFC", _TEXT).split()
    bottom = h - margin - (round(120 * pt) if with_seal else 0)
    while y < bottom - round(16 * pt):
        start = rng.randrange(len(words))
        paragraph = (words[start:] + words[:start])[: rng.randint(40, 110)]
        for line in _lines(draw, paragraph, body, w - 2 * margin):
            if y >= bottom - round(16 * pt):
                break
            draw.text((margin, y), line, font=body, fill=INK)
            y += round(15.5 * pt)
        y += round(6 * pt)
    if with_seal:
        _seal(page, (w - margin - round(110 * pt), h - margin - round(60 * pt)), round(48 * pt))
        draw.text(
            (w - margin - round(110 * pt), h - margin - round(20 * pt)),
            "Nguyễn Văn Bình",
            font=bold,
            fill=INK,
            anchor="ma",
        )
    return page


def _seal(page: Image.Image, centre: tuple[int, int], radius: int) -> None:
    """A red round seal with ring text and a star, laid over the signature like real ink."""
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    colour = (*SEAL, 200)
    cx, cy = centre
    draw.ellipse(
        (cx - radius, cy - radius, cx + radius, cy + radius), outline=colour, width=max(3, radius // 16)
    )
    inner = int(radius * 0.7)
    draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), outline=colour, width=3)
    star = [
        (
            cx + (inner * (0.5 if i % 2 == 0 else 0.2)) * math.cos(math.pi / 2 + i * math.pi / 5),
            cy - (inner * (0.5 if i % 2 == 0 else 0.2)) * math.sin(math.pi / 2 + i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=colour)
    font = _font(BOLD, max(8, radius // 6))
    text = unicodedata.normalize("NFC", "ỦY BAN NHÂN DÂN XÃ PHƯỚC HƯNG * ")
    ring = (radius + inner) / 2
    for i, char in enumerate(text):
        angle = math.pi + i * 2 * math.pi / len(text)
        draw.text(
            (cx + ring * math.cos(angle), cy + ring * math.sin(angle)),
            char,
            font=font,
            fill=colour,
            anchor="mm",
        )
    page.paste(Image.alpha_composite(page.convert("RGBA"), layer).convert("RGB"))


def _portrait(seed: int, width: int, height: int) -> Image.Image:
    """A grey head-and-shoulders silhouette on a light backdrop, with photo grain."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    backdrop = 200 - 40 * yy / height
    face = ((xx - width / 2) / (width * 0.28)) ** 2 + ((yy - height * 0.38) / (height * 0.25)) ** 2
    body = (yy > height * 0.68) & (np.abs(xx - width / 2) < width * (0.2 + (yy / height - 0.68)))
    img = np.where(face < 1, 150 - 30 * face, backdrop)
    img = np.where(body, 70 + 20 * np.sin(xx / 7), img)
    img += rng.normal(0, 6, img.shape)
    grey = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "L")
    return grey.convert("RGB")
