"""Seeded, realistic Vietnamese citizens and answers, for `kiosk sim submit`, the demo and tests.

Realistic means what breaks software: diacritics on every name ("Huỳnh", "Nguyễn Thị Ánh"),
names of two to four words, both old (with a district) and post-2025 (commune + province)
addresses, and IDs whose century/gender/year digits agree with the birth date, so that a card
payload made from them parses. The same seed gives the same people.
"""

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

from kiosk.domain.catalog_model import DocumentRequirement, Field, FieldKind, Need, Procedure
from kiosk.domain.cccd import century_gender_digit
from kiosk.domain.identity import Gender, Identity
from kiosk.domain.province_codes import CCCD_PROVINCE_CODES
from kiosk.domain.text import nfc

# Rough shares of the most common family names (Nguyễn alone is close to 40 %).
_FAMILY: Final = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 5), ("Phan", 4),
    ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1),
    ("Lý", 1), ("Đinh", 1), ("Lò", 1), ("Hà", 1),
)  # fmt: skip
_MIDDLE: Final = {
    Gender.MALE: ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thành", "Xuân", "Đình"),
    Gender.FEMALE: ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Thùy", "Bảo"),
}
_GIVEN: Final = {
    Gender.MALE: ("Anh", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Khoa", "Long", "Nam", "Phúc",
                  "Quang", "Sơn", "Tài", "Thắng", "Tuấn", "Việt", "Nghĩa", "Hiệp", "Sỹ", "Đạt"),
    Gender.FEMALE: ("Ánh", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung",
                    "Phương", "Thảo", "Trang", "Tuyết", "Yến", "Ý", "Trân", "Diệu", "Oanh", "Ngọc"),
}  # fmt: skip
_ADDRESSES: Final = (
    "Thôn Lý Trường, xã Bình Phú, huyện Thăng Bình, tỉnh Quảng Nam",
    "Thôn Phước Đức, xã Quế Châu, huyện Quế Sơn, tỉnh Quảng Nam",
    "Thôn Lý Trường, xã Thăng Bình, thành phố Đà Nẵng",
    "Bản Nà Sản, xã Chiềng Mung, tỉnh Sơn La",
    "Làng Kon Klor, phường Kon Tum, tỉnh Quảng Ngãi",
    "Ấp Tân Hòa, xã Long Hựu, tỉnh Tây Ninh",
    "Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
    "Thôn Đồng Tâm, xã Ia Grai, tỉnh Gia Lai",
    "Tổ 5, phường Thủy Xuân, thành phố Huế",
    "Ấp Mỹ Lợi, xã Mỹ Đức Tây, tỉnh Đồng Tháp",
    "Xóm Bãi, xã Hợp Thành, tỉnh Phú Thọ",
    "Khóm 3, phường Vĩnh Lợi, tỉnh Cà Mau",
)
_CHIP_CARDS_FROM: Final = date(2021, 1, 1)


class FakeCitizens:
    """A deterministic source of people and answers (not for anything but simulation)."""

    def __init__(self, seed: int, today: date) -> None:
        self._rng = random.Random(seed)
        self.today = today

    def full_name(self, gender: Gender) -> str:
        rng = self._rng
        family = rng.choices([f for f, _ in _FAMILY], weights=[w for _, w in _FAMILY])[0]
        middles = rng.sample(_MIDDLE[gender], k=rng.choices((0, 1, 2), weights=(1, 12, 4))[0])
        return nfc(" ".join([family, *dict.fromkeys(middles), rng.choice(_GIVEN[gender])]))

    def identity(self, *, min_age: int = 18, max_age: int = 90) -> Identity:
        rng = self._rng
        gender = rng.choice((Gender.MALE, Gender.FEMALE))
        birth = self._date_between(_years_ago(self.today, max_age), _years_ago(self.today, min_age))
        province = rng.choice(sorted(CCCD_PROVINCE_CODES))
        citizen_id = (
            f"{province}{century_gender_digit(birth, gender)}{birth.year % 100:02d}"
            f"{rng.randrange(1_000_000):06d}"
        )
        old_id = f"{rng.randrange(10**9):09d}" if birth.year < 2003 and rng.random() < 0.7 else ""
        issued_from = max(_CHIP_CARDS_FROM, _years_ago(birth, -14))
        issue = self._date_between(issued_from, self.today) if issued_from <= self.today else None
        return Identity(
            citizen_id=citizen_id,
            old_id=old_id,
            full_name=self.full_name(gender),
            date_of_birth=birth,
            gender=gender,
            address=rng.choice(_ADDRESSES),
            issue_date=issue,
        )

    def answers(self, procedure: Procedure) -> dict[str, str]:
        """Plausible answers to the questions a citizen would be asked, in order."""
        answers: dict[str, str] = {}
        for field in procedure.fields:
            if field.is_shown(answers):
                answers[field.id] = self.answer(field)
        return answers

    def answer(self, field: Field) -> str:
        """A valid answer to one question (bounded retries: the catalog's rules are simple)."""
        for _ in range(100):
            value = self._candidate(field)
            if field.validate(value, today=self.today) is None:
                return value
        raise ValueError(f"could not make a valid answer for {field.id!r}")

    def document_plan(
        self, procedure: Procedure, answers: dict[str, str]
    ) -> tuple[tuple[DocumentRequirement, int], ...]:
        """How many pages a well-prepared citizen feeds for each document (optional ones: some)."""
        plan: list[tuple[DocumentRequirement, int]] = []
        for requirement, need in procedure.checklist(answers):
            if need is Need.REQUIRED or self._rng.random() < 0.3:
                plan.append((requirement, requirement.min_pages + self._rng.choice((0, 0, 0, 1))))
        return tuple(plan)

    def _candidate(self, field: Field) -> str:
        rng = self._rng
        match field.kind:
            case FieldKind.CHOICE | FieldKind.PLACE | FieldKind.YES_NO:
                return rng.choice(field.options).value
            case FieldKind.TEXT:
                return self.full_name(rng.choice((Gender.MALE, Gender.FEMALE)))
            case FieldKind.NUMBER:
                low = field.min_value if field.min_value is not None else 1
                high = field.max_value if field.max_value is not None else low + 2
                return str(rng.randint(low, min(high, low + 2)))
            case FieldKind.DATE:
                return self._date_answer(field).isoformat()

    def _date_answer(self, field: Field) -> date:
        if field.min_years_ago is not None:
            latest = _years_ago(self.today, field.min_years_ago)
            return self._date_between(_years_ago(latest, 40), latest)
        earliest = self.today - timedelta(days=self._rng.choice((14, 365, 3650)))
        if field.min_date is not None:
            earliest = max(earliest, field.min_date)
        return self._date_between(earliest, self.today)

    def _date_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self._rng.randint(0, max(0, (last - first).days)))


def _years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def sample_identities(seed: int, today: date, count: int) -> Sequence[Identity]:
    """`count` people from `seed` (a convenience for scripts and tests)."""
    citizens = FakeCitizens(seed, today)
    return [citizens.identity() for _ in range(count)]
