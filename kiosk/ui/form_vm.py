"""The current question: label, kind, picker options, the answer so far and its error."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.domain.catalog_model import Catalog, Field, FieldKind, Lang, Option
from kiosk.domain.session import Session
from kiosk.domain.text import clean
from kiosk.ui.i18n import Strings
from kiosk.ui.qtbind import qproperty, slot


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
        strings.changed.connect(self.changed)

    def show(self, session: Session) -> None:
        field = session.current_field
        if field is None:
            self.clear()
            return
        position, count = session.question_position()
        self._field = field
        self._index = max(0, position - 1)
        self._count = count
        self._value = session.answers.get(field.id, "")
        if field.kind is FieldKind.DATE and not self._value:
            self._value = date(1970, 1, 1).isoformat()
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
        self._field = None
        self._value = ""
        self._error = ""
        self.changed.emit()

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
