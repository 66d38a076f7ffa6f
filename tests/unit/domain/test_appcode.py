"""Application codes: format, parsing, and the check digit's guarantees checked exhaustively."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.appcode import (
    AppCode,
    application_code,
    damm_check_digit,
    is_valid_code,
    parse_code,
)


def test_code_format() -> None:
    code = application_code("K07", 123)
    assert code.startswith("K07-000123-")
    assert len(code) == len("K07-000123-4")
    assert parse_code(code) == AppCode("K07", 123, int(code[-1]))
    assert str(parse_code(code)) == code


def test_large_sequences_grow_instead_of_wrapping() -> None:
    code = application_code("K07", 12_345_678)
    assert code.startswith("K07-12345678-")
    assert is_valid_code(code)


@pytest.mark.parametrize("prefix", ["", "k07", "K-7", "7K", "KIOSK0123"])
def test_bad_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        application_code(prefix, 1)


def test_sequence_starts_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        application_code("K07", 0)


def test_typed_variants_are_accepted() -> None:
    code = application_code("K07", 42)
    assert is_valid_code(code.lower())
    assert is_valid_code(" " + code.replace("-", " - ") + " ")
    assert is_valid_code(code.replace("-", "–"))  # an en dash, as some keyboards type


@pytest.mark.parametrize("text", ["", "K07", "K07-000123", "K07-123-4", "K07-000123-45", "K07-000000-0"])
def test_malformed_codes_are_invalid(text: str) -> None:
    assert not is_valid_code(text)


def test_damm_reference_value() -> None:
    # The worked example from the algorithm's description: 572 -> check digit 4.
    assert damm_check_digit("572") == 4
    assert damm_check_digit("5724") == 0


def test_every_single_digit_error_is_caught() -> None:
    """Sequences 1..999 at one prefix, every digit position, every wrong digit."""
    for seq in range(1, 1_000):
        code = application_code("K07", seq)
        for position, original in enumerate(code):
            if not original.isdigit():
                continue
            for digit in "0123456789":
                if digit != original:
                    typo = code[:position] + digit + code[position + 1 :]
                    assert not is_valid_code(typo), (code, typo)


def test_every_adjacent_transposition_is_caught() -> None:
    for seq in range(1, 1_000):
        code = application_code("K07", seq)
        for position in range(len(code) - 1):
            a, b = code[position], code[position + 1]
            if a != b and a.isdigit() and b.isdigit():
                swapped = code[:position] + b + a + code[position + 2 :]
                assert not is_valid_code(swapped), (code, swapped)


def test_the_table_guarantees_both_properties_for_any_length() -> None:
    """Exhaustive over the table, hence over every code of every length.

    Rows and columns are permutations (a Latin square), so one changed digit changes every later
    interim digit; and T[T[c][x]][y] != T[T[c][y]][x] for x != y, so a swap of neighbours does too.
    """
    digits = range(10)
    for c in digits:
        assert sorted(int(damm_check_digit(f"{_prefix_for(c)}{x}")) for x in digits) == list(digits)
    for c, x, y in itertools.product(digits, digits, digits):
        if x != y:
            assert damm_check_digit(f"{_prefix_for(c)}{x}{y}") != damm_check_digit(f"{_prefix_for(c)}{y}{x}")
    for d in digits:
        column = [damm_check_digit(f"{_prefix_for(c)}{d}") for c in digits]
        assert sorted(column) == list(digits)


def _prefix_for(interim: int) -> str:
    """A one-digit string whose Damm interim digit is `interim` (row 0 is a permutation)."""
    return next(str(x) for x in range(10) if damm_check_digit(str(x)) == interim)


def test_single_errors_in_any_digit_string_are_caught() -> None:
    """Directly, over every 3-digit body: no single substitution keeps the check."""
    for body in map("".join, itertools.product("0123456789", repeat=3)):
        full = body + str(damm_check_digit(body))
        for position, original in enumerate(full):
            for digit in "0123456789":
                if digit != original:
                    assert damm_check_digit(full[:position] + digit + full[position + 1 :]) != 0


@settings(database=None)
@given(st.from_regex(r"[A-Z][A-Z0-9]{0,7}", fullmatch=True), st.integers(min_value=1, max_value=10**9))
def test_round_trip(prefix: str, seq: int) -> None:
    parsed = parse_code(application_code(prefix, seq))
    assert parsed is not None
    assert (parsed.kiosk_prefix, parsed.seq) == (prefix, seq)
