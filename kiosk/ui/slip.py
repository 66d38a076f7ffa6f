"""The appointment slip and the queue ticket as ``Receipt`` content, in the session's language."""

from __future__ import annotations

from datetime import date, datetime

from devices.receipt.model import Receipt
from kiosk.domain.catalog_model import Procedure
from kiosk.store.applications import SealedRecord
from kiosk.ui.i18n import Strings


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def appointment_slip(
    strings: Strings, record: SealedRecord, procedure: Procedure, commune: str, kiosk_id: str
) -> Receipt:
    t = strings.text
    title = procedure.title_vi if strings.lang_code() == "vi" else procedure.title_en
    received: datetime = record.confirmed_at
    return Receipt(
        header=(t("slip_authority").replace("%1", commune), t("slip_title")),
        rows=(
            (t("slip_procedure"), title),
            (t("slip_applicant"), record.masked_name),
            (t("slip_received"), received.strftime("%H:%M %d/%m/%Y")),
            (t("slip_appointment"), _d(record.appointment_date)),
            (t("slip_kiosk"), kiosk_id),
        ),
        big_text=record.application_code,
        qr_text=record.application_code,
        footer=(t("slip_footer"), t("slip_lookup")),
    )


def queue_ticket(strings: Strings, number: str, field_title: str, commune: str, day: date) -> Receipt:
    t = strings.text
    return Receipt(
        header=(t("slip_authority").replace("%1", commune), t("ticket_title")),
        rows=((t("ticket_field"), field_title), (t("slip_received"), _d(day))),
        big_text=number,
        qr_text=None,
        footer=(t("ticket_footer"),),
    )
