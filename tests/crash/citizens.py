"""Realistic generated applications for the crash and failure-mode tests (no real people)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from kiosk.domain.application import Confirmation, ConfirmationMethod, ConfirmedApplication
from kiosk.domain.identity import Gender, Identity
from kiosk.sealing import DocumentToSeal

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh")
GIVEN = ("Ánh", "Bình", "Cường", "Dũng", "Hương", "Lan", "Mạnh", "Nga", "Quý", "Thảo", "Yến")
PLACES = ("xã Yên Hoa, huyện Na Hang, tỉnh Tuyên Quang", "xã Pả Vi, huyện Mèo Vạc, tỉnh Hà Giang")
PROCEDURES = ("HT-XNHN", "HT-KH", "HT-KT", "HT-KTL", "HT-TLHT")
DOC_KINDS = ("cccd", "ho_khau", "giay_to_khac")


def random_identity(rng: random.Random) -> Identity:
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 60))
    gender = rng.choice((Gender.MALE, Gender.FEMALE))
    century = (born.year // 100 - 19) * 2 + (gender is Gender.FEMALE)
    citizen_id = f"0{rng.randrange(1, 97):02d}{century}{born.year % 100:02d}{rng.randrange(10**6):06d}"
    return Identity(
        citizen_id=citizen_id,
        old_id="",
        full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        date_of_birth=born,
        gender=gender,
        address=f"Thôn {rng.randrange(1, 20)}, {rng.choice(PLACES)}",
        issue_date=date(2021, 1, 1) + timedelta(days=rng.randrange(1500)),
    )


def random_application(rng: random.Random, now: datetime | None = None) -> ConfirmedApplication:
    confirmed = (now or datetime(2026, 11, 23, 1, 0, tzinfo=UTC)).replace(microsecond=0)
    return ConfirmedApplication(
        application_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        procedure_code=rng.choice(PROCEDURES),
        catalog_version="2026.1",
        identity=random_identity(rng),
        answers={"purpose": rng.choice(("Kết hôn", "Bổ sung hồ sơ", "Xuất khẩu lao động"))},
        documents=(),
        confirmed_at=confirmed,
        confirmation=Confirmation(ConfirmationMethod.KIOSK_CODE, confirmed - timedelta(seconds=40)),
    )


def random_documents(rng: random.Random, min_kb: int = 8, max_kb: int = 48) -> list[DocumentToSeal]:
    """Three documents of a few KB (random bytes stand in for G4 PDF pages)."""
    return [
        DocumentToSeal(
            doc_id=f"doc{i + 1}",
            kind=kind,
            pages=rng.randrange(1, 4),
            pdf=b"%PDF-1.4\n" + rng.randbytes(rng.randrange(min_kb, max_kb) * 1024),
        )
        for i, kind in enumerate(DOC_KINDS)
    ]
