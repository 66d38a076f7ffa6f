"""The catalog's model: what each procedure asks, which documents it needs, how long it takes.

Immutable; built from data by `kiosk.domain.catalog.load_catalog`, which refuses a bad file with a
message that names the key.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final, Literal, assert_never

from kiosk.domain.text import clean

Lang = Literal["vi", "en"]

YES: Final = "yes"
NO: Final = "no"


class FieldKind(StrEnum):
    """How a question is answered on screen; only TEXT needs the keyboard."""

    CHOICE = "choice"
    DATE = "date"
    PLACE = "place"
    TEXT = "text"
    NUMBER = "number"
    YES_NO = "yes_no"


class Msg(StrEnum):
    """Message ids for invalid answers (the UI looks them up in `locales/`)."""

    REQUIRED = "validation.required"
    NOT_AN_OPTION = "validation.not_an_option"
    DATE_FORMAT = "validation.date_format"
    DATE_IN_FUTURE = "validation.date_in_future"
    DATE_TOO_EARLY = "validation.date_too_early"
    DATE_TOO_RECENT = "validation.date_too_recent"
    NUMBER_FORMAT = "validation.number_format"
    NUMBER_TOO_SMALL = "validation.number_too_small"
    NUMBER_TOO_LARGE = "validation.number_too_large"
    TEXT_TOO_SHORT = "validation.text_too_short"
    TEXT_TOO_LONG = "validation.text_too_long"
    TEXT_PATTERN = "validation.text_pattern"


@dataclass(frozen=True)
class Option:
    """One button of a picker; `value` is what is stored and sent, the labels are what is shown."""

    value: str
    label_vi: str
    label_en: str

    def label(self, lang: Lang) -> str:
        return self.label_vi if lang == "vi" else self.label_en


YES_NO_OPTIONS: Final = (Option(YES, "Có", "Yes"), Option(NO, "Không", "No"))


@dataclass(frozen=True)
class Condition:
    """"Answer to `field` is one of `values`" (or none of them, when `negate`).

    An unanswered (or hidden) field never satisfies a condition, so nothing is asked or demanded
    on the strength of an answer the citizen did not give.
    """

    field: str
    values: frozenset[str]
    negate: bool = False

    def holds(self, answers: Mapping[str, str]) -> bool:
        answer = answers.get(self.field)
        if answer is None:
            return False
        return (answer in self.values) != self.negate


@dataclass(frozen=True)
class Place:
    """A province-level unit (34 since July 2025); `merged_from` keeps the former names."""

    id: str
    name_vi: str
    name_en: str
    kind: Literal["city", "province"]
    merged_from: tuple[str, ...] = ()

    def as_option(self) -> Option:
        return Option(self.id, self.name_vi, self.name_en)


@dataclass(frozen=True)
class Field:
    """One question, asked on its own screen."""

    id: str
    kind: FieldKind
    label_vi: str
    label_en: str
    help_vi: str = ""
    help_en: str = ""
    required: bool = True
    options: tuple[Option, ...] = ()
    show_if: Condition | None = None
    min_value: int | None = None
    max_value: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    not_future: bool = False
    min_date: date | None = None
    min_years_ago: int | None = None

    def is_shown(self, answers: Mapping[str, str]) -> bool:
        return self.show_if is None or self.show_if.holds(answers)

    def normalise(self, value: str) -> str:
        """The stored form of an answer: NFC with whitespace folded (names typed on a touch screen).

        Numbers lose leading zeros so that "03" and "3" are the same answer.
        """
        text = clean(value)
        if self.kind is FieldKind.NUMBER and re.fullmatch(r"-?\d{1,9}", text):
            return str(int(text))
        return text

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def validate(self, value: str | None, *, today: date | None = None) -> str | None:
        """None when `value` is an acceptable answer, else a message id (`Msg`)."""
        text = "" if value is None else self.normalise(value)
        if not text:
            return Msg.REQUIRED.value if self.required else None
        match self.kind:
            case FieldKind.CHOICE | FieldKind.PLACE | FieldKind.YES_NO:
                return None if self.option(text) else Msg.NOT_AN_OPTION.value
            case FieldKind.DATE:
                return self._validate_date(text, today or date.today())
            case FieldKind.NUMBER:
                return self._validate_number(text)
            case FieldKind.TEXT:
                return self._validate_text(text)
            case _ as unreachable:
                assert_never(unreachable)

    def display(self, value: str, lang: Lang) -> str:
        """How an answer reads on the review screen and the slip."""
        option = self.option(value)
        if option is not None:
            return option.label(lang)
        if self.kind is FieldKind.DATE:
            try:
                return date.fromisoformat(value).strftime("%d/%m/%Y")
            except ValueError:
                return value
        return value

    def _validate_date(self, text: str, today: date) -> str | None:
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return Msg.DATE_FORMAT.value
        if len(text) != 10:
            return Msg.DATE_FORMAT.value
        if self.not_future and value > today:
            return Msg.DATE_IN_FUTURE.value
        if self.min_date is not None and value < self.min_date:
            return Msg.DATE_TOO_EARLY.value
        if self.min_years_ago is not None and value > _years_before(today, self.min_years_ago):
            return Msg.DATE_TOO_RECENT.value
        return None

    def _validate_number(self, text: str) -> str | None:
        if not re.fullmatch(r"-?\d{1,9}", text):
            return Msg.NUMBER_FORMAT.value
        number = int(text)
        if self.min_value is not None and number < self.min_value:
            return Msg.NUMBER_TOO_SMALL.value
        if self.max_value is not None and number > self.max_value:
            return Msg.NUMBER_TOO_LARGE.value
        return None

    def _validate_text(self, text: str) -> str | None:
        if self.min_length is not None and len(text) < self.min_length:
            return Msg.TEXT_TOO_SHORT.value
        if self.max_length is not None and len(text) > self.max_length:
            return Msg.TEXT_TOO_LONG.value
        if self.pattern is not None and not re.fullmatch(self.pattern, text):
            return Msg.TEXT_PATTERN.value
        return None


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class DocumentRequirement:
    """A document on the checklist: always required, required under a condition, or optional."""

    id: str
    title_vi: str
    title_en: str
    help_vi: str = ""
    help_en: str = ""
    required: bool = False
    required_if: Condition | None = None
    min_pages: int = 1

    def need(self, answers: Mapping[str, str]) -> "Need":
        if self.required:
            return Need.REQUIRED
        if self.required_if is None:
            return Need.OPTIONAL
        return Need.REQUIRED if self.required_if.holds(answers) else Need.NOT_NEEDED


class Need(StrEnum):
    """Whether a document is asked for, given the answers so far."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    NOT_NEEDED = "not_needed"


