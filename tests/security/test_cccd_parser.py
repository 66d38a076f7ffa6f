"""Issue 10 item 12: the CCCD QR parser takes ASCII digits only and fields of sane length.

`\\d` matched "079090٠٠١٢٣٤" (Arabic-Indic digits) and the session went on with that "ID"; a
1 MB address was accepted. The fuzz tests check, over arbitrary bytes and text and over card
lines with digits swapped for other scripts' digits, that the parser only ever answers with an
``Identity`` or its own ``QrRejected``, never accepts a non-ASCII digit, and still reads every
valid card line back to the same identity.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain.cccd import (
    MAX_ADDRESS_CHARS,
    MAX_NAME_CHARS,
    QrRejected,
    RejectCode,
    century_gender_digit,
    format_cccd,
    parse_cccd,
)
from kiosk.domain.identity import Gender, Identity
from kiosk.domain.province_codes import CCCD_PROVINCE_CODES

TODAY = date(2026, 11, 22)
GOOD = "079090001234|123456789|Nguyễn Văn An|01011990|Nam|Số 12 Hàng Bạc, Hà Nội|15082021"
FUZZ = settings(database=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])

# Decimal digits of other scripts: Arabic-Indic, Extended Arabic-Indic, Devanagari, Thai,
# fullwidth, mathematical bold; and digit-like characters that are not decimal (superscripts).
FOREIGN_DIGITS = st.characters(categories=["Nd", "No"]).filter(lambda c: c.isdigit() and not c.isascii())


def _code(payload: bytes | str) -> str:
    result = parse_cccd(payload, today=TODAY)
    assert isinstance(result, QrRejected), result
    return result.code


def test_a_good_line_is_accepted() -> None:
    identity = parse_cccd(GOOD, today=TODAY)
    assert isinstance(identity, Identity)
    assert identity.citizen_id == "079090001234"


@pytest.mark.parametrize(
    "payload",
    [
        GOOD.replace("079090001234", "079090٠٠١٢٣٤"),  # the case from the issue
        GOOD.replace("079090001234", "079090۰۰۱۲۳۴"),  # Extended Arabic-Indic
        GOOD.replace("123456789", "१२३४५६७८९"),  # Devanagari old ID
        GOOD.replace("01011990", "٠١٠١١٩٩٠"),  # birth date
        GOOD.replace("15082021", "๑๕๐๘๒๐๒๑"),  # Thai issue date
        GOOD.replace("Số 12", "Số ١٢"),  # even inside the free-text address
    ],
)
def test_unicode_digits_are_refused(payload: str) -> None:
    assert _code(payload) in {RejectCode.GARBLED_TEXT, RejectCode.BAD_ID}
    assert _code(payload.encode("utf-8")) in {RejectCode.GARBLED_TEXT, RejectCode.BAD_ID}


def test_fields_have_length_caps() -> None:
    name = "Nguyễn " + "Văn " * 40 + "An"
    assert len(name) > MAX_NAME_CHARS
    assert _code(GOOD.replace("Nguyễn Văn An", name)) == RejectCode.BAD_NAME
    address = ("Thôn 3, " * 40)[:MAX_ADDRESS_CHARS] + "Hà"
    assert len(address.strip()) > MAX_ADDRESS_CHARS
    assert _code(GOOD.replace("Số 12 Hàng Bạc, Hà Nội", address)) == RejectCode.BAD_ADDRESS
    # The 1 MB address of the issue, as text and as the bytes a camera would deliver.
    huge = GOOD.replace("Số 12 Hàng Bạc, Hà Nội", "Hà Nội " * 150_000)
    assert _code(huge) == RejectCode.NOT_CCCD
    assert _code(huge.encode("utf-8")) == RejectCode.NOT_CCCD
    assert _code(GOOD + "|" * 20) == RejectCode.NOT_CCCD
    # At the caps, a line is still read.
    at_caps = GOOD.replace("Nguyễn Văn An", ("An " * 50)[:MAX_NAME_CHARS].strip())
    at_caps = at_caps.replace("Số 12 Hàng Bạc, Hà Nội", ("Hà Nội " * 50)[:MAX_ADDRESS_CHARS].strip())
    assert isinstance(parse_cccd(at_caps, today=TODAY), Identity)


def _check(payload: bytes | str) -> Identity | QrRejected:
    """The parser's contract: one of its two answers, and never an identity with a foreign digit."""
    result = parse_cccd(payload, today=TODAY)
    assert isinstance(result, Identity | QrRejected)
    if isinstance(result, Identity):
        for value in (result.citizen_id, result.old_id, result.full_name, result.address):
            assert all(c.isascii() for c in value if c.isdigit()), value
        assert parse_cccd(format_cccd(result), today=TODAY) == result
    return result


