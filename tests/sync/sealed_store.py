"""Test helper: a real kiosk store holding applications sealed by the kiosk's own sealer.

The sync tests run the agent on exactly the bytes the kiosk produces: ``kiosk.sealing.seal``
writes the encrypted files and rows (state ``queued``, manifest_json = the canonical PUT body).
Page content is random (incompressible), like a scanned PDF as far as the wire is concerned.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from kiosk.domain.application import Confirmation, ConfirmationMethod, ConfirmedApplication
from kiosk.domain.identity import Gender, Identity
from kiosk.sealing import DocumentToSeal, SealingKeys, seal
from kiosk.store.db import open_store

DEFAULT_DOCS: tuple[tuple[str, int], ...] = (("don", 1), ("giay-to-kem", 2))
"""Two documents, three pages in all: the application form and one supporting document."""

CITIZEN = Identity(citizen_id="001085012345", old_id="", full_name="Nguyễn Văn An",
                   date_of_birth=date(1985, 3, 1), gender=Gender.MALE,
                   address="Thôn 2, xã Tân Phú", issue_date=date(2021, 5, 1))


@dataclass(frozen=True)
class SealedApp:
    application_id: str
    kiosk_seq: int
    manifest_sha256: str
    documents: dict[str, tuple[int, str]]  # doc_id -> (size, sha256) of the encrypted file


def create_store(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    db_path = directory / "kiosk.sqlite3"
    open_store(db_path).close()
    return db_path


def seal_applications(
    db_path: Path,
    kiosk_id: str,
    gateway_enc_pub: X25519PublicKey,
    count: int,
    *,
    page_bytes: int = 20_000,
    docs: Sequence[tuple[str, int]] = DEFAULT_DOCS,
    seed: int = 1,
    confirmed_at: datetime | None = None,
) -> list[SealedApp]:
    """Seal ``count`` applications through the kiosk's sealer (confirmed now, or when told)."""
    rng = random.Random(seed)
    keys = SealingKeys(kiosk_id=kiosk_id, kiosk_prefix="K01", gateway_enc_pub=gateway_enc_pub)
    made: list[SealedApp] = []
    with open_store(db_path) as store:
        for _ in range(count):
            when = (confirmed_at or datetime.now(UTC)).replace(microsecond=0)
            app = ConfirmedApplication(
                application_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                procedure_code="HT-XNHN", catalog_version="1", identity=CITIZEN, answers={},
                documents=(),  # the pages travel as the PDFs below
                confirmed_at=when, confirmation=Confirmation(ConfirmationMethod.KIOSK_CODE, when))
            pages = [DocumentToSeal(doc_id, "scan", n, rng.randbytes(page_bytes * n))
                     for doc_id, n in docs]
            record = seal(store, app, pages, keys=keys, appointment_date=date(2026, 12, 1))
            made.append(SealedApp(record.application_id, record.kiosk_seq,
                                  record.manifest_sha256, _documents(db_path,
                                                                     record.application_id)))
    return made


def _documents(db_path: Path, app_id: str) -> dict[str, tuple[int, str]]:
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute("SELECT doc_id, size, sha256 FROM documents WHERE application_id = ?",
                            (app_id,)).fetchall()
    finally:
        conn.close()
    return {r[0]: (r[1], r[2]) for r in rows}


def states(db_path: Path) -> dict[str, str]:
    conn = sqlite3.connect(db_path)
    try:
        return dict(conn.execute("SELECT application_id, state FROM applications").fetchall())
    finally:
        conn.close()
