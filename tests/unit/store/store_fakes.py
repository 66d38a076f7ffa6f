"""Fakes for the store tests: a settable clock and citizens shaped like the domain's."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

from kiosk.domain.application import Confirmation, ConfirmationMethod, ConfirmedApplication
from kiosk.domain.identity import Gender, Identity
from kiosk.sealing import DocumentToSeal

NGUYEN = Identity(
    citizen_id="001089012345",
    old_id="",
    full_name="Nguyễn Văn Ánh",
    date_of_birth=date(1989, 3, 14),
    gender=Gender.MALE,
    address="Thôn Nà Hang, xã Yên Hoa, huyện Na Hang, tỉnh Tuyên Quang",
    issue_date=date(2021, 5, 2),
)
ANSWERS = {"purpose": "Kết hôn", "marital_status": "Chưa đăng ký kết hôn lần nào"}


def make_application(**changes: object) -> ConfirmedApplication:
    """A confirmed application of the domain's own type (pages travel separately as PDFs)."""
    base = ConfirmedApplication(
        application_id=uuid.uuid4(),
        procedure_code="HT-XNHN",
        catalog_version="2026.1",
        identity=NGUYEN,
        answers=ANSWERS,
        documents=(),
        confirmed_at=datetime(2026, 11, 23, 2, 15, 7, tzinfo=UTC),
        confirmation=Confirmation(
            ConfirmationMethod.KIOSK_CODE, datetime(2026, 11, 23, 2, 15, 0, tzinfo=UTC)
        ),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def make_documents(seed: int = 0) -> list[DocumentToSeal]:
    """Three PDF-ish documents of a few KB, different per seed."""
    return [
        DocumentToSeal(f"doc{i}", kind, i + 1, b"%PDF-1.4\n" + bytes([seed % 251, i]) * (1500 + 700 * i))
        for i, kind in enumerate(("cccd", "marriage_decision", "residence"))
    ]
