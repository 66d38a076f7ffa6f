"""Render a slip as a 1-bit raster image.

Vietnamese code pages on ESC/POS printers are unreliable, so the slip is drawn with a real
Vietnamese TTF at the printer's dot width and printed as an image. Text is wrapped (breaking
inside over-long words if it must) so that nothing is ever clipped.

Sizes are in printer dots at 8 dots/mm (203 dpi: both 58 mm and 80 mm thermal printers), so a
letter is the same size on either paper: body text has a cap height of at least 2.5 mm. Titles,
values and the code are printed with the bold face of the same family (``NotoSans-Bold`` next to
``NotoSans-Regular``), found next to the regular font unless given.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from devices.fonts import BOLD_FONT, REGULAR_FONT
from devices.receipt.model import Block, Line, Qr, Receipt, Row, Rule
from devices.receipt.qr_image import qr_image, qr_modules

DEFAULT_FONT = REGULAR_FONT
DEFAULT_BOLD_FONT = BOLD_FONT
MIN_QR_MODULE_DOTS = 4
MAX_QR_MODULE_DOTS = 8
_THRESHOLD = 140
DOTS_PER_MM = 8
CAP_HEIGHT_EM = 0.714  # Noto Sans: cap height / em
MIN_CAP_MM = 2.5
BODY_PX = 30  # cap 21.4 dots = 2.68 mm
TITLE_PX = 36
BIG_PX = 72


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
    floor = max(BODY_PX, start // 3)
    while size > floor and not _fits(text, _font(bold, size), width):
        size -= 2
    return _font(bold, size)


def bold_font_for(regular: Path) -> Path:
    """The bold face next to ``regular`` (``*-Regular.ttf`` -> ``*-Bold.ttf``), else Noto Sans Bold.

    Only when neither exists does bold text fall back to the regular face.
    """
    if "Regular" in regular.name:
        sibling = regular.with_name(regular.name.replace("Regular", "Bold"))
        if sibling.is_file():
            return sibling
    return DEFAULT_BOLD_FONT if DEFAULT_BOLD_FONT.is_file() else regular


class _Fonts:
    def __init__(self, regular: Path, bold: Path) -> None:
        self.body = _font(regular, BODY_PX)
        self.bold = _font(bold, BODY_PX)
        self.title = _font(bold, TITLE_PX)
        self.large = _font(bold, round(BODY_PX * 1.4))
        self.bold_path = bold

    def of(self, style: str) -> ImageFont.FreeTypeFont:
        return {"title": self.title, "bold": self.bold, "body": self.body}[style]


def _row(canvas: _Canvas, fonts: _Fonts, row: Row, pad: int) -> Image.Image:
    value_font = fonts.large if row.large else (fonts.bold if row.bold else fonts.body)
    if row.stacked:
        top = canvas.text_block(wrap_text(row.label, fonts.body, canvas.inner), fonts.body, centre=False)
        below = canvas.text_block(wrap_text(row.value, value_font, canvas.inner), value_font,
                                  centre=False)
        out = Image.new("L", (canvas.width, top.height + below.height), 255)
        out.paste(top, (0, 0))
        out.paste(below, (0, top.height))
        return out
    label_w = canvas.inner * 2 // 5
    value_x = label_w + pad
    labels = wrap_text(row.label, fonts.body, label_w)
    values = wrap_text(row.value, value_font, canvas.inner - value_x)
    left = canvas.text_block(labels, fonts.body, centre=False)
    right = canvas.text_block(values, value_font, centre=False, x0=value_x)
    out = Image.new("L", (canvas.width, max(left.height, right.height)), 255)
    out.paste(left, (0, 0))
    x = canvas.margin + value_x
    out.paste(right.crop((x, 0, canvas.width, right.height)), (x, 0))
    return out


def _qr(canvas: _Canvas, text: str) -> Image.Image:
    modules = qr_modules(text) + 8
    module_dots = min(MAX_QR_MODULE_DOTS, canvas.inner // modules)
    if module_dots < MIN_QR_MODULE_DOTS:
        raise ValueError(f"QR text too long to print scannably at {canvas.width} dots ({modules} modules)")
    code = qr_image(text, module_dots=module_dots).convert("L")
    block = Image.new("L", (canvas.width, code.height), 255)
    block.paste(code, ((canvas.width - code.width) // 2, 0))
    return block


def _add(canvas: _Canvas, fonts: _Fonts, block: Block, pad: int) -> None:
    match block:
        case Rule():
            canvas.rule(pad * 2)
        case Qr(text=text):
            canvas.gap(pad)
            canvas.add(_qr(canvas, text))
            canvas.gap(pad)
        case Row():
            canvas.add(_row(canvas, fonts, block, pad))
        case Line(text=text, style="big"):
            big = _big_text_font(_nfc(text), fonts.bold_path, canvas.inner, BIG_PX)
            canvas.add(canvas.text_block(wrap_text(text, big, canvas.inner), big, centre=True))
        case Line(text=text, style=style, align=align):
            font = fonts.of(style)
            canvas.add(canvas.text_block(wrap_text(text, font, canvas.inner), font,
                                         centre=align == "centre"))


def render_receipt(
    r: Receipt,
    dot_width: int = 576,
    font_path: Path | None = None,
    *,
    bold_font_path: Path | None = None,
) -> Image.Image:
    """Lay the slip out at ``dot_width`` dots and return a "1" image (black = 0)."""
    regular_path = font_path or DEFAULT_FONT
    fonts = _Fonts(regular_path, bold_font_path or bold_font_for(regular_path))
    canvas = _Canvas(dot_width, margin=max(8, round(2 * DOTS_PER_MM)))
    pad = round(1.5 * DOTS_PER_MM)
    canvas.gap(pad)
    for block in r.as_blocks():
        _add(canvas, fonts, block, pad)
    canvas.gap(pad * 2)
    return canvas.image()
