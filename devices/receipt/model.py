"""The slip's content, generic: the kiosk fills it, the device layer only lays it out.

A slip is either the simple form (header, label/value rows, a big code, a QR, a footer: the queue
ticket and the printer's test page) or an explicit list of ``blocks`` (the receiving slip), laid
out top to bottom in that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Style = Literal["title", "bold", "body", "big"]
Align = Literal["left", "centre"]


@dataclass(frozen=True)
class Line:
    """A paragraph, wrapped to the paper; ``big`` is the application code size."""

    text: str
    style: Style = "body"
    align: Align = "left"


@dataclass(frozen=True)
class Row:
    """Label on the left, value on the right (bold unless told); ``large`` makes the value big;
    ``stacked`` puts the value under the label, across the paper (long labels and values)."""

    label: str
    value: str
    bold: bool = True
    large: bool = False
    stacked: bool = False


@dataclass(frozen=True)
class Rule:
    """A dashed separator."""


@dataclass(frozen=True)
class Qr:
    text: str


Block = Line | Row | Rule | Qr


@dataclass(frozen=True)
class Receipt:
    """A slip: centred header lines, label/value rows, an optional big code, QR and footer.

    When ``blocks`` is given, it is the whole slip and the other fields are ignored.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]
    big_text: str | None
    qr_text: str | None
    footer: tuple[str, ...]
    blocks: tuple[Block, ...] = ()

    def as_blocks(self) -> tuple[Block, ...]:
        if self.blocks:
            return self.blocks
        out: list[Block] = [Line(h, "title", "centre") for h in self.header]
        out.append(Rule())
        out.extend(Row(label, value) for label, value in self.rows)
        if self.big_text:
            out += [Rule(), Line(self.big_text, "big", "centre")]
        if self.qr_text:
            out.append(Qr(self.qr_text))
        if self.footer:
            out.append(Rule())
            out.extend(Line(f, "body", "centre") for f in self.footer)
        return tuple(out)
