"""The status lookup's wording, from the kiosk's row and the gateway's report."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from kiosk.paths import LOCALES_DIR
from kiosk.store.applications import SealedRecord
from kiosk.store.schema import ApplicationState
from kiosk.ui.i18n import load_locale
from kiosk.ui.status_text import describe_status

RECORD = SealedRecord(
    application_id="a1", kiosk_seq=7, application_code="K01-000007-3", procedure_code="HT-KT",
    catalog_version="v1", masked_name="Nguyễn V. A.", confirmed_at=datetime(2026, 11, 20, tzinfo=UTC),
    appointment_date=date(2026, 11, 23), state=ApplicationState.QUEUED, manifest_sha256="00",
)  # fmt: skip


@pytest.fixture
def vi() -> dict[str, str]:
    return load_locale("vi", LOCALES_DIR)


def test_waiting_at_the_kiosk(vi: dict[str, str]) -> None:
    text = describe_status(RECORD, vi)
    assert text.startswith("Hồ sơ K01-000007-3 (Nguyễn V. A.): Đã nhận tại kiosk")
    assert text.endswith("Ngày hẹn trả: 23/11/2026.")


def test_the_gateway_report_wins_and_the_officer_note_is_shown(vi: dict[str, str]) -> None:
    record = replace(
        RECORD, state=ApplicationState.ACKED, gateway_state="needs_more_documents",
        gateway_note_vi="Thiếu bản sao giấy chứng tử",
    )  # fmt: skip
    text = describe_status(record, vi)
    assert vi["gateway_needs_more_documents"] in text
    assert "Cán bộ ghi chú: Thiếu bản sao giấy chứng tử" in text


def test_an_unknown_gateway_state_falls_back_to_the_kiosk_state(vi: dict[str, str]) -> None:
    record = replace(RECORD, state=ApplicationState.RECEIVED, gateway_state="something_new")
    assert vi["state_received"] in describe_status(record, vi)
