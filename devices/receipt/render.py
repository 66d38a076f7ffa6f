"""Render a slip as a 1-bit raster image.

Vietnamese code pages on ESC/POS printers are unreliable, so the slip is drawn with a real
Vietnamese TTF at the printer's dot width and printed as an image. Text is wrapped (breaking
inside over-long words if it must) so that nothing is ever clipped.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from devices.fonts import BOLD_FONT, REGULAR_FONT
from devices.receipt.model import Receipt
from devices.receipt.qr_image import qr_image, qr_modules

DEFAULT_FONT = REGULAR_FONT
DEFAULT_BOLD_FONT = BOLD_FONT
MIN_QR_MODULE_DOTS = 4
MAX_QR_MODULE_DOTS = 8
_THRESHOLD = 140


@lru_cache(maxsize=32)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _fits(text: str, font: ImageFont.FreeTypeFont, width: int) -> bool:
    return font.getlength(text) <= width


def _break_word(word: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Split a word that is wider than the line into pieces that fit (a long code or e-mail)."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and not _fits(piece + char, font, width):
            pieces.append(piece)
            piece = char
        else:
            piece += char
    if piece:
        pieces.append(piece)
    return pieces


def wrap_text(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap that never returns a line wider than ``width`` (except a lone glyph)."""
    lines: list[str] = []
    for paragraph in _nfc(text).splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if _fits(candidate, font, width):
                line = candidate
                continue
            if line:
                lines.append(line)
            pieces = _break_word(word, font, width)
            lines.extend(pieces[:-1])
            line = pieces[-1]
        lines.append(line)
    return lines


class _Canvas:
    """Stacks blocks vertically; the final height is only known once everything is laid out."""

    def __init__(self, width: int, margin: int) -> None:
        self.width = width
        self.margin = margin
        self.inner = width - 2 * margin
        self._blocks: list[Image.Image] = []

    def text_block(
        self, lines: list[str], font: ImageFont.FreeTypeFont, *, centre: bool, x0: int = 0
    ) -> Image.Image:
        ascent, descent = font.getmetrics()
        line_h = ascent + descent + max(2, ascent // 6)
        block = Image.new("L", (self.width, line_h * len(lines) + 2), 255)
        draw = ImageDraw.Draw(block)
        for i, line in enumerate(lines):
            y = 1 + i * line_h
            if centre:
                draw.text((self.width // 2, y), line, font=font, fill=0, anchor="ma")
            else:
                draw.text((self.margin + x0, y), line, font=font, fill=0, anchor="la")
        return block

    def add(self, block: Image.Image) -> None:
        self._blocks.append(block)

    def gap(self, dots: int) -> None:
        self._blocks.append(Image.new("L", (self.width, dots), 255))

    def rule(self, dots: int) -> None:
        block = Image.new("L", (self.width, dots), 255)
        draw = ImageDraw.Draw(block)
        y = dots // 2
        for x in range(self.margin, self.width - self.margin, 12):
            draw.line((x, y, min(x + 6, self.width - self.margin), y), fill=0, width=2)
        self._blocks.append(block)

    def image(self) -> Image.Image:
        height = sum(b.height for b in self._blocks)
        out = Image.new("L", (self.width, height), 255)
        y = 0
        for block in self._blocks:
            out.paste(block, (0, y))
            y += block.height
        return out.point(lambda v: 255 if v > _THRESHOLD else 0, mode="1")


def _big_text_font(text: str, bold: Path, width: int, start: int) -> ImageFont.FreeTypeFont:
    """The largest bold size (down to a floor) at which the code fits on one line."""
    size = start
    floor = max(12, start // 3)
    while size > floor and not _fits(text, _font(bold, size), width):
        size -= 2
    return _font(bold, size)


def render_receipt(
    r: Receipt,
    dot_width: int = 576,
    font_path: Path | None = None,
    *,
    bold_font_path: Path | None = None,
) -> Image.Image:
    """Lay the slip out at ``dot_width`` dots and return a "1" image (black = 0).

    Sizes scale with the dot width so a 58 mm (384-dot) slip keeps the same proportions as an
    80 mm (576-dot) one.
    """
    regular_path = font_path or DEFAULT_FONT
    bold_path = bold_font_path or (DEFAULT_BOLD_FONT if font_path is None else font_path)
    scale = dot_width / 576
    body = _font(regular_path, max(12, round(24 * scale)))
    body_bold = _font(bold_path, max(12, round(24 * scale)))
    heading = _font(bold_path, max(14, round(28 * scale)))
    small = _font(regular_path, max(11, round(20 * scale)))
    canvas = _Canvas(dot_width, margin=max(8, round(16 * scale)))
    pad = max(6, round(12 * scale))

    canvas.gap(pad)
    for line in r.header:
        canvas.add(canvas.text_block(wrap_text(line, heading, canvas.inner), heading, centre=True))
    canvas.rule(pad * 2)

    label_w = canvas.inner * 2 // 5
    value_x = label_w + pad
    for label, value in r.rows:
        labels = wrap_text(label, body, label_w)
        values = wrap_text(value, body_bold, canvas.inner - value_x)
        left = canvas.text_block(labels, body, centre=False)
        right = canvas.text_block(values, body_bold, centre=False, x0=value_x)
        row = Image.new("L", (dot_width, max(left.height, right.height)), 255)
        row.paste(left, (0, 0))
        row.paste(
            right.crop((canvas.margin + value_x, 0, dot_width, right.height)), (canvas.margin + value_x, 0)
        )
        canvas.add(row)

    if r.big_text:
        canvas.rule(pad * 2)
        big = _big_text_font(_nfc(r.big_text), bold_path, canvas.inner, round(72 * scale))
        canvas.add(canvas.text_block(wrap_text(r.big_text, big, canvas.inner), big, centre=True))

    if r.qr_text:
        canvas.gap(pad)
        modules = qr_modules(r.qr_text) + 8
        module_dots = min(MAX_QR_MODULE_DOTS, canvas.inner // modules)
        if module_dots < MIN_QR_MODULE_DOTS:
            raise ValueError(f"QR text too long to print scannably at {dot_width} dots ({modules} modules)")
        code = qr_image(r.qr_text, module_dots=module_dots).convert("L")
        block = Image.new("L", (dot_width, code.height), 255)
        block.paste(code, ((dot_width - code.width) // 2, 0))
        canvas.add(block)

    if r.footer:
        canvas.rule(pad * 2)
        for line in r.footer:
            canvas.add(canvas.text_block(wrap_text(line, small, canvas.inner), small, centre=True))
    canvas.gap(pad * 2)
    return canvas.image()
