"""The current question: label, kind, picker options, the answer so far and its error.

A question asking another person's name (spouse, the deceased...) first offers "Quét thẻ căn
cước của người đó": the QR of their card fills the name (and that person's date of birth when the
procedure asks it next), read and cross-checked exactly like the citizen's own card. Typing is the
fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from kiosk.domain.catalog_model import Catalog, Field, FieldKind, Lang, Option
from kiosk.domain.cccd import QrRejected, parse_cccd
from kiosk.domain.session import Session
from kiosk.domain.text import clean
from kiosk.ui.i18n import Strings
from kiosk.ui.qtbind import qproperty, slot
from kiosk.ui.vn_typing import TONES, add_letter, apply_tone, erase


class CardReader(Protocol):
    """The camera's QR payloads while someone listens (``login_vm.QrSession``)."""

    def listen(self, target: Callable[[bytes], None]) -> None: ...

    def stop(self) -> None: ...


def person_prefix(field: Field) -> str | None:
    """``partner_name`` -> ``partner``: a text question for another person's name, else None."""
    if field.kind is FieldKind.TEXT and field.id.endswith("_name"):
        return field.id.removesuffix("_name")
    return None


def likely_date(field: Field, today: date) -> date:
    """Where the date pickers start: near the likely answer, not on 1/1/1970.

    A birth date that must be some years ago starts that many years back (at least 30); any other
    date (a death, an event) starts today, the most likely neighbourhood.
    """
    if field.min_years_ago is not None:
        years = max(field.min_years_ago, 30)
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - years, day=28)
    return today


