"""The CCCD QR parser: real payload shapes, every rejection, garbled input, and a round trip."""

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.cccd import (
    QrRejected,
    RejectCode,
    century_gender_digit,
    format_cccd,
    looks_like_vneid,
    parse_cccd,
)
from kiosk.domain.identity import Gender, Identity
from kiosk.domain.province_codes import CCCD_PROVINCE_CODES

TODAY = date(2026, 11, 22)
GOOD = (
    "049189012345|205123456|Huỳnh Thị Ánh|15031989|Nữ"
    "|Thôn Lý Trường, Bình Phú, Thăng Bình, Quảng Nam|01022022"
)


def fields(**changes: str) -> str:
    names = ["id", "old", "name", "dob", "gender", "address", "issue"]
    values = dict(zip(names, GOOD.split("|"), strict=True))
    values.update(changes)
    return "|".join(values[n] for n in names)


def rejected(payload: bytes | str) -> str:
    result = parse_cccd(payload, today=TODAY)
    assert isinstance(result, QrRejected), result
    assert result.message_vi
    assert result.message_en
    return result.code


def test_a_real_shaped_payload_parses_to_the_identity() -> None:
    identity = parse_cccd(GOOD.encode("utf-8"), today=TODAY)
    assert identity == Identity(
        citizen_id="049189012345",
        old_id="205123456",
        full_name="Huỳnh Thị Ánh",
        date_of_birth=date(1989, 3, 15),
        gender=Gender.FEMALE,
        address="Thôn Lý Trường, Bình Phú, Thăng Bình, Quảng Nam",
        issue_date=date(2022, 2, 1),
    )


def test_newer_cards_with_eleven_fields_and_no_old_id_are_accepted() -> None:
    payload = fields(old="") + "||||"
    assert len(payload.split("|")) == 11
    identity = parse_cccd(payload.encode(), today=TODAY)
    assert isinstance(identity, Identity)
    assert identity.old_id == ""


def test_trailing_newline_and_missing_issue_date_are_tolerated() -> None:
    identity = parse_cccd((fields(issue="") + "\r\n").encode(), today=TODAY)
    assert isinstance(identity, Identity)
    assert identity.issue_date is None


def test_decomposed_text_comes_out_precomposed() -> None:
    identity = parse_cccd(unicodedata.normalize("NFD", GOOD), today=TODAY)
    assert isinstance(identity, Identity)
    assert identity.full_name == "Huỳnh Thị Ánh"
    assert unicodedata.is_normalized("NFC", identity.full_name)
    assert unicodedata.is_normalized("NFC", identity.address)


def test_the_century_digit_covers_2000s_births() -> None:
    payload = fields(id="001300123456", dob="29022000", gender="Nữ", issue="")
    identity = parse_cccd(payload, today=TODAY)
    assert isinstance(identity, Identity)
    assert identity.date_of_birth == date(2000, 2, 29)
    assert century_gender_digit(date(2105, 1, 1), Gender.MALE) == "4"
    assert century_gender_digit(date(2105, 1, 1), Gender.FEMALE) == "5"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("", RejectCode.EMPTY),
        ("   \n", RejectCode.EMPTY),
        ("https://example.com/hello", RejectCode.NOT_CCCD),
        ("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl", RejectCode.VNEID_NEEDS_NETWORK),
        ("VNEID:abcdef0123456789", RejectCode.VNEID_NEEDS_NETWORK),
        ("a|b|c", RejectCode.NOT_CCCD),
        ("049189012345|205123456|Huỳnh Thị Ánh|15031989", RejectCode.TOO_FEW_FIELDS),
        (fields(id="04918901234"), RejectCode.BAD_ID),
        (fields(id="04918901234X"), RejectCode.BAD_ID),
        (fields(id="003189012345"), RejectCode.UNKNOWN_PROVINCE),
        (fields(old="12345"), RejectCode.BAD_OLD_ID),
        (fields(name=""), RejectCode.BAD_NAME),
        (fields(name="Nguyễn Văn 3"), RejectCode.BAD_NAME),
        (fields(dob="1503198"), RejectCode.BAD_BIRTH_DATE),
        (fields(dob="31021989"), RejectCode.BAD_BIRTH_DATE),
        (fields(dob="15031889", id="049189012345"), RejectCode.BAD_BIRTH_DATE),
        (fields(dob="01012027", id="049327012345"), RejectCode.FUTURE_BIRTH_DATE),
        (fields(gender="F"), RejectCode.BAD_GENDER),
        (fields(gender="Nam"), RejectCode.ID_MISMATCH),
        (fields(dob="15031990"), RejectCode.ID_MISMATCH),
        (fields(id="049389012345"), RejectCode.ID_MISMATCH),
        (fields(address=" "), RejectCode.BAD_ADDRESS),
        (fields(issue="32012022"), RejectCode.BAD_ISSUE_DATE),
        (fields(issue="01011980"), RejectCode.BAD_ISSUE_DATE),
        (fields(issue="01012027"), RejectCode.BAD_ISSUE_DATE),
    ],
)
def test_each_rejection_has_its_stable_code(payload: str, code: RejectCode) -> None:
    assert rejected(payload) == code.value
    assert rejected(payload.encode("utf-8")) == code.value


