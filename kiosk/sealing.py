"""Sealing: the moment a confirmed application becomes permanent, encrypted and unreadable here.

One ``BEGIN IMMEDIATE`` transaction allocates the kiosk sequence number, derives the application
code, writes every encrypted document file atomically (temp, fsync, rename, directory fsync) and
then inserts the rows; the commit is the instant the application exists. A crash before it leaves
only files that the start-up sweep deletes; after it, everything is on disk. The application key
K lives only in this function's frame: once it returns, the kiosk cannot read the content back.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import NamedTuple

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from devices.imaging.pdf import pages_to_pdf
from kiosk.domain.appcode import application_code
from kiosk.domain.application import Confirmation as DomainConfirmation
from kiosk.domain.application import ConfirmationMethod, ConfirmedApplication
from kiosk.domain.catalog_model import Catalog
from kiosk.domain.workdays import HolidayCalendar
from kiosk.domain.workdays import appointment_date as appointment_after
from kiosk.pages import decode_pages
from kiosk.store.applications import (
    DocumentRecord,
    SealedRecord,
    allocate_kiosk_seq,
    get_application,
    insert_sealed,
    transition,
)
from kiosk.store.db import Store
from kiosk.store.errors import StateConflictError, StoreUnavailable
from kiosk.store.files import FileWriter, atomic_write, ensure_dir
from kiosk.store.schema import DOCS_DIRNAME, ApplicationState
from kiosk.store.sweep import discard_unsealed
from sync.api import (
    ApplicationManifest,
    DocumentEntry,
    KioskCodeConfirmation,
    OtpConfirmation,
    SealedPayload,
    format_utc,
    is_safe_id,
    new_application_key,
    seal_document,
    seal_payload,
    sha256_hex,
)
from sync.api import ManifestConfirmation as Confirmation

PDF_MIME = "application/pdf"
VIETNAM = timezone(timedelta(hours=7), "ICT")  # no daylight saving in Vietnam


class DocumentToSeal(NamedTuple):
    """One document as the scanner step produced it: ``(doc_id, kind, pages, pdf)``."""

    doc_id: str
    kind: str
    pages: int
    pdf: bytes
    mime: str = PDF_MIME


@dataclass(frozen=True)
class SealingKeys:
    """The kiosk's identity and the gateway's encryption key, from provisioning."""

    kiosk_id: str
    kiosk_prefix: str
    gateway_enc_pub: X25519PublicKey


def seal(
    store: Store,
    app: ConfirmedApplication,
    documents: Sequence[DocumentToSeal | tuple[str, str, int, bytes]],
    *,
    keys: SealingKeys,
    appointment_date: date,
    writer: FileWriter = atomic_write,
) -> SealedRecord:
    """Seal ``app`` with its documents; returns what the slip needs.

    Idempotent: sealing an application id that is already sealed returns the first record and
    writes nothing. Raises ``StoreUnavailable`` (disk full, read-only...) with nothing left
    half-written; the citizen's session can retry once the technician has freed the disk.
    """
    application_id = str(app.application_id)
    existing = get_application(store, application_id)
    if existing is not None:
        return existing
    docs = [DocumentToSeal(*d) for d in documents]
    _check_documents(docs)

    k = new_application_key()
    sealed_files = [seal_document(k, application_id, d.doc_id, d.pdf) for d in docs]
    payload = seal_payload(k, application_id, _plaintext(app, docs), keys.gateway_enc_pub)
    del k
    entries = tuple(
        DocumentEntry(
            doc_id=d.doc_id,
            kind=d.kind,
            pages=d.pages,
            size=len(data),
            sha256=sha256_hex(data),
            mime=d.mime,
        )
        for d, data in zip(docs, sealed_files, strict=True)
    )

    app_dir = store.docs_dir / application_id
    attempted = False
    try:
        with store.write() as conn:
            if not _exists(conn, application_id):  # else sealed meanwhile by another caller
                attempted = True
                seq = allocate_kiosk_seq(conn)
                manifest = ApplicationManifest(
                    application_id=application_id,
                    kiosk_id=keys.kiosk_id,
                    kiosk_seq=seq,
                    application_code=application_code(keys.kiosk_prefix, seq),
                    procedure_code=app.procedure_code,
                    catalog_version=str(app.catalog_version),
                    confirmed_at=format_utc(app.confirmed_at),
                    confirmation=_confirmation(app.confirmation),
                    payload=SealedPayload(**payload),
                    documents=entries,
                )
                ensure_dir(app_dir)
                for entry, data in zip(entries, sealed_files, strict=True):
                    writer(app_dir, entry.doc_id, data)
                _insert(conn, store.now_text(), app, manifest, appointment_date)
    except BaseException:
        if attempted:  # no row: delete what reached the disk (only once proven unreferenced)
            discard_unsealed(store, application_id)
        raise
    return _hand_over(store, application_id)


@dataclass(frozen=True)
class SealContext:
    """What sealing a confirmed application needs besides the application itself."""

    store: Store
    keys: SealingKeys
    catalog: Catalog
    holidays: HolidayCalendar
    scan_dpi: int = 200
    # kiosk.clock_trust.ClockGuard: the time to seal with, or ClockNotTrusted (issue 11 item 7)
    clock_guard: Callable[[datetime], datetime] | None = None


def seal_application(ctx: SealContext, app: ConfirmedApplication) -> SealedRecord:
    """The citizen's confirmed application, sealed: its pages → compact PDFs → :func:`seal`.

    The one way from a confirmation to the store, for the citizen UI and ``kiosk sim submit``
    alike. Idempotent by the application id: a retry after a failure never duplicates.
    """
    if ctx.clock_guard is not None:  # no seal, no appointment date, while the clock is implausible
        at = ctx.clock_guard(app.confirmed_at)
        if at != app.confirmed_at:  # the clock was put right since the citizen confirmed
            app = dataclasses.replace(app, confirmed_at=at)
    procedure = ctx.catalog.get(app.procedure_code)
    docs = [DocumentToSeal(d.doc_id, d.kind, d.page_count, pages_to_pdf(decode_pages(d.pages), ctx.scan_dpi))
            for d in app.documents if d.pages]  # fmt: skip
    due = appointment_after(app.confirmed_at.astimezone(VIETNAM), procedure.processing_days, ctx.holidays)
    return seal(ctx.store, app, docs, keys=ctx.keys, appointment_date=due)


def _exists(conn: sqlite3.Connection, application_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM applications WHERE application_id = ?", (application_id,)).fetchone()
    return row is not None


def _insert(
    conn: sqlite3.Connection,
    at: str,
    app: ConfirmedApplication,
    manifest: ApplicationManifest,
    appointment_date: date,
) -> None:
    """The rows: what the slip and status need, the sealed body, the document files."""
    application_id = manifest.application_id
    record = SealedRecord(
        application_id=application_id,
        kiosk_seq=manifest.kiosk_seq,
        application_code=manifest.application_code,
        procedure_code=manifest.procedure_code,
        catalog_version=manifest.catalog_version,
        masked_name=app.identity.masked_name(),
        confirmed_at=app.confirmed_at,
        appointment_date=appointment_date,
        state=ApplicationState.SEALED,
        manifest_sha256=manifest.manifest_sha256,
    )
    documents = [
        DocumentRecord(
            application_id=application_id,
            doc_id=e.doc_id,
            kind=e.kind,
            pages=e.pages,
            size=e.size,
            sha256=e.sha256,
            mime=e.mime,
            path=f"{DOCS_DIRNAME}/{application_id}/{e.doc_id}",
        )
        for e in manifest.documents
    ]
    insert_sealed(conn, record, manifest.to_json(), documents, at)


def _hand_over(store: Store, application_id: str) -> SealedRecord:
    """Queue the freshly sealed application for the agent.

    The application is already safe; if the disk fills between the two commits the start-up
    sweep queues it instead, so this step never turns a sealed application into an error.
    """
    try:
        return transition(
            store,
            application_id,
            ApplicationState.QUEUED,
            detail="handed to the sync agent",
            expected_from=ApplicationState.SEALED,
        )
    except (StoreUnavailable, StateConflictError):  # queued by another caller, or by the sweep
        record = get_application(store, application_id)
        assert record is not None
        return record


def _check_documents(docs: Sequence[DocumentToSeal]) -> None:
    ids = [d.doc_id for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate doc_id in {ids}")
    for d in docs:
        if not is_safe_id(d.doc_id):
            raise ValueError(f"doc_id {d.doc_id!r}: letters, digits, _ - . only")
        if d.pages < 1:
            raise ValueError(f"document {d.doc_id!r} has no pages")


def _plaintext(app: ConfirmedApplication, docs: Sequence[DocumentToSeal]) -> dict[str, object]:
    """``{identity, answers, documents_meta}``: the content only the gateway can open."""
    who = app.identity
    return {
        "identity": {
            "citizen_id": who.citizen_id,
            "old_id": who.old_id,
            "full_name": who.full_name,
            "date_of_birth": who.date_of_birth.isoformat(),
            "gender": str(who.gender),
            "address": who.address,
            "issue_date": who.issue_date.isoformat() if who.issue_date else None,
        },
        "answers": dict(app.answers),
        "documents_meta": [
            {"doc_id": d.doc_id, "kind": d.kind, "pages": d.pages, "mime": d.mime} for d in docs
        ],
    }


def _confirmation(confirmation: DomainConfirmation) -> Confirmation:
    """When the OTP was verified, or when the kiosk code was shown (not when OK was tapped)."""
    at = format_utc(confirmation.at)
    match confirmation.method:
        case ConfirmationMethod.OTP:
            return OtpConfirmation(otp_verified_at=at)
        case ConfirmationMethod.KIOSK_CODE:
            return KioskCodeConfirmation(shown_at=at)
    raise ValueError(f"unknown confirmation method {confirmation.method!r}")
