"""A typed or scanned application code is ASCII digits of a bounded length (issue 10 item 12).

`\\d` in the code pattern matched Arabic-Indic and other scripts' digits, so "K01-٠٠٠٠٠١-٩" was
read as K01-000001-9; and a code of thousands of digits with a right check digit raised
Python's int-conversion ValueError out of the lookup instead of being refused.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.appcode import application_code, damm_check_digit, parse_code
from kiosk.domain.lookup_code import parse_lookup_text

_FOREIGN_DIGITS = ("٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "๐๑๒๓๔๕๖๗๘๙", "０１２３４５６７８９")


@pytest.mark.parametrize("digits", _FOREIGN_DIGITS)
def test_a_code_written_in_other_digits_is_refused(digits: str) -> None:
    prefix, seq, check = application_code("K01", 1).split("-")
    table = str.maketrans("0123456789", digits)
    foreign = f"{prefix}-{seq.translate(table)}-{check.translate(table)}"
    assert parse_code(foreign) is None
    assert parse_lookup_text(foreign) is None
    assert parse_lookup_text(f"DVCK1:{foreign}:abcdef") is None


def test_a_code_of_thousands_of_digits_is_refused_not_raised() -> None:
    seq = "1" * 5000
    check = damm_check_digit("2001" + seq)  # K=20, then "01"
    assert parse_code(f"K01-{seq}-{check}") is None


def test_the_longest_accepted_sequence_still_reads() -> None:
    code = application_code("K01", 999_999_999_999)
    parsed = parse_code(code)
    assert parsed is not None
    assert parsed.seq == 999_999_999_999


@given(st.text(max_size=80))
def test_any_text_is_a_code_or_none(text: str) -> None:
    parsed = parse_code(text)
    if parsed is not None:
        assert str(parsed).isascii()
        assert parse_code(str(parsed)) == parsed
