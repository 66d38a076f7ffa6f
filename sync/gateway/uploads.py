"""Resumable uploads (tus 1.0 core + creation + creation-with-upload + checksum), shared by
documents and bundles.

Creation with upload: a create (POST) may carry the first chunk as its body, with the PATCH's
``Content-Type: application/offset+octet-stream`` and ``Upload-Checksum`` (its offset is 0).
The creation is recorded first, then the chunk is taken exactly like a PATCH at offset 0; when
the upload is already past 0 (a repeated create after a lost answer) the body is ignored and the
answer tells the current offset, so a repeat is as harmless as a plain create's.

The offset in the database is the truth. Where the bytes are is the storage's business
(sync.gateway.storage: a folder, whose file may hold more bytes than the offset after a crash and
is truncated to it by the next PATCH; or S3, chunks in the database until the upload is whole).
The last chunk completes the upload: the whole is checked against the full SHA-256 (a mismatch
resets it to zero) and the document's own checks, stored for good, and only then recorded at its
full length and verified, in one transaction. A storage that cannot take it (S3 down) is 503
``unavailable``, retryable, with the upload where it was before that chunk.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sync.gateway.limits import GatewayLimits
from sync.gateway.locks import KeyedLocks
from sync.gateway.request import Request
from sync.gateway.responses import Response, empty, problem, refuse, unavailable
from sync.gateway.storage import FolderStorage, StorageUnavailableError, UploadStorage
from sync.gateway.store import GatewayStore
from sync.protocol import headers as h
from sync.protocol.problem import ProblemCode
from sync.protocol.signing import http_date
from sync.protocol.tus import checksum_header_from_hex, parse_checksum

READ_BLOCK = 1024 * 1024

# Called once the bytes match the full hash; a Response refuses them (the upload is reset).
Verifier = Callable[[Path], Response | None]


@dataclass(frozen=True)
class UploadRow:
    key: str
    length: int
    sha256: str
    offset: int
    created: bool
    verified: bool
    expires_at: float
    hash_failures: int

    @classmethod
    def of(cls, row: sqlite3.Row) -> UploadRow:
        return cls(
            key=row["upload_key"],
            length=row["length"],
            sha256=row["sha256"],
            offset=row["upload_offset"],
            created=bool(row["created"]),
            verified=bool(row["verified"]),
            expires_at=row["expires_at"],
            hash_failures=row["hash_failures"],
        )


def _checksum(value: str) -> bytes:
    try:
        return parse_checksum(value)
    except ValueError as exc:
        refuse(400, ProblemCode.VALIDATION, False, str(exc))


def doc_key(application_id: str, doc_id: str) -> str:
    return f"doc/{application_id}/{doc_id}"


def bundle_key(bundle_id: str) -> str:
    return f"bundle/{bundle_id}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


class UploadArea:
    def __init__(
        self,
        store: GatewayStore,
        clock: Callable[[], float],
        limits: GatewayLimits,
        storage: UploadStorage | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._limits = limits
        self._locks = KeyedLocks()
        self.storage: UploadStorage = storage or FolderStorage(store.data_dir)

    @property
    def locks(self) -> KeyedLocks:
        return self._locks

    def read_bytes(self, key: str) -> bytes:
        """A verified upload's bytes, from wherever the storage keeps them."""
        return self.storage.read(key)

    def get(self, key: str) -> UploadRow | None:
        with self._store.read() as conn:
            row = conn.execute("SELECT * FROM uploads WHERE upload_key = ?", (key,)).fetchone()
        return None if row is None else UploadRow.of(row)

    def declare(self, conn: sqlite3.Connection, key: str, length: int, sha256: str) -> None:
        """Record an expected upload (a manifest's document) inside the caller's transaction."""
        conn.execute(
            "INSERT OR IGNORE INTO uploads (upload_key, length, sha256, expires_at) "
            "VALUES (?, ?, ?, ?)",
            (key, length, sha256, self._clock() + self._limits.upload_lifetime_s),
        )

    def _state_headers(self, row: UploadRow) -> dict[str, str]:
        return {
            h.UPLOAD_OFFSET: str(row.offset),
            h.UPLOAD_LENGTH: str(row.length),
            h.UPLOAD_EXPIRES: http_date(row.expires_at),
            h.TUS_RESUMABLE: h.TUS_VERSION,
        }

    def _touch(self, conn: sqlite3.Connection, key: str) -> None:
        conn.execute(
            "UPDATE uploads SET expires_at = ? WHERE upload_key = ?",
            (self._clock() + self._limits.upload_lifetime_s, key),
        )

    def _expire_if_due(self, row: UploadRow) -> bool:
        """Forget an unfinished upload past its expiry; True if it was gone."""
        if row.verified or row.expires_at >= self._clock():
            return False
        with self._store.tx() as conn:
            conn.execute(
                "UPDATE uploads SET created = 0, upload_offset = 0 WHERE upload_key = ?",
                (row.key,),
            )
        self.storage.discard(row.key)
        return True

    def create(self, req: Request, key: str, max_length: int, *, declare: bool,
               verify: Verifier | None = None) -> Response:
        """POST: tus creation. ``declare`` lets a bundle declare itself; documents are declared
        by their manifest and must match it. A body is the first chunk (creation-with-upload),
        checked and finished like a PATCH's (``verify`` as for PATCH)."""
        length_text = req.header(h.UPLOAD_LENGTH)
        checksum_text = req.header(h.UPLOAD_CHECKSUM_FULL)
        if length_text is None or not length_text.isdigit() or checksum_text is None:
            refuse(400, ProblemCode.VALIDATION, False,
                   "Upload-Length and Upload-Checksum-Full are required")
        length = int(length_text)
        digest = _checksum(checksum_text).hex()
        if length > max_length:
            refuse(413, ProblemCode.VALIDATION, False, f"larger than {max_length} bytes")
        row = self.get(key)
        if row is None and declare:
            with self._store.tx() as conn:
                self.declare(conn, key, length, digest)
            row = self.get(key)
        if row is None:
            refuse(404, ProblemCode.NOT_FOUND, False, "not in the manifest")
        if length != row.length:
            refuse(422, ProblemCode.VALIDATION, False,
                   f"Upload-Length {length} differs from the declared {row.length}")
        if digest != row.sha256:
            refuse(422, ProblemCode.DOCUMENT_HASH, False,
                   "Upload-Checksum-Full differs from the declared sha256")
        self._expire_if_due(row)
        with self._store.tx() as conn:
            conn.execute("UPDATE uploads SET created = 1 WHERE upload_key = ?", (key,))
            self._touch(conn, key)
        fresh = self.get(key)
        assert fresh is not None
        if req.body:
            if not self._limits.creation_with_upload:
                refuse(400, ProblemCode.VALIDATION, False,
                       "this gateway does not take a chunk in the create")
            return self._create_with_upload(req, key, verify)
        return empty(201, {"Location": req.path, **self._state_headers(fresh)})

    def _create_with_upload(self, req: Request, key: str, verify: Verifier | None) -> Response:
        """The create's body is the chunk at offset 0; answered 201 with the new offset (only
        Upload-Offset, what the kiosk reads: every byte counts on 2G), or the chunk's refusal."""
        with self._held(key) as taken:
            if not taken:
                return problem(423, ProblemCode.IN_PROGRESS, True,
                               "another PATCH of this upload is running")
            row = self.get(key)
            assert row is not None
            if row.verified or row.offset != 0:
                # A repeat after a lost answer: the bytes are there already; say where we are.
                return empty(201, {h.UPLOAD_OFFSET: str(row.offset)})
            self._check_chunk(req, row, offset=0)
            done = self._write_chunk(row, req.body, verify)
            if isinstance(done, Response):
                return done
            return empty(201, {h.UPLOAD_OFFSET: str(done)})

    def head(self, key: str) -> Response:
        """HEAD is the kiosk coming back: it renews the expiry, so Upload-Expires is always at
        least the full lifetime ahead (gateway-api.md: "at least 30 days ahead")."""
        self._live_row(key)
        with self._store.tx() as conn:
            self._touch(conn, key)
        row = self.get(key)
        assert row is not None
        return empty(200, {"Cache-Control": "no-store", **self._state_headers(row)})

    def patch(self, req: Request, key: str, verify: Verifier | None = None) -> Response:
        with self._held(key) as taken:
            if not taken:
                return problem(423, ProblemCode.IN_PROGRESS, True,
                               "another PATCH of this upload is running")
            return self._patch_locked(req, key, verify)

    @contextmanager
    def _held(self, key: str) -> Iterator[bool]:
        """This upload for us alone: in this process, then across gateway processes."""
        with self._locks.held(key) as taken:
            if not taken or not self._store.try_lock(f"upload/{key}"):
                yield False
                return
            try:
                yield True
            finally:
                self._store.unlock(f"upload/{key}")

    def _live_row(self, key: str) -> UploadRow:
        row = self.get(key)
        if row is None or not (row.created or row.verified):
            refuse(404, ProblemCode.NOT_FOUND, False, "no such upload: create it first")
        if self._expire_if_due(row):
            refuse(410, ProblemCode.UPLOAD_GONE, False, "upload expired: start over")
        return row

    def _check_chunk(self, req: Request, row: UploadRow, offset: int | None = None) -> None:
        """A chunk's checks; ``offset`` is given for a create's body (no Upload-Offset header)."""
        if (req.header(h.CONTENT_TYPE) or "").split(";")[0].strip() != h.OFFSET_OCTET_STREAM:
            refuse(415, ProblemCode.VALIDATION, False,
                   f"Content-Type must be {h.OFFSET_OCTET_STREAM}")
        if len(req.body) > self._limits.max_chunk:
            refuse(413, ProblemCode.CHUNK_TOO_LARGE, True,
                   f"at most {self._limits.max_chunk} bytes per PATCH",
                   headers={h.MAX_CHUNK: str(self._limits.max_chunk)})
        offset_text = req.header(h.UPLOAD_OFFSET) if offset is None else str(offset)
        if offset_text is None or not offset_text.isdigit():
            refuse(400, ProblemCode.VALIDATION, False, "Upload-Offset is required")
        if int(offset_text) != row.offset:
            refuse(409, ProblemCode.OFFSET_MISMATCH, True, f"the upload is at {row.offset}",
                   headers={h.UPLOAD_OFFSET: str(row.offset)})
        checksum_text = req.header(h.UPLOAD_CHECKSUM)
        # A create carrying the whole upload may leave it out: Upload-Checksum-Full covers it
        # (checked when the last byte is in: 422 document_hash, the upload back at 0).
        whole = offset is not None and row.offset + len(req.body) == row.length
        if checksum_text is None and not whole:
            refuse(400, ProblemCode.VALIDATION, False, "Upload-Checksum is required")
        if checksum_text is not None and hashlib.sha256(req.body).digest() != _checksum(
                checksum_text):
            refuse(460, ProblemCode.CHECKSUM_MISMATCH, True, "resend the chunk")
        if row.offset + len(req.body) > row.length:
            refuse(400, ProblemCode.VALIDATION, False, "chunk runs past Upload-Length")

    def _patch_locked(self, req: Request, key: str, verify: Verifier | None) -> Response:
        row = self._live_row(key)
        self._check_chunk(req, row)
        if row.verified:
            return empty(204, {h.UPLOAD_OFFSET: str(row.offset), h.TUS_RESUMABLE: h.TUS_VERSION})
        done = self._write_chunk(row, req.body, verify)
        if isinstance(done, Response):
            return done
        return empty(204, {h.UPLOAD_OFFSET: str(done), h.TUS_RESUMABLE: h.TUS_VERSION})

    def _write_chunk(self, row: UploadRow, chunk: bytes, verify: Verifier | None) -> int | Response:
        """Append a checked chunk at the row's offset (lock held); the new offset, or the
        refusal of the finished upload (which is then reset to 0)."""
        key = row.key
        new_offset = row.offset + len(chunk)
        if new_offset == row.length:
            return self._finish(row, chunk, verify)
        with self._store.tx() as conn:
            self.storage.append(conn, key, row.offset, chunk)
            conn.execute(
                "UPDATE uploads SET upload_offset = ? WHERE upload_key = ?", (new_offset, key)
            )
            self._touch(conn, key)
        return new_offset

    def _finish(self, row: UploadRow, chunk: bytes, verify: Verifier | None) -> int | Response:
        """The last chunk: check the whole, store it for good, then record it verified."""
        refused: Response | None = None
        with self.storage.assemble(row.key, row.offset, chunk) as path:
            if file_sha256(path) != row.sha256:
                refused = problem(422, ProblemCode.DOCUMENT_HASH, True,
                                  "the whole upload does not match its sha256: upload reset to 0",
                                  headers={h.UPLOAD_OFFSET: "0"})
            elif verify is not None:
                refused = verify(path)
            if refused is None:
                try:
                    self.storage.publish(row.key, path)
                except StorageUnavailableError as exc:
                    return unavailable(str(exc), {h.UPLOAD_OFFSET: str(row.offset)})
        with self._store.tx() as conn:
            if refused is None:
                conn.execute(
                    "UPDATE uploads SET upload_offset = length, verified = 1 "
                    "WHERE upload_key = ?", (row.key,))
                self.storage.finished(conn, row.key)
                self._touch(conn, row.key)
            else:
                conn.execute(
                    "UPDATE uploads SET upload_offset = 0, hash_failures = hash_failures + 1 "
                    "WHERE upload_key = ?",
                    (row.key,),
                )
        if refused is not None:
            self.storage.discard(row.key)
            return refused
        return row.length

    def expected_checksum_header(self, key: str) -> str | None:
        row = self.get(key)
        return None if row is None else checksum_header_from_hex(row.sha256)

    def store_complete(self, key: str, data: bytes) -> None:
        """Record bytes that arrived whole by another way (a USB bundle) as a verified upload."""
        self.storage.store_complete(key, data)
        with self._store.tx() as conn:
            conn.execute(
                "UPDATE uploads SET upload_offset = length, created = 1, verified = 1 "
                "WHERE upload_key = ?",
                (key,),
            )
