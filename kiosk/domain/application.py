"""What a confirmed application holds when it leaves the session for the store.

Kept Qt-free: document pages are encoded image bytes (PNG or JPEG, as the scanner adapter produced
them), so the domain can hold, count and wipe them without knowing about images.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from kiosk.domain.identity import Identity


class ConfirmationMethod(StrEnum):
    """How the citizen confirmed the declaration (sent to the gateway as is)."""

    OTP = "otp"
    KIOSK_CODE = "kiosk_code"


@dataclass(frozen=True)
class Confirmation:
    """`at` is when the OTP was verified, or when the kiosk code was shown (gateway-api.md)."""

    method: ConfirmationMethod
    at: datetime


@dataclass(frozen=True)
class DocumentPages:
    """One document's scanned pages, in order; `kind` is the catalog's requirement id."""

    doc_id: str
    kind: str
    pages: tuple[bytes, ...]

    @property
    def page_count(self) -> int:
        return len(self.pages)


@dataclass(frozen=True)
class ConfirmedApplication:
    """An application the citizen has confirmed; from here on it must never be lost."""

    application_id: UUID
    procedure_code: str
    catalog_version: str
    identity: Identity
    answers: Mapping[str, str]
    documents: tuple[DocumentPages, ...]
    confirmed_at: datetime
    confirmation: Confirmation


@dataclass(frozen=True)
class Rating:
    """A one-tap satisfaction rating (1 unhappy .. 3 happy), anonymous by construction."""

    rating_id: UUID
    at: datetime
    procedure_code: str
    score: int
