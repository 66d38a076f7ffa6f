"""The receiving slip and the queue ticket as ``Receipt`` content.

The receiving slip ("Phiếu tiếp nhận hồ sơ và hẹn trả kết quả") follows the fields of the
receiving slip form used by one-stop offices (Mẫu số 01, Thông tư 01/2018/TT-VPCP, under Nghị định
61/2018/NĐ-CP): the receiving office, the national motto, the title and the application code,
who applied, the procedure, the documents received (each with its page count), when it was
received, the appointment to collect the result and where. A kiosk adds the fee, the office's
hours, a hotline and a QR of the code for the status lookup. It is always printed in Vietnamese,
the office's language, whatever language the screen was in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from devices.receipt.model import Line, Qr, Receipt, Row, Rule
from kiosk.domain.application import ConfirmedApplication
from kiosk.domain.catalog_model import Procedure
from kiosk.domain.lookup_code import slip_qr_text
from kiosk.ui.i18n import Strings
from kiosk.ui.services import KioskIdentity, SealedApplication

WEEKDAYS = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


@dataclass(frozen=True)
class Office:
    """Who receives, where the result is collected, when the office is open, whom to call."""

    authority: str  # e.g. "UBND xã Quế Châu" (the kiosk's configured authority)
    collect_at: str  # e.g. "Bộ phận tiếp nhận và trả kết quả, UBND xã Quế Châu"
    hours_vi: str
    hours_en: str
    hotline: str
    kiosk_id: str
    collect_at_en: str = ""  # the done screen in English (the slip is always Vietnamese)


@dataclass(frozen=True)
class Received:
    """What the slip and the done screen say about one sealed application."""

    record: SealedApplication
    procedure: Procedure
    full_name: str  # the citizen's own slip carries the full name
    documents: Sequence[tuple[str, str, int]]  # (title vi, title en, pages)
    fee_vnd: int


DEFAULT_OFFICE_HOURS = KioskIdentity("", "").office_hours
OFFICE_HOURS_EN = "7:30–11:30 and 13:30–17:00, Monday to Friday"


def office_of(kiosk: KioskIdentity) -> Office:
    authority = kiosk.authority or f"UBND {kiosk.commune_name[:1].lower()}{kiosk.commune_name[1:]}"
    return Office(
        authority=authority,
        collect_at=kiosk.collect_at or f"Bộ phận tiếp nhận và trả kết quả, {authority}",
        hours_vi=kiosk.office_hours,
        hours_en=OFFICE_HOURS_EN if kiosk.office_hours == DEFAULT_OFFICE_HOURS else kiosk.office_hours,
        collect_at_en=kiosk.collect_at or (
            f"the one-stop desk of the People's Committee of {commune_in(kiosk.commune_name, 'en')}"),
        hotline=kiosk.hotline,
        kiosk_id=kiosk.kiosk_id,
    )


def received_of(record: SealedApplication, procedure: Procedure,
                app: ConfirmedApplication | None) -> Received:
    """The slip's facts; ``app`` (still in memory right after sealing) gives the full name,
    the documents with their page counts and the fee (some procedures charge per copy)."""
    if app is None:
        return Received(record, procedure, record.masked_name, (), procedure.fee_vnd)
    titles = {d.id: (d.title_vi, d.title_en) for d in procedure.documents}
    docs = [(*titles.get(d.doc_id, (d.doc_id, d.doc_id)), len(d.pages)) for d in app.documents
            if d.pages]
    return Received(record, procedure, app.identity.full_name, docs, procedure.fee(app.answers))


def done_facts(strings: Strings, got: Received, office: Office) -> dict[str, str]:
    """The done screen's lines and what is said, in the screen's language."""
    lang = "vi" if strings.lang_code() == "vi" else "en"
    t = strings.text
    day = weekday_date(got.record.appointment_date, lang)
    hours = office.hours_vi if lang == "vi" else office.hours_en
    fee = fee_text(strings, got.fee_vnd, lang)
    code = got.record.application_code
    spoken_code = " ".join(code.replace("-", ""))
    return {
        "appointment": day,
        "hours": t("done_hours").replace("%1", hours),
        "where": t("done_where").replace(
            "%1", office.collect_at if lang == "vi" else (office.collect_at_en or office.collect_at)),
        "fee": t("done_fee").replace("%1", fee),
        "said": t("voice_done").replace("%1", spoken_code).replace("%2", day)
                .replace("%3", hours).replace("%4", fee),
        "said_print_failed": t("voice_print_failed").replace("%1", spoken_code),
    }


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def weekday_date(day: date, lang: str) -> str:
    """"Thứ Ba, 09/12/2026" / "Tuesday 09/12/2026"."""
    name = WEEKDAYS["vi" if lang == "vi" else "en"][day.weekday()]
    return f"{name}, {_d(day)}" if lang == "vi" else f"{name} {_d(day)}"


def money(vnd: int, lang: str) -> str:
    return f"{vnd:,}".replace(",", "." if lang == "vi" else ",")


def fee_text(strings: Strings, vnd: int, lang: str) -> str:
    if vnd == 0:
        return strings.text_in(lang, "info_fee_free")
    return strings.text_in(lang, "info_fee_amount").replace("%1", money(vnd, lang))


def pages_text(strings: Strings, pages: int, lang: str) -> str:
    if pages == 1:
        return strings.text_in(lang, "review_document_page")
    return strings.text_in(lang, "review_document_pages").replace("%1", str(pages))


def appointment_slip(strings: Strings, got: Received, office: Office) -> Receipt:
    """The office's receiving slip, in Vietnamese."""
    def t(string_id: str) -> str:
        return strings.text_in("vi", string_id)

    record, procedure = got.record, got.procedure
    received: datetime = record.confirmed_at.astimezone()
    documents: list[Line] = [Line(t("slip_documents"), "bold")]
    if got.documents:
        documents += [
            Line(f"{i}. {title}: {pages_text(strings, pages, 'vi')}")
            for i, (title, _en, pages) in enumerate(got.documents, start=1)
        ]
    else:
        documents.append(Line(t("slip_no_documents")))
    collect = [Row(t("slip_collect_at"), office.collect_at, stacked=True)]
    if office.hotline:
        collect.append(Row(t("slip_hotline"), office.hotline, stacked=True))
    return Receipt(
        header=(),
        rows=(),
        big_text=None,
        qr_text=None,
        footer=(),
        blocks=(
            Line(office.authority.upper(), "title", "centre"),
            Line(t("slip_motto_1"), "bold", "centre"),
            Line(t("slip_motto_2"), "body", "centre"),
            Rule(),
            Line(t("slip_title"), "title", "centre"),
            Line(t("slip_code"), "body", "centre"),
            Line(record.application_code, "big", "centre"),
            Rule(),
            Row(t("slip_applicant"), got.full_name),
            Row(t("slip_procedure"), procedure.title_vi),
            Row(t("slip_received"), f"{received:%H:%M}, {weekday_date(received.date(), 'vi')}"),
            *documents,
            Row(t("slip_fee"), fee_text(strings, got.fee_vnd, "vi")),
            Rule(),
            Line(t("slip_appointment"), "title", "centre"),
            Line(weekday_date(record.appointment_date, "vi"), "title", "centre"),
            Line(t("slip_hours").replace("%1", office.hours_vi), "body", "centre"),
            *collect,
            Qr(slip_qr_text(record.application_code, record.lookup_token)),  # token: full status
            Line(t("slip_lookup"), "body", "centre"),
            Line(t("slip_footer"), "body", "centre"),
            Row(t("slip_kiosk"), office.kiosk_id, bold=False),
        ),
    )


