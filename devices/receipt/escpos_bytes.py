"""Turn a raster slip into ESC/POS bytes with python-escpos, pure and byte-testable.

python-escpos 3.1 pitfalls decided the choices here: the ``graphics`` method writes a wrong
length for full-width chunks taller than 910 rows, so we use ``bitImageRaster`` (GS v 0) and
cut the slip into fragments ourselves; ``cut()`` emits nothing when the profile has no
cutter, so the default profile is a 576-dot printer with one. Keeping fragments apart also lets
a transport send them one by one and notice a failure mid-slip.
"""

from __future__ import annotations

from dataclasses import dataclass

from escpos.printer import Dummy
from PIL import Image

DEFAULT_PROFILE = "TM-T20II"
DEFAULT_FRAGMENT_ROWS = 240
MAX_FRAGMENT_ROWS = 910


@dataclass(frozen=True)
class EscposJob:
    """A slip as separately sendable parts: init, raster fragments in order, and the tail."""

    init: bytes
    fragments: tuple[bytes, ...]
    fragment_rows: tuple[int, ...]
    tail: bytes

    def to_bytes(self) -> bytes:
        return self.init + b"".join(self.fragments) + self.tail


def _check_profile(printer: Dummy, img: Image.Image, profile: str, cut: bool) -> None:
    pixels = printer.profile.profile_data["media"]["width"]["pixels"]
    if isinstance(pixels, int) and img.width > pixels:
        raise ValueError(f"image is {img.width} dots wide; profile {profile} prints {pixels}")
    if cut and not (printer.profile.supports("paperFullCut") or printer.profile.supports("paperPartCut")):
        raise ValueError(f"profile {profile} has no cutter; cut=True would send nothing")


def escpos_job(
    img: Image.Image,
    *,
    cut: bool = True,
    profile: str = DEFAULT_PROFILE,
    fragment_rows: int = DEFAULT_FRAGMENT_ROWS,
) -> EscposJob:
    """Encode ``img`` (any mode; dark pixels print) as init + GS v 0 fragments + feed/cut."""
    if not 1 <= fragment_rows <= MAX_FRAGMENT_ROWS:
        raise ValueError(f"fragment_rows must be 1..{MAX_FRAGMENT_ROWS}, got {fragment_rows}")
    printer = Dummy(profile=profile)
    _check_profile(printer, img, profile, cut)
    printer.hw("INIT")
    init: bytes = printer.output
    printer.clear()
    fragments: list[bytes] = []
    rows: list[int] = []
    for top in range(0, img.height, fragment_rows):
        bottom = min(top + fragment_rows, img.height)
        printer.image(
            img.crop((0, top, img.width, bottom)),
            impl="bitImageRaster",
            fragment_height=fragment_rows,
            center=False,
        )
        fragments.append(printer.output)
        rows.append(bottom - top)
        printer.clear()
    if cut:
        printer.cut()
    else:
        printer.print_and_feed(6)
    tail: bytes = printer.output
    return EscposJob(init, tuple(fragments), tuple(rows), tail)


def raster_to_escpos(
    img: Image.Image,
    *,
    cut: bool = True,
    profile: str = DEFAULT_PROFILE,
    fragment_rows: int = DEFAULT_FRAGMENT_ROWS,
) -> bytes:
    """The whole slip as the exact bytes a printer receives."""
    return escpos_job(img, cut=cut, profile=profile, fragment_rows=fragment_rows).to_bytes()