class FormVm(QObject):
    """One question on screen; answers live in the flow's draft, validation in ``Field``."""

    changed = Signal()

    def __init__(self, strings: Strings, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._strings = strings
        self._catalog = catalog
        self._field: Field | None = None
        self._index = 0
        self._count = 0
        self._value = ""
        self._error = ""
        self._reader: CardReader | None = None
        self._scanning = False
        self._card_message_id = ""
        self._own_id = ""  # the applicant's ID: their own card is not the other person's
        self._prefill: dict[str, str] = {}  # answers read from another person's card
        strings.changed.connect(self.changed)

    def attach_reader(self, reader: CardReader) -> None:
        self._reader = reader

    def show(self, session: Session) -> None:
        field = session.current_field
        if field is None:
            self.clear()
            return
        position, count = session.question_position()
        self._stop_scan()
        self._card_message_id = ""
        self._own_id = session.identity.citizen_id if session.identity is not None else ""
        self._field = field
        self._index = max(0, position - 1)
        self._count = count
        self._value = session.answers.get(field.id, "") or self._prefill.get(field.id, "")
        if field.kind is FieldKind.DATE and not self._value:
            self._value = likely_date(field, date.today()).isoformat()
        self._error = ""
        self.changed.emit()

    @property
    def field(self) -> Field | None:
        return self._field

    def value(self) -> str:
        return clean(self._value)

    def set_error(self, message_id: str) -> None:
        self._error = self._strings.text(message_id) if message_id else ""
        self.changed.emit()

    def clear(self) -> None:
        self._stop_scan()
        self._field = None
        self._value = ""
        self._error = ""
        self._card_message_id = ""
        self._prefill = {}
        self.changed.emit()

    # -- another person's card -------------------------------------------------------------
    def _stop_scan(self) -> None:
        if self._scanning and self._reader is not None:
            self._reader.stop()
        self._scanning = False

    @slot()
    def scan_card(self) -> None:
        f = self._field
        if f is None or person_prefix(f) is None or self._reader is None:
            return
        self._scanning = True
        self._card_message_id = "card_other_hold"
        self._reader.listen(self._card_read)
        self.changed.emit()

    @slot()
    def stop_card(self) -> None:
        self._stop_scan()
        self._card_message_id = ""
        self.changed.emit()

    def _card_read(self, payload: bytes) -> None:
        f = self._field
        prefix = person_prefix(f) if f is not None else None
        if not self._scanning or f is None or prefix is None:
            return
        result = parse_cccd(payload)
        if isinstance(result, QrRejected):
            self._card_message_id = "card_other_unreadable"
        elif self._own_id and result.citizen_id == self._own_id:
            self._card_message_id = "card_other_is_yours"
        else:
            self._stop_scan()
            self._value = result.full_name
            self._error = ""
            self._card_message_id = "card_other_read"
            self._prefill[f"{prefix}_birth_date"] = result.date_of_birth.isoformat()
        self.changed.emit()

    def _get_can_scan(self) -> bool:
        return self._field is not None and person_prefix(self._field) is not None and (
            self._reader is not None)

    def _get_scanning(self) -> bool:
        return self._scanning

    def _get_card_message(self) -> str:
        return self._strings.text(self._card_message_id) if self._card_message_id else ""

    def _lang(self) -> str:
        return self._strings.lang_code()

    def _options_of(self, field: Field) -> tuple[Option, ...]:
        if field.options:
            return field.options
        if field.kind is FieldKind.PLACE:
            return tuple(p.as_option() for p in self._catalog.places)
        if field.kind is FieldKind.YES_NO:
            return (Option("yes", "Có", "Yes"), Option("no", "Không", "No"))
        return ()

    def _get_label(self) -> str:
        f = self._field
        return "" if f is None else (f.label_vi if self._lang() == "vi" else f.label_en)

    def _get_help(self) -> str:
        f = self._field
        return "" if f is None else (f.help_vi if self._lang() == "vi" else f.help_en)

    def _get_kind(self) -> str:
        return "" if self._field is None else self._field.kind.value

    def _get_options(self) -> list[dict[str, Any]]:
        if self._field is None:
            return []
        lang: Lang = "vi" if self._lang() == "vi" else "en"
        return [{"value": o.value, "label": o.label(lang)} for o in self._options_of(self._field)]

    def _get_value(self) -> str:
        return self._value

    def _get_error(self) -> str:
        return self._error

    def _get_index(self) -> int:
        return self._index

    def _get_count(self) -> int:
        return self._count

    def _date(self) -> date:
        try:
            return date.fromisoformat(self._value)
        except ValueError:
            return date(1970, 1, 1)

    def _get_day(self) -> int:
        return self._date().day

    def _get_month(self) -> int:
        return self._date().month

    def _get_year(self) -> int:
        return self._date().year

    label = qproperty(str, _get_label, notify=changed)
    help = qproperty(str, _get_help, notify=changed)
    kind = qproperty(str, _get_kind, notify=changed)
    options = qproperty("QVariantList", _get_options, notify=changed)
    value_text = qproperty(str, _get_value, notify=changed)
    error = qproperty(str, _get_error, notify=changed)
    index = qproperty(int, _get_index, notify=changed)
    count = qproperty(int, _get_count, notify=changed)
    day = qproperty(int, _get_day, notify=changed)
    month = qproperty(int, _get_month, notify=changed)
    year = qproperty(int, _get_year, notify=changed)
    can_scan_card = qproperty(bool, _get_can_scan, notify=changed)
    scanning_card = qproperty(bool, _get_scanning, notify=changed)
    card_message = qproperty(str, _get_card_message, notify=changed)

    @slot(str)
    def choose(self, value: str) -> None:
        self._value = value
        self._error = ""
        self.changed.emit()

    @slot(str)
    def set_text(self, text: str) -> None:
        self._value = text
        self._error = ""
        self.changed.emit()

    # -- the kiosk's own keyboard (names) ---------------------------------------------------------
    @slot(str)
    def key(self, letter: str) -> None:
        """A letter key (or " ") of the on-screen keyboard."""
        if self._field is not None and self._field.kind is FieldKind.TEXT and len(letter) == 1:
            self.set_text(add_letter(self._value, letter))

    @slot(str)
    def tone(self, tone: str) -> None:
        """sac | huyen | hoi | nga | nang: on the right vowel of the word being typed."""
        if tone in TONES:
            self.set_text(apply_tone(self._value, tone))

    @slot()
    def erase_letter(self) -> None:
        self.set_text(erase(self._value))

    @slot(str, int)
    def step_date(self, part: str, delta: int) -> None:
        d = self._date()
        day, month, year = d.day, d.month, d.year
        if part == "day":
            day = (day - 1 + delta) % 31 + 1
        elif part == "month":
            month = (month - 1 + delta) % 12 + 1
        else:
            year += delta
        for candidate in (day, 30, 29, 28):
            try:
                self._value = date(year, month, min(day, candidate)).isoformat()
                break
            except ValueError:
                continue
        self._error = ""
        self.changed.emit()
