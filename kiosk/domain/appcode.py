"""Human-friendly application codes, made offline: kiosk prefix, sequence, check digit.

"K07-000123-4" is read aloud, typed on a keypad at the status screen and copied by hand from a
slip. The check digit (Damm's algorithm) catches every single-digit mistake and every swap of two
adjacent digits, so a mistyped code is refused instead of showing someone else's application.
"""

import re
from dataclasses import dataclass
from typing import Final

SEQ_WIDTH: Final = 6
_PREFIX_RE: Final = re.compile(r"[A-Z][A-Z0-9]{0,7}")
SEQ_MAX_DIGITS: Final = 12
# ASCII digits only (`\d` also matches "٠١٢" and every other script's digits), and a bounded
# length: a code of thousands of digits is not a code (and int() refuses over 4 300 digits).
_CODE_RE: Final = re.compile(rf"([A-Z][A-Z0-9]{{0,7}})-([0-9]{{{SEQ_WIDTH},{SEQ_MAX_DIGITS}}})-([0-9])")

# The quasigroup of order 10 from H. M. Damm's thesis (2004): weakly totally anti-symmetric,
# which is what makes adjacent transpositions detectable; its diagonal is zero.
_DAMM: Final = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


@dataclass(frozen=True)
class AppCode:
    """A parsed application code."""

    kiosk_prefix: str
    seq: int
    check: int

    def __str__(self) -> str:
        return f"{self.kiosk_prefix}-{self.seq:0{SEQ_WIDTH}d}-{self.check}"


def damm_check_digit(digits: str) -> int:
    """The digit that, appended to `digits`, makes the Damm interim digit zero."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return interim


def _digits_of(prefix: str, seq_text: str) -> str:
    """The digit string the check covers: prefix letters as two digits each (A=10...Z=35)."""
    return "".join(str(int(ch, 36)) for ch in prefix) + seq_text


def application_code(kiosk_prefix: str, seq: int) -> str:
    """The code of this kiosk's `seq`-th application (`kiosk_prefix` like "K07", seq from 1)."""
    if not _PREFIX_RE.fullmatch(kiosk_prefix):
        raise ValueError(f"kiosk prefix {kiosk_prefix!r} must be a capital letter then up to 7 A-Z/0-9")
    if seq < 1:
        raise ValueError(f"sequence numbers start at 1, got {seq}")
    seq_text = f"{seq:0{SEQ_WIDTH}d}"
    return f"{kiosk_prefix}-{seq_text}-{damm_check_digit(_digits_of(kiosk_prefix, seq_text))}"


def normalise_code(text: str) -> str:
    """A code as typed or scanned (any case, spaces, dots) in its printed form."""
    cleaned = re.sub(r"[\s.]+", "", text).upper()
    return cleaned.replace("_", "-").replace("–", "-")  # an en dash typed for a dash


def parse_code(text: str) -> AppCode | None:
    """The code's parts, or None when it is malformed or its check digit is wrong."""
    match = _CODE_RE.fullmatch(normalise_code(text))
    if match is None:
        return None
    prefix, seq_text, check = match.groups()
    if damm_check_digit(_digits_of(prefix, seq_text) + check) != 0 or int(seq_text) < 1:
        return None
    return AppCode(kiosk_prefix=prefix, seq=int(seq_text), check=int(check))


def is_valid_code(code: str) -> bool:
    """Whether `code` is well formed with a correct check digit."""
    return parse_code(code) is not None
