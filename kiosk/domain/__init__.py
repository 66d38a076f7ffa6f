"""The kiosk's domain in pure Python (no Qt, no storage, no devices): catalog, identity, rules, flow.

The names below are the public API; import them from `kiosk.domain`.
"""

from kiosk.domain.appcode import AppCode, application_code, is_valid_code, parse_code
from kiosk.domain.application import (
    Confirmation,
    ConfirmationMethod,
    ConfirmedApplication,
    DocumentPages,
    Rating,
)
from kiosk.domain.catalog import (
    Catalog,
    CatalogError,
    Condition,
    DocumentRequirement,
    Field,
    FieldKind,
    Group,
    Lang,
    Msg,
    Need,
    Option,
    Place,
    Procedure,
    load_catalog,
    load_places,
)
from kiosk.domain.cccd import QrRejected, RejectCode, format_cccd, looks_like_vneid, parse_cccd
from kiosk.domain.fake_citizens import FakeCitizens, sample_identities
from kiosk.domain.identity import Gender, Identity
from kiosk.domain.session import (
    ChecklistItem,
    CodeCheck,
    EndReason,
    IdlePhase,
    IdleStatus,
    Session,
    Step,
    StepError,
)
from kiosk.domain.text import clean, nfc
from kiosk.domain.workdays import HolidayCalendar, HolidayDataError, appointment_date, load_holidays

__all__ = [
    "AppCode",
    "Catalog",
    "CatalogError",
    "ChecklistItem",
    "CodeCheck",
    "Condition",
    "Confirmation",
    "ConfirmationMethod",
    "ConfirmedApplication",
    "DocumentPages",
    "DocumentRequirement",
    "EndReason",
    "FakeCitizens",
    "Field",
    "FieldKind",
    "Gender",
    "Group",
    "HolidayCalendar",
    "HolidayDataError",
    "Identity",
    "IdlePhase",
    "IdleStatus",
    "Lang",
    "Msg",
    "Need",
    "Option",
    "Place",
    "Procedure",
    "QrRejected",
    "Rating",
    "RejectCode",
    "Session",
    "Step",
    "StepError",
    "application_code",
    "appointment_date",
    "clean",
    "format_cccd",
    "is_valid_code",
    "load_catalog",
    "load_holidays",
    "load_places",
    "looks_like_vneid",
    "nfc",
    "parse_cccd",
    "parse_code",
    "sample_identities",
]
