"""Seeded CCCD-style QR payloads: Vietnamese names and addresses with consistent ID digits.

The layout follows DOMAIN.md "Identity QR facts": 12-digit ID (province code, century/gender
digit, two birth-year digits, six digits), optional 9-digit old ID, full name, ddmmyyyy birth
date, Nam/Nữ, permanent address, issue date; newer cards add empty trailing fields.
"""

from __future__ import annotations

import random

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
    "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh",
)
MIDDLE = {
    "Nam": ("Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Xuân", "Công"),
    "Nữ": ("Thị", "Thị Ngọc", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim", "Thị Hồng"),
}
GIVEN = {
    "Nam": ("Hùng", "Dũng", "Tuấn", "Khoa", "Đạt", "Phước", "Lộc", "Thắng", "Huy", "Sơn", "Trí"),
    "Nữ": ("Ánh", "Phương", "Hương", "Nguyệt", "Thủy", "Yến", "Nhung", "Hằng", "Trâm", "Diễm"),
}
PROVINCES = (
    ("001", "Thành phố Hà Nội"), ("031", "Thành phố Hải Phòng"), ("038", "Tỉnh Thanh Hóa"),
    ("040", "Tỉnh Nghệ An"), ("046", "Tỉnh Thừa Thiên Huế"), ("048", "Thành phố Đà Nẵng"),
    ("052", "Tỉnh Bình Định"), ("066", "Tỉnh Đắk Lắk"), ("075", "Tỉnh Đồng Nai"),
    ("079", "Thành phố Hồ Chí Minh"), ("087", "Tỉnh Đồng Tháp"), ("092", "Thành phố Cần Thơ"),
    ("094", "Tỉnh Sóc Trăng"), ("096", "Tỉnh Cà Mau"),
)
COMMUNES = (
    "Xã Tân Phú", "Xã Hòa Bình", "Xã Phước Long", "Xã Đông Hưng", "Phường Bến Nghé",
    "Xã Quỳnh Lưu", "Xã Nghĩa Đồng", "Thị trấn Đức Phổ", "Xã Ea Kly", "Phường Thủy Xuân",
)
DISTRICTS = (
    "Huyện Châu Thành", "Huyện Krông Pắc", "Huyện Thống Nhất", "Quận 1", "Huyện Yên Định",
    "Thị xã Hương Thủy", "Huyện Cái Nước", "Huyện Tháp Mười",
)


def cccd_payload(rng: random.Random) -> str:
    """One plausible CCCD QR line (text; the QR carries it as UTF-8 with no charset marker)."""
    gender = rng.choice(("Nam", "Nữ"))
    year = rng.randint(1940, 2008)
    century = 0 if year < 2000 else 2
    gender_digit = century + (1 if gender == "Nữ" else 0)
    code, province = rng.choice(PROVINCES)
    citizen_id = f"{code}{gender_digit}{year % 100:02d}{rng.randrange(10**6):06d}"
    old_id = f"{rng.randrange(10**9):09d}" if rng.random() < 0.6 else ""
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
    if rng.random() < 0.25:
        name = name.upper()
    birth = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{year}"
    if rng.random() < 0.5:
        house = f"Số {rng.randint(1, 299)}, Ấp {rng.randint(1, 9)}"
    else:
        house = f"Thôn {rng.randint(1, 12)}"
    address = f"{house}, {rng.choice(COMMUNES)}, {rng.choice(DISTRICTS)}, {province}"
    issued = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(2016, 2025)}"
    fields = [citizen_id, old_id, name, birth, gender, address, issued]
    if rng.random() < 0.3:
        fields += ["", "", "", ""]
    return "|".join(fields)
