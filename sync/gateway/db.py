"""The gateway's SQLite file: schema, opening, and kiosk registration.

Applications are kept forever (permanent de-duplication); uploaded bytes live in files under
the data directory (or in S3-compatible object storage, their chunks in ``upload_chunks`` until
complete: sync.gateway.storage) and the rows here say how far each upload has got.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sync.gateway.private import private_dir, private_file, tighten
from sync.protocol.keys import decode_key
from sync.protocol.messages import is_safe_id

DB_FILE = "gateway.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS kiosks (
    kiosk_id      TEXT PRIMARY KEY,
    public_key    TEXT NOT NULL,
    registered_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS applications (
    application_id  TEXT PRIMARY KEY,
    kiosk_id        TEXT NOT NULL,
    kiosk_seq       INTEGER NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    manifest_json   BLOB NOT NULL,
    state           TEXT NOT NULL,
    receipt_no      TEXT,
    received_at     REAL NOT NULL,
    committed_at    REAL,
    updated_at      REAL NOT NULL,
    change_seq      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kiosk_id, kiosk_seq)
);
CREATE INDEX IF NOT EXISTS applications_by_change ON applications (kiosk_id, change_seq);
CREATE TABLE IF NOT EXISTS history (
    application_id TEXT NOT NULL,
    n              INTEGER NOT NULL,
    state          TEXT NOT NULL,
    at             REAL NOT NULL,
    note_vi        TEXT NOT NULL,
    PRIMARY KEY (application_id, n)
);
CREATE TABLE IF NOT EXISTS uploads (
    upload_key    TEXT PRIMARY KEY,  -- "doc/<application_id>/<doc_id>" or "bundle/<bundle_id>"
    length        INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    upload_offset INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL DEFAULT 0,
    verified      INTEGER NOT NULL DEFAULT 0,
    expires_at    REAL NOT NULL,
    hash_failures INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS upload_chunks (  -- in-progress bytes when documents go to S3
    upload_key   TEXT NOT NULL,
    chunk_offset INTEGER NOT NULL,
    data         BLOB NOT NULL,
    PRIMARY KEY (upload_key, chunk_offset)
);
CREATE TABLE IF NOT EXISTS otps (
    application_id TEXT PRIMARY KEY,
    citizen_id     TEXT NOT NULL,
    code           TEXT NOT NULL,
    expires_at     REAL NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    verified_at    REAL
);
CREATE TABLE IF NOT EXISTS otp_codes (
    application_id TEXT PRIMARY KEY,
    kiosk_id       TEXT NOT NULL,
    citizen_hash   TEXT NOT NULL,
    code           TEXT NOT NULL,
    expires_at     REAL NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    locked_until   REAL,
    verified_at    REAL
);
CREATE TABLE IF NOT EXISTS vneid_tokens (
    token         TEXT PRIMARY KEY,
    identity_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ratings (
    rating_id      TEXT PRIMARY KEY,
    kiosk_id       TEXT NOT NULL,
    at             TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    score          INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bundles (
    bundle_id   TEXT PRIMARY KEY,
    kiosk_id    TEXT NOT NULL,
    ack_json    BLOB
);
CREATE TABLE IF NOT EXISTS counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


def open_db(data_dir: Path) -> sqlite3.Connection:
    """Open (creating if needed) the gateway database; autocommit, WAL."""
    private_dir(data_dir)
    path = private_file(data_dir / DB_FILE)  # SQLite gives its -wal and -shm the same mode
    for extra in ("-wal", "-shm"):
        tighten(path.with_name(DB_FILE + extra))
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=10.0
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    return conn


def register_kiosk(data_dir: Path, kiosk_id: str, pubkey_b64: str) -> None:
    """Make a kiosk known to the gateway in ``data_dir`` (replaces its key if re-provisioned)."""
    if not is_safe_id(kiosk_id):
        raise ValueError(f"kiosk id {kiosk_id!r}: letters, digits, _ - . only")
    decode_key(pubkey_b64)
    conn = open_db(data_dir)
    try:
        upsert_kiosk(conn, kiosk_id, pubkey_b64, time.time())
    finally:
        conn.close()


def upsert_kiosk(conn: sqlite3.Connection, kiosk_id: str, pubkey_b64: str, now: float) -> None:
    conn.execute(
        "INSERT INTO kiosks (kiosk_id, public_key, registered_at) VALUES (?, ?, ?) "
        "ON CONFLICT (kiosk_id) DO UPDATE SET public_key = excluded.public_key",
        (kiosk_id, pubkey_b64.strip(), now),
    )
