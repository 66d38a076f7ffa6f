"""From a confirmed session to a sealed application: pages → compact PDFs → seal.

Shared by the citizen UI's confirmation step and `kiosk sim submit`, so testers' load and the
real path are one and the same code.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Protocol

from PIL import Image

from devices.imaging.pdf import pages_to_pdf
from kiosk.domain.catalog import Catalog
from kiosk.domain.identity import Identity
from kiosk.domain.workdays import HolidayCalendar, appointment_date
from kiosk.sealing import DocumentToSeal, SealingKeys, seal
from kiosk.store.applications import SealedRecord
from kiosk.store.db import Store

VIETNAM = timezone(timedelta(hours=7), "ICT")  # no daylight saving in Vietnam


@dataclass(frozen=True)
class ConfirmationInfo:
    method: str  # "kiosk_code" or "otp"
    at: datetime


@dataclass(frozen=True)
class Submission:
    """What the citizen confirmed, in memory only until sealed."""

    procedure_code: str
    catalog_version: str
    identity: Identity
    answers: Mapping[str, str]
    documents: Mapping[str, Sequence[Image.Image]]
    confirmed_at: datetime
    method: str = "kiosk_code"
    application_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def confirmation(self) -> ConfirmationInfo:
        return ConfirmationInfo(self.method, self.confirmed_at)


@dataclass(frozen=True)
class SealContext:
    store: Store
    keys: SealingKeys
    catalog: Catalog
    holidays: HolidayCalendar
    scan_dpi: int = 200


def seal_submission(ctx: SealContext, sub: Submission) -> SealedRecord:
    """Seal one submission; idempotent by its application id (a retry never duplicates)."""
    procedure = ctx.catalog.get(sub.procedure_code)
    docs = [DocumentToSeal(doc_id, doc_id, len(pages), pages_to_pdf(list(pages), ctx.scan_dpi))
            for doc_id, pages in sub.documents.items() if pages]
    local = sub.confirmed_at.astimezone(VIETNAM)
    due = appointment_date(local, procedure.processing_days, ctx.holidays)
    return seal(ctx.store, sub, docs, keys=ctx.keys, appointment_date=due)


class DraftLike(Protocol):
    """What the UI hands over at confirmation (kiosk.ui.services.Draft)."""

    @property
    def procedure_code(self) -> str: ...
    @property
    def catalog_version(self) -> str: ...
    @property
    def identity(self) -> Identity: ...
    @property
    def answers(self) -> Mapping[str, str]: ...
    @property
    def documents(self) -> Mapping[str, tuple[Image.Image, ...]]: ...
    @property
    def confirmed_at(self) -> datetime: ...
    @property
    def method(self) -> str: ...
    @property
    def application_id(self) -> uuid.UUID: ...


def seal_function(ctx: SealContext) -> Callable[[DraftLike], SealedRecord]:
    """The UI's `seal` callable: a retry of the same draft reuses its application id."""

    def seal_draft(draft: DraftLike) -> SealedRecord:
        return seal_submission(ctx, Submission(
            procedure_code=draft.procedure_code, catalog_version=draft.catalog_version,
            identity=draft.identity, answers=draft.answers, documents=draft.documents,
            confirmed_at=draft.confirmed_at, method=draft.method,
            application_id=draft.application_id))

    return seal_draft