@dataclass(frozen=True)
class Group:
    """A field of administration; the procedure screen shows one block of buttons per group."""

    id: str
    title_vi: str
    title_en: str


@dataclass(frozen=True)
class Procedure:
    """One administrative procedure as offered at the kiosk."""

    code: str
    group: str
    title_vi: str
    title_en: str
    summary_vi: str
    summary_en: str
    fields: tuple[Field, ...]
    documents: tuple[DocumentRequirement, ...]
    processing_days: int
    fee_vnd: int
    return_in_person: bool
    processing_days_max: int | None = None
    fee_per_field: str | None = None

    def field(self, field_id: str) -> Field:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(f"{self.code} has no field {field_id!r}")

    def visible_fields(self, answers: Mapping[str, str]) -> tuple[Field, ...]:
        """The questions to ask given the answers so far, in order."""
        return tuple(f for f in self.fields if f.is_shown(answers))

    def checklist(self, answers: Mapping[str, str]) -> tuple[tuple[DocumentRequirement, Need], ...]:
        """The documents to show, each with whether it is required, in catalog order."""
        needs = ((d, d.need(answers)) for d in self.documents)
        return tuple((d, n) for d, n in needs if n is not Need.NOT_NEEDED)

    def fee(self, answers: Mapping[str, str]) -> int:
        """The fee in VND; some procedures charge per copy (`fee_per_field` names the count)."""
        if self.fee_per_field is None:
            return self.fee_vnd
        count = answers.get(self.fee_per_field, "1")
        return self.fee_vnd * (int(count) if count.isdigit() else 1)


@dataclass(frozen=True)
class Catalog:
    """Every procedure the kiosk offers, with the version that is sent with each application."""

    version: str
    groups: tuple[Group, ...]
    procedures: tuple[Procedure, ...]
    places: tuple[Place, ...] = field(default=())

    def get(self, code: str) -> Procedure:
        for procedure in self.procedures:
            if procedure.code == code:
                return procedure
        raise KeyError(f"no procedure {code!r} in catalog {self.version}")

    def in_group(self, group_id: str) -> tuple[Procedure, ...]:
        return tuple(p for p in self.procedures if p.group == group_id)

    def place(self, place_id: str) -> Place:
        for place in self.places:
            if place.id == place_id:
                return place
        raise KeyError(f"no place {place_id!r}")
