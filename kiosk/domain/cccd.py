"""Reading (and, for simulation, writing) the QR printed on the chip ID card (CCCD).

The QR is one `|`-separated UTF-8 line with no signature, so everything it claims is checked for
internal consistency: a misread or a foreign QR must give the citizen a kind reason, never a crash
and never a wrong identity. Layout: ID | old ID | name | birth date | gender | address | issue date
[| more fields, empty on the cards seen so far].
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final, assert_never

from kiosk.domain.identity import Gender, Identity
from kiosk.domain.province_codes import CCCD_PROVINCE_CODES
from kiosk.domain.text import clean, nfc

MIN_FIELDS: Final = 7
OLDEST_PLAUSIBLE_AGE: Final = 125
# Length caps. A card's QR line is about 150 characters; anything far longer is not one, and a
# name or address must fit the slip, the screen and the sealed form. No QR holds over 2953 bytes.
MAX_PAYLOAD_BYTES: Final = 2953
MAX_LINE_CHARS: Final = 600
MAX_FIELDS: Final = 16
MAX_NAME_CHARS: Final = 100
MAX_ADDRESS_CHARS: Final = 300
# ASCII digits only: `\d` would also match "٠١٢" (Arabic-Indic) and other scripts' digits, which
# `int()` then reads as numbers.
_ID_RE: Final = re.compile(r"[0-9]{12}")
_OLD_ID_RE: Final = re.compile(r"[0-9]{9}")
_DATE_RE: Final = re.compile(r"[0-9]{8}")
# Scripts that never occur on a Vietnamese card: their presence means bytes were decoded with the
# wrong charset (zbar's Shift-JIS/Big5 guess), or U+FFFD marks bytes that were lost.
_GARBLE_RE: Final = re.compile(
    "[\ufffd\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]"
)
_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_VNEID_HINT_RE: Final = re.compile(r"vneid|^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+$", re.I)


class RejectCode(StrEnum):
    """Stable reasons a QR is not accepted as an identity (logged and tested by these values)."""

    EMPTY = "empty"
    NOT_UTF8 = "not_utf8"
    GARBLED_TEXT = "garbled_text"
    VNEID_NEEDS_NETWORK = "vneid_needs_network"
    NOT_CCCD = "not_cccd"
    TOO_FEW_FIELDS = "too_few_fields"
    BAD_ID = "bad_id"
    UNKNOWN_PROVINCE = "unknown_province"
    BAD_OLD_ID = "bad_old_id"
    BAD_NAME = "bad_name"
    BAD_BIRTH_DATE = "bad_birth_date"
    FUTURE_BIRTH_DATE = "future_birth_date"
    BAD_GENDER = "bad_gender"
    ID_MISMATCH = "id_mismatch"
    BAD_ADDRESS = "bad_address"
    BAD_ISSUE_DATE = "bad_issue_date"


_SHOW_CARD_VI: Final = (
    "Xin Ông/Bà đưa mã QR in trên thẻ căn cước vào khung vàng (thẻ gắn chip: mặt trước, góc trên "
    "bên phải; thẻ căn cước mới: mặt sau)."
)
_SHOW_CARD_EN: Final = (
    "Please hold the QR code printed on your ID card in the yellow frame (chip ID card: front, top "
    "right corner; new ID card: on the back)."
)


def _retry(vi: str, en: str) -> tuple[str, str]:
    """A misread: say what was wrong, then how to hold the card for another try."""
    return (
        f"{vi} Xin Ông/Bà đưa lại mã QR trên thẻ căn cước vào khung vàng, giữ yên thẻ.",
        f"{en} Please hold the QR code on your ID card in the yellow frame again, keeping it still.",
    )


_MESSAGES: Final[dict[RejectCode, tuple[str, str]]] = {
    RejectCode.EMPTY: _retry("Chưa đọc được mã QR.", "The QR code could not be read."),
    RejectCode.NOT_UTF8: _retry("Mã QR bị đọc sai.", "The QR code was misread."),
    RejectCode.GARBLED_TEXT: _retry("Chữ trong mã QR bị đọc sai.", "The text in the QR code was misread."),
    RejectCode.VNEID_NEEDS_NETWORK: (
        "Mã QR của ứng dụng VNeID cần mạng để kiểm tra, hiện máy chưa có mạng. " + _SHOW_CARD_VI,
        "The VNeID app QR code needs a network connection to be checked, and the kiosk is offline. "
        + _SHOW_CARD_EN,
    ),
    RejectCode.NOT_CCCD: (
        "Đây không phải mã QR trên thẻ căn cước. " + _SHOW_CARD_VI,
        "This is not the QR code of an ID card. " + _SHOW_CARD_EN,
    ),
    RejectCode.TOO_FEW_FIELDS: _retry("Mã QR chưa đầy đủ thông tin.", "The QR code is incomplete."),
    RejectCode.BAD_ID: _retry(
        "Số định danh trong mã QR không đúng.", "The ID number in the QR code is not valid."
    ),
    RejectCode.UNKNOWN_PROVINCE: _retry(
        "Số định danh trong mã QR không đúng.", "The ID number in the QR code is not valid."
    ),
    RejectCode.BAD_OLD_ID: _retry(
        "Số CMND cũ trong mã QR không đúng.", "The old ID number in the QR code is not valid."
    ),
    RejectCode.BAD_NAME: _retry(
        "Họ tên trong mã QR không đọc được.", "The name in the QR code could not be read."
    ),
    RejectCode.BAD_BIRTH_DATE: _retry(
        "Ngày sinh trong mã QR không đúng.", "The date of birth in the QR code is not valid."
    ),
    RejectCode.FUTURE_BIRTH_DATE: _retry(
        "Ngày sinh trong mã QR không đúng.", "The date of birth in the QR code is in the future."
    ),
    RejectCode.BAD_GENDER: _retry(
        "Giới tính trong mã QR không đọc được.", "The gender in the QR code could not be read."
    ),
    RejectCode.ID_MISMATCH: (
        "Thông tin trong mã QR không khớp nhau. Xin Ông/Bà đưa lại mã QR trên thẻ căn cước vào khung "
        "vàng, giữ yên thẻ; nếu vẫn không được, xin bấm \"Gọi cán bộ\".",
        "The details in the QR code do not agree. Please hold the QR code on your ID card in front "
        "of the camera again, keeping it still; if it still fails, please press \"Call an officer\".",
    ),
    RejectCode.BAD_ADDRESS: _retry(
        "Địa chỉ trong mã QR không đọc được.", "The address in the QR code could not be read."
    ),
    RejectCode.BAD_ISSUE_DATE: _retry(
        "Ngày cấp thẻ trong mã QR không đúng.", "The issue date in the QR code is not valid."
    ),
}


@dataclass(frozen=True)
class QrRejected:
    """Why a QR is not an identity: a stable code, and what to tell the citizen in each language."""

    code: str
    message_vi: str
    message_en: str

    @classmethod
    def of(cls, code: RejectCode) -> "QrRejected":
        vi, en = _MESSAGES[code]
        return cls(code=code.value, message_vi=vi, message_en=en)


class _Reject(Exception):  # noqa: N818 - internal control flow, never escapes this module
    def __init__(self, code: RejectCode) -> None:
        super().__init__(code.value)
        self.code = code


def parse_cccd(payload: bytes | str, *, today: date | None = None) -> Identity | QrRejected:
    """The identity in a CCCD QR, or why the payload is not one.

    `bytes` are decoded here as strict UTF-8 (the card's encoding) so that no charset guessing by a
    QR library can garble a name; `str` is accepted from decoders that already returned text and is
    checked for signs of such garbling. `today` is injectable for tests (future dates are refused).
    """
    try:
        return _parse(payload, today or date.today())
    except _Reject as rejection:
        return QrRejected.of(rejection.code)


def looks_like_vneid(payload: bytes | str) -> bool:
    """Whether the payload is probably a VNeID app QR (which only the gateway can verify online)."""
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError:
            return False
    text = payload.strip()
    return "|" not in text and bool(_VNEID_HINT_RE.search(text))


def format_cccd(identity: Identity, trailing_empty: int = 0) -> str:
    """The QR text a card would carry for `identity` (for simulation, tests and the demo).

    `trailing_empty` adds the empty fields that newer cards append (4 gives the 11 seen in the field).
    """
    fields = [
        identity.citizen_id,
        identity.old_id,
        identity.full_name,
        identity.date_of_birth.strftime("%d%m%Y"),
        identity.gender.value,
        identity.address,
        identity.issue_date.strftime("%d%m%Y") if identity.issue_date else "",
        *([""] * trailing_empty),
    ]
    return nfc("|".join(fields))


def century_gender_digit(date_of_birth: date, gender: Gender) -> str:
    """The 4th digit of the ID: even for men, odd for women, +2 per century from 1900."""
    base = 2 * (date_of_birth.year // 100 - 19)
    match gender:
        case Gender.MALE:
            return str(base)
        case Gender.FEMALE:
            return str(base + 1)
        case _ as unreachable:
            assert_never(unreachable)


def _parse(payload: bytes | str, today: date) -> Identity:
    fields = _fields(_decode(payload))
    citizen_id, old_id, raw_name, raw_birth, raw_gender, raw_address, raw_issue = fields[:MIN_FIELDS]
    if not _ID_RE.fullmatch(citizen_id):
        raise _Reject(RejectCode.BAD_ID)
    if citizen_id[:3] not in CCCD_PROVINCE_CODES:
        raise _Reject(RejectCode.UNKNOWN_PROVINCE)
    if old_id and not _OLD_ID_RE.fullmatch(old_id):
        raise _Reject(RejectCode.BAD_OLD_ID)
    full_name = clean(raw_name)
    if not full_name or len(full_name) > MAX_NAME_CHARS:
        raise _Reject(RejectCode.BAD_NAME)
    if any(not (ch.isalpha() or ch in " '-") for ch in full_name):
        raise _Reject(RejectCode.BAD_NAME)
    birth = _birth_date(raw_birth, today)
    gender = _gender(raw_gender)
    if citizen_id[3] != century_gender_digit(birth, gender) or citizen_id[4:6] != f"{birth.year % 100:02d}":
        raise _Reject(RejectCode.ID_MISMATCH)
    address = clean(raw_address)
    if not address or len(address) > MAX_ADDRESS_CHARS:
        raise _Reject(RejectCode.BAD_ADDRESS)
    issue = _date(raw_issue, RejectCode.BAD_ISSUE_DATE) if raw_issue else None
    if issue is not None and not birth <= issue <= today:
        raise _Reject(RejectCode.BAD_ISSUE_DATE)
    return Identity(
        citizen_id=citizen_id,
        old_id=old_id,
        full_name=full_name,
        date_of_birth=birth,
        gender=gender,
        address=address,
        issue_date=issue,
    )


def _fields(text: str) -> list[str]:
    """The payload's fields, once it is known to be readable text shaped like a card's QR."""
    stripped = text.strip()
    if not stripped:
        raise _Reject(RejectCode.EMPTY)
    if "|" not in stripped:
        raise _Reject(RejectCode.VNEID_NEEDS_NETWORK if looks_like_vneid(stripped) else RejectCode.NOT_CCCD)
    if len(stripped) > MAX_LINE_CHARS or stripped.count("|") >= MAX_FIELDS:
        raise _Reject(RejectCode.NOT_CCCD)
    if _GARBLE_RE.search(stripped) or _CONTROL_RE.search(stripped) or _is_double_encoded(stripped):
        raise _Reject(RejectCode.GARBLED_TEXT)
    if any(ch.isdigit() and not ch.isascii() for ch in stripped):
        # A card writes every number in ASCII digits; "٠١٢" or "²" anywhere means a forged or
        # misdecoded line, even in the free-text address.
        raise _Reject(RejectCode.GARBLED_TEXT)
    fields = [f.strip() for f in stripped.split("|")]
    if len(fields) < MIN_FIELDS:
        raise _Reject(RejectCode.TOO_FEW_FIELDS if _ID_RE.fullmatch(fields[0]) else RejectCode.NOT_CCCD)
    return fields


def _birth_date(raw: str, today: date) -> date:
    birth = _date(raw, RejectCode.BAD_BIRTH_DATE)
    if birth > today:
        raise _Reject(RejectCode.FUTURE_BIRTH_DATE)
    if birth.year < 1900 or today.year - birth.year > OLDEST_PLAUSIBLE_AGE:
        raise _Reject(RejectCode.BAD_BIRTH_DATE)
    return birth


def _decode(payload: bytes | str) -> str:
    # More than any QR code can hold: refused before any work is done on it.
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise _Reject(RejectCode.NOT_CCCD)
    if isinstance(payload, str):
        return nfc(payload)
    try:
        return nfc(payload.decode("utf-8"))
    except UnicodeDecodeError:
        raise _Reject(RejectCode.NOT_UTF8) from None


def _is_double_encoded(text: str) -> bool:
    """UTF-8 bytes once decoded as cp1252/latin-1 ("Nguyá»…n"): re-encoding gives valid UTF-8."""
    if text.isascii():
        return False
    for charset in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(charset).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text:
            return True
    return False


def _date(raw: str, code: RejectCode) -> date:
    if not _DATE_RE.fullmatch(raw):
        raise _Reject(code)
    try:
        return date(int(raw[4:]), int(raw[2:4]), int(raw[:2]))
    except ValueError:
        raise _Reject(code) from None


def _gender(raw: str) -> Gender:
    normalised = nfc(raw).casefold()
    for gender in Gender:
        if gender.value.casefold() == normalised:
            return gender
    raise _Reject(RejectCode.BAD_GENDER)
