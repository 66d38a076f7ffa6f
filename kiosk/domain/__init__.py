"""The kiosk's domain in pure Python (no Qt, no storage, no devices): catalog, identity, rules, flow.

The names below are the public API; import them from `kiosk.domain`.
"""

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
from kiosk.domain.identity import Gender, Identity
from kiosk.domain.text import clean, nfc

__all__ = [
    "Catalog",
    "CatalogError",
    "Condition",
    "DocumentRequirement",
    "Field",
    "FieldKind",
    "Gender",
    "Group",
    "Identity",
    "Lang",
    "Msg",
    "Need",
    "Option",
    "Place",
    "Procedure",
    "QrRejected",
    "RejectCode",
    "clean",
    "format_cccd",
    "load_catalog",
    "load_places",
    "looks_like_vneid",
    "nfc",
    "parse_cccd",
]