def test_gender_is_matched_whatever_the_case() -> None:
    assert isinstance(parse_cccd(fields(gender="NỮ"), today=TODAY), Identity)


def test_bytes_that_are_not_utf8_are_refused_not_guessed() -> None:
    assert rejected(GOOD.encode("utf-16")) == RejectCode.NOT_UTF8.value
    latin1_name = fields(name="Hà Lê").encode("utf-8").replace("Hà Lê".encode(), "Hà Lê".encode("latin-1"))
    assert rejected(latin1_name) == RejectCode.NOT_UTF8.value
    assert rejected(b"\xff\xfe\x00|" * 4) == RejectCode.NOT_UTF8.value


def test_zbar_style_shift_jis_guess_is_recognised_as_garbled() -> None:
    garbled = GOOD.encode("utf-8").decode("shift_jis", errors="replace")
    assert rejected(garbled) == RejectCode.GARBLED_TEXT.value


def test_latin1_double_decoding_is_recognised_as_garbled() -> None:
    mojibake = GOOD.encode("utf-8").decode("latin-1")
    assert rejected(mojibake) == RejectCode.GARBLED_TEXT.value
    assert rejected(GOOD.encode("utf-8").decode("cp1252", errors="replace")) == RejectCode.GARBLED_TEXT.value


def test_control_characters_are_refused() -> None:
    assert rejected(fields(name="Huỳnh\x07 Ánh")) == RejectCode.GARBLED_TEXT.value


def test_vneid_detection_ignores_card_payloads() -> None:
    assert not looks_like_vneid(GOOD)
    assert not looks_like_vneid(b"\xff\xfe")
    assert looks_like_vneid(b"vneid://login?t=abc")


def test_messages_differ_between_kinds_of_problem() -> None:
    vneid = parse_cccd("VNEID:abcdef", today=TODAY)
    misread = parse_cccd(fields(dob="31021989"), today=TODAY)
    assert isinstance(vneid, QrRejected)
    assert isinstance(misread, QrRejected)
    assert "VNeID" in vneid.message_vi
    assert "thẻ căn cước" in vneid.message_vi
    assert vneid.message_vi != misread.message_vi


def test_masked_name_reveals_family_name_and_initials_only() -> None:
    identity = parse_cccd(GOOD, today=TODAY)
    assert isinstance(identity, Identity)
    assert identity.masked_name() == "Huỳnh T. Á."
    assert "Ánh" not in identity.masked_name()
    assert identity.masked_id() == "*********345"


def test_format_adds_the_trailing_fields_of_newer_cards() -> None:
    identity = parse_cccd(GOOD, today=TODAY)
    assert isinstance(identity, Identity)
    assert format_cccd(identity) == GOOD
    assert format_cccd(identity, trailing_empty=4) == GOOD + "||||"


_SYLLABLES = ["Nguyễn", "Huỳnh", "Trần", "Thị", "Văn", "Ánh", "Đức", "Ngọc", "Hồng", "Phương", "Ý"]


@st.composite
def identities(draw: st.DrawFn) -> Identity:
    birth = draw(st.dates(min_value=date(1901, 1, 1), max_value=TODAY))
    gender = draw(st.sampled_from(Gender))
    province = draw(st.sampled_from(sorted(CCCD_PROVINCE_CODES)))
    serial = draw(st.integers(min_value=0, max_value=999_999))
    citizen_id = f"{province}{century_gender_digit(birth, gender)}{birth.year % 100:02d}{serial:06d}"
    name = " ".join(draw(st.lists(st.sampled_from(_SYLLABLES), min_size=2, max_size=5)))
    issued = draw(st.none() | st.dates(min_value=birth, max_value=TODAY))
    old_id = draw(st.sampled_from(["", "123456789", "020987654"]))
    address = draw(st.sampled_from(["Thôn 3, xã Ia Grai, Gia Lai", "Số 12 Hàng Bạc, Hà Nội"]))
    return Identity(citizen_id, old_id, name, birth, gender, address, issued)


@settings(database=None)
@given(identities(), st.integers(min_value=0, max_value=6), st.booleans())
def test_round_trip_format_then_parse(identity: Identity, trailing: int, as_bytes: bool) -> None:
    text = format_cccd(identity, trailing_empty=trailing)
    payload: bytes | str = text.encode("utf-8") if as_bytes else text
    assert parse_cccd(payload, today=TODAY) == identity


def test_default_today_refuses_tomorrow() -> None:
    tomorrow = date.today() + timedelta(days=1)
    payload = fields(
        id=f"001{century_gender_digit(tomorrow, Gender.MALE)}{tomorrow.year % 100:02d}000001",
        dob=tomorrow.strftime("%d%m%Y"),
        gender="Nam",
        issue="",
    )
    result = parse_cccd(payload)
    assert isinstance(result, QrRejected)
    assert result.code == RejectCode.FUTURE_BIRTH_DATE.value


def test_every_code_has_a_message_in_both_languages() -> None:
    for code in RejectCode:
        rejection = QrRejected.of(code)
        assert rejection.code == code.value
        assert "thẻ căn cước" in rejection.message_vi
        assert "ID card" in rejection.message_en
        assert unicodedata.is_normalized("NFC", rejection.message_vi)