@FUZZ
@given(st.binary(max_size=4096))
def test_any_bytes_get_an_identity_or_a_refusal(payload: bytes) -> None:
    _check(payload)


@FUZZ
@given(st.text(max_size=2000))
def test_any_text_gets_an_identity_or_a_refusal(payload: str) -> None:
    _check(payload)


@FUZZ
@given(st.lists(st.text(max_size=40), min_size=1, max_size=20))
def test_any_bar_separated_fields_get_an_identity_or_a_refusal(fields: list[str]) -> None:
    _check("|".join(fields))


@FUZZ
@given(st.data())
def test_a_foreign_digit_anywhere_in_a_good_line_is_refused(data: st.DataObject) -> None:
    positions = [i for i, c in enumerate(GOOD) if c.isdigit()]
    chosen = data.draw(st.lists(st.sampled_from(positions), min_size=1, max_size=6, unique=True))
    line = list(GOOD)
    for i in chosen:
        line[i] = data.draw(FOREIGN_DIGITS)
    payload = "".join(line)
    as_bytes = data.draw(st.booleans())
    assert isinstance(_check(payload.encode("utf-8") if as_bytes else payload), QrRejected)


_SYLLABLES = ["Nguyễn", "Huỳnh", "Trần", "Thị", "Văn", "Ánh", "Đức", "Ngọc", "Hồng", "Phương", "Ý"]
_PLACES = ["Thôn 3", "xã Ia Grai", "Gia Lai", "Số 12 Hàng Bạc", "Hà Nội", "Khu phố 6", "Quận 7"]


@st.composite
def identities(draw: st.DrawFn) -> Identity:
    birth = draw(st.dates(min_value=date(1902, 1, 1), max_value=TODAY))
    gender = draw(st.sampled_from(Gender))
    province = draw(st.sampled_from(sorted(CCCD_PROVINCE_CODES)))
    serial = draw(st.integers(min_value=0, max_value=999_999))
    citizen_id = f"{province}{century_gender_digit(birth, gender)}{birth.year % 100:02d}{serial:06d}"
    name = " ".join(draw(st.lists(st.sampled_from(_SYLLABLES), min_size=2, max_size=12)))
    address = ", ".join(draw(st.lists(st.sampled_from(_PLACES), min_size=1, max_size=30)))
    issued = draw(st.none() | st.dates(min_value=birth, max_value=TODAY))
    old_id = draw(st.none() | st.integers(min_value=0, max_value=999_999_999))
    return Identity(
        citizen_id, "" if old_id is None else f"{old_id:09d}", name[:MAX_NAME_CHARS].strip(),
        birth, gender, address[:MAX_ADDRESS_CHARS].strip(" ,"), issued,
    )  # fmt: skip


@FUZZ
@given(identities(), st.integers(min_value=0, max_value=6), st.booleans())
def test_valid_lines_round_trip(identity: Identity, trailing: int, as_bytes: bool) -> None:
    text = format_cccd(identity, trailing_empty=trailing)
    assert parse_cccd(text.encode("utf-8") if as_bytes else text, today=TODAY) == identity
