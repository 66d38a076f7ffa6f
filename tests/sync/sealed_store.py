"""Test helper: a real kiosk store holding sealed applications, made with sync.protocol.

Stands in for the kiosk's sealer in the sync tests: it writes encrypted document files and
rows exactly as sealing leaves them (state ``queued``, manifest_json = the canonical PUT body),
so the agent is exercised on the same bytes the kiosk produces.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from kiosk.store.db import connect, migrate
from kiosk.store.schema import DOCS_DIRNAME, ApplicationState
from sync.protocol.envelope import new_application_key, seal_document, seal_payload
from sync.protocol.messages import (
    ApplicationManifest,
    DocumentEntry,
    KioskCodeConfirmation,
    SealedPayload,
)

DEFAULT_DOCS: tuple[tuple[str, int], ...] = (("don", 1), ("giay-to-kem", 2))
"""Two documents, three pages in all: the application form and one supporting document."""


@dataclass(frozen=True)
class SealedApp:
    application_id: str
    kiosk_seq: int
    manifest_sha256: str
    documents: dict[str, tuple[int, str]]  # doc_id -> (size, sha256) of the encrypted file


def create_store(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    db_path = directory / "kiosk.sqlite3"
    conn = connect(db_path)
    try:
        migrate(conn)
    finally:
        conn.close()
    return db_path


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def seal_applications(
    db_path: Path,
    kiosk_id: str,
    gateway_enc_pub: X25519PublicKey,
    count: int,
    *,
    page_bytes: int = 20_000,
    docs: Sequence[tuple[str, int]] = DEFAULT_DOCS,
    seed: int = 1,
) -> list[SealedApp]:
    """Seal ``count`` applications with random (incompressible) page content."""
    rng = random.Random(seed)
    data_dir = db_path.parent
    conn = connect(db_path)
    made: list[SealedApp] = []
    try:
        for _ in range(count):
            made.append(_seal_one(conn, data_dir, kiosk_id, gateway_enc_pub=gateway_enc_pub,
                                  rng=rng, page_bytes=page_bytes, docs=docs))
    finally:
        conn.close()
    return made


def _seal_one(conn: sqlite3.Connection, data_dir: Path, kiosk_id: str, *,
              gateway_enc_pub: X25519PublicKey, rng: random.Random, page_bytes: int,
              docs: Sequence[tuple[str, int]]) -> SealedApp:
    app_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    k = new_application_key()
    now = _now()
    conn.execute("BEGIN IMMEDIATE")
    try:
        seq = int(conn.execute("SELECT value FROM counters WHERE name = 'kiosk_seq'")
                  .fetchone()[0]) + 1
        conn.execute("UPDATE counters SET value = ? WHERE name = 'kiosk_seq'", (seq,))
        entries: list[DocumentEntry] = []
        files: list[tuple[str, int, int, str, str]] = []
        app_dir = data_dir / DOCS_DIRNAME / app_id
        app_dir.mkdir(parents=True, exist_ok=True)
        for doc_id, pages in docs:
            pdf = rng.randbytes(page_bytes * pages)
            sealed = seal_document(k, app_id, doc_id, pdf)
            (app_dir / doc_id).write_bytes(sealed)
            sha = hashlib.sha256(sealed).hexdigest()
            entries.append(DocumentEntry(doc_id, "scan", pages, len(sealed), sha))
            files.append((doc_id, pages, len(sealed), sha, f"{DOCS_DIRNAME}/{app_id}/{doc_id}"))
        payload = seal_payload(k, app_id, {"identity": {"full_name": "Nguyễn Văn An"},
                                           "answers": {}, "documents_meta": []}, gateway_enc_pub)
        manifest = ApplicationManifest(
            application_id=app_id, kiosk_id=kiosk_id, kiosk_seq=seq,
            application_code=f"K01-{seq:06d}", procedure_code="HT-XNHN", catalog_version="1",
            confirmed_at=now, confirmation=KioskCodeConfirmation(shown_at=now),
            payload=SealedPayload(**payload), documents=tuple(entries))
        body = manifest.to_json()
        conn.execute(
            "INSERT INTO applications(application_id, kiosk_seq, application_code, "
            "procedure_code, catalog_version, masked_name, confirmed_at, appointment_date, "
            "state, manifest_json, manifest_sha256, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (app_id, seq, f"K01-{seq:06d}", "HT-XNHN", "1", "Nguyễn V*** A**", now,
             "2026-12-01", ApplicationState.QUEUED, body.decode(), manifest.manifest_sha256,
             now, now))
        conn.executemany(
            "INSERT INTO documents(application_id, doc_id, kind, pages, size, sha256, mime, "
            "path) VALUES (?,?,?,?,?,?,?,?)",
            [(app_id, d, "scan", p, n, sha, "application/pdf", path)
             for d, p, n, sha, path in files])
        conn.execute("INSERT INTO application_events(application_id, at, from_state, to_state, "
                     "detail) VALUES (?,?,?,?,?)", (app_id, now, None, "queued", "sealed"))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SealedApp(app_id, seq, manifest.manifest_sha256,
                     {d: (n, sha) for d, _p, n, sha, _path in files})


def states(db_path: Path) -> dict[str, str]:
    conn = sqlite3.connect(db_path)
    try:
        return dict(conn.execute("SELECT application_id, state FROM applications").fetchall())
    finally:
        conn.close()