def commune_in(name: str, lang: str) -> str:
    """"Xã Quế Châu" in English reads "Quế Châu Commune" (likewise Phường: Ward, Thị trấn: Town)."""
    if lang == "vi":
        return name
    for vi, en in (("Xã ", "Commune"), ("Phường ", "Ward"), ("Thị trấn ", "Town")):
        if name.casefold().startswith(vi.casefold()):
            return f"{name[len(vi):]} {en}"
    return name


def queue_ticket(strings: Strings, number: str, field_title: str, commune: str, day: date,
                 *, ahead: int | None = None) -> Receipt:
    """``ahead``: people of the field still waiting before this number when it was issued."""
    t = strings.text
    place = commune_in(commune, strings.lang_code())
    if strings.lang_code() == "vi":  # "UBND xã Quế Châu", as the office writes it
        place = place[:1].lower() + place[1:]
    rows = [(t("ticket_field"), field_title), (t("ticket_day"), _d(day))]
    if ahead is not None:
        rows.append((t("ticket_ahead"), t("ticket_ahead_n").replace("%1", str(ahead))))
    return Receipt(
        header=(t("slip_authority").replace("%1", place), t("ticket_title")),
        rows=tuple(rows),
        big_text=number,
        qr_text=None,
        footer=(t("ticket_footer"),),
    )
