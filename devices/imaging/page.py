"""What the imaging pipeline says about one scanned page."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PIL import Image


class PageKind(StrEnum):
    """How a page is stored: bilevel (CCITT G4) unless it carries colour or a photo."""

    BILEVEL = "bilevel"
    GREY = "grey"
    COLOUR = "colour"


class PageWarning(StrEnum):
    """Things the citizen can fix by scanning again."""

    BLURRY = "blurry"
    BLANK = "blank"  # no ink: the sheet was likely put in the wrong way up


@dataclass(frozen=True)
class ProcessedPage:
    """A deskewed, cropped page ready for the PDF.

    ``image`` is mode "1" for BILEVEL, "L" for GREY and "RGB" for COLOUR, at ``dpi``.
    """

    image: Image.Image
    kind: PageKind
    dpi: int
    warnings: frozenset[PageWarning] = frozenset()
    skew_deg: float = 0.0
    sharpness: float = 0.0
