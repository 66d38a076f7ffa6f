"""Where uploaded bytes live: a folder (the default) or S3-compatible object storage.

Folder (``documents = folder``): an upload is one file under the gateway's data folder
(``uploads/<application>/<doc>``, ``bundles/<bundle>.tar``), written chunk by chunk at its
offset and kept there once verified. Several gateway processes must share that folder.

S3 (``documents = s3://bucket/prefix``): object storage cannot append, so an upload in progress
lives in the gateway's database: each chunk is a row of ``upload_chunks``, written in the same
transaction as the upload's new offset (the offset and the bytes can never disagree, whichever
process took the PATCH; the per-upload lock across processes still lets one PATCH in at a time).
The last chunk is not recorded like the others: the whole upload is assembled in a local
temporary file, checked against the manifest's SHA-256 and the document's own checks, and put
into the bucket in one PUT (Content-MD5 lets the object store refuse damaged bytes); only then,
in one transaction, is the upload marked verified at its full length and its chunks dropped. If
the object store cannot be reached the last chunk is refused with 503 ``unavailable``
(retryable) and nothing changes: the kiosk sends that one chunk again later; what came before
it is safe in the database. A PUT repeated after a crash writes the same bytes under the same
key, so it is harmless.

Why not S3 multipart uploads: parts must be at least 5 MiB (but the last) while a kiosk's
chunks are 64 KiB to 1 MiB, so chunks would have to be gathered somewhere first anyway, and an
unfinished multipart upload is hidden state in the bucket that has to be listed and aborted. One
PUT takes up to 5 GiB: documents (at most 32 MiB) and bundles (at most 2 GiB) fit.

Every call to the object store has an overall deadline: botocore's timeouts are per socket read,
so a store (or a middlebox) that answers a byte at a time would otherwise hold the request, its
upload lock and its database connection for as long as it kept dripping. The call runs on a
thread of its own; past ``S3_DEADLINE_S`` plus the object's size at ``S3_MIN_BYTES_PER_S`` the
request is answered 503 ``unavailable`` as for a store that is down (the abandoned call ends when
the store does; a PUT it still completes writes the same bytes under the same key). At most
``S3_MAX_STUCK_CALLS`` calls may be under way in a process at once: beyond, 503 at once.

Object keys are ``<prefix>doc/<application>/<doc>`` and ``<prefix>bundle/<bundle>``. The
bucket must exist; credentials and region come from boto3's usual places
(``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, ~/.aws), the
endpoint of a non-AWS store (MinIO, Ceph, a province's own) from ``s3_endpoint``.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol, TypeVar, cast
from urllib.parse import urlsplit

from sync.gateway.private import open_private, private_dir
from sync.gateway.store import GatewayStore

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger(__name__)
T = TypeVar("T")

READ_BLOCK = 1024 * 1024
ENV_DOCUMENTS = "DVC_GATEWAY_DOCUMENTS"
ENV_S3_ENDPOINT = "DVC_GATEWAY_S3_ENDPOINT"
S3_CONNECT_TIMEOUT_S = 5
S3_READ_TIMEOUT_S = 60
S3_ATTEMPTS = 2  # one retry inside the request; the kiosk's own retry does the rest
S3_DEADLINE_S = 60.0  # a whole call (with its retry), plus the object's size at...
S3_MIN_BYTES_PER_S = 1024 * 1024  # ...1 MiB/s: a 32 MiB document 92 s, a 2 GiB bundle 35 min
S3_MAX_STUCK_CALLS = 16  # calls under way (or abandoned and still waiting) per process
TMP_PREFIX = "upload-"
# A temporary file of a live call is never this old (the longest deadline, a 2 GiB bundle's,
# is 35 min): one this old was left by a process that was killed.
TMP_STALE_S = 6 * 3600


class StorageUnavailableError(Exception):
    """The object store did not answer or refused: the request may be tried again later."""


@dataclass(frozen=True)
class StorageConfig:
    """``documents``: ``folder`` (the default) or ``s3://bucket[/prefix]``; ``s3_endpoint``:
    the URL of an S3-compatible store (none: AWS)."""

    documents: str = "folder"
    s3_endpoint: str | None = None

    @classmethod
    def from_env(cls) -> StorageConfig:
        return cls(os.environ.get(ENV_DOCUMENTS) or "folder",
                   os.environ.get(ENV_S3_ENDPOINT) or None)

    def describe(self) -> str:
        return self.documents if self.s3_endpoint is None else (
            f"{self.documents} at {self.s3_endpoint}")


class UploadStorage(Protocol):
    """Where an upload's bytes are, in progress and once verified."""

    def append(self, conn: sqlite3.Connection, key: str, offset: int, chunk: bytes) -> None:
        """Keep ``chunk`` at ``offset`` (dropping anything stored past it), inside the
        caller's transaction that moves the upload's offset."""

    def assemble(self, key: str, offset: int,
                 chunk: bytes) -> AbstractContextManager[Path]:
        """The whole upload as a local file: the stored ``[0, offset)`` and ``chunk``."""

    def publish(self, key: str, path: Path) -> None:
        """Make the assembled, checked upload the stored one (raises StorageUnavailableError)."""

    def finished(self, conn: sqlite3.Connection, key: str) -> None:
        """Inside the transaction that marks the upload verified: drop in-progress bytes."""

    def discard(self, key: str) -> None:
        """The upload starts again from zero (expired, or its bytes were refused)."""

    def read(self, key: str) -> bytes:
        """A verified upload's bytes (FileNotFoundError if there are none)."""

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """A verified upload as a local file for the time of the block."""

    def store_complete(self, key: str, data: bytes) -> None:
        """Store bytes that arrived whole by another way (a USB bundle's document)."""


def _relative(key: str) -> Path:
    kind, _, rest = key.partition("/")
    if kind == "doc":
        application_id, _, doc_id = rest.partition("/")
        return Path("uploads") / application_id / doc_id
    return Path("bundles") / f"{rest}.tar"


class FolderStorage:
    """Each upload is one file in the data folder, appended in place (the embedded default)."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir

    def path_for(self, key: str) -> Path:
        return self._data_dir / _relative(key)

    def _write(self, key: str, offset: int, chunk: bytes) -> Path:
        path = self.path_for(key)
        private_dir(path.parent)
        with os.fdopen(open_private(path, os.O_RDWR | os.O_CREAT), "r+b") as f:
            f.truncate(offset)  # bytes past the recorded offset are a crash's leftovers
            f.seek(offset)
            f.write(chunk)
        return path

    def append(self, conn: sqlite3.Connection, key: str, offset: int, chunk: bytes) -> None:
        del conn  # the file is written now; a rolled-back offset is truncated on the next PATCH
        self._write(key, offset, chunk)

    @contextmanager
    def assemble(self, key: str, offset: int, chunk: bytes) -> Iterator[Path]:
        yield self._write(key, offset, chunk)

    def publish(self, key: str, path: Path) -> None:
        assert path == self.path_for(key)  # assembled in place: nothing to move

    def finished(self, conn: sqlite3.Connection, key: str) -> None:
        del conn, key

    def discard(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)

    def read(self, key: str) -> bytes:
        return self.path_for(key).read_bytes()

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        yield self.path_for(key)

    def store_complete(self, key: str, data: bytes) -> None:
        path = self.path_for(key)
        private_dir(path.parent)
        tmp = path.with_name(path.name + ".import")
        with os.fdopen(open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), "wb") as f:
            f.write(data)
        tmp.replace(path)


class S3Storage:
    """Chunks in the gateway's database until the upload is whole and checked, then one PUT."""

    def __init__(self, store: GatewayStore, client: S3Client, bucket: str, prefix: str,
                 tmp_dir: Path) -> None:
        self._store = store
        self._client = client
        self.bucket = bucket
        self.prefix = prefix
        self._tmp_dir = tmp_dir
        self._slots = threading.BoundedSemaphore(S3_MAX_STUCK_CALLS)
        _remove_stale_temporaries(tmp_dir)

    def _bounded(self, what: str, size: int, call: Callable[[], T]) -> T:
        """``call()`` (a boto3 call) within its overall deadline, else StorageUnavailableError;
        its own exceptions are raised here as they are."""
        if not self._slots.acquire(blocking=False):
            log.error("object store: %s not tried: %d earlier calls are still waiting on it",
                      what, S3_MAX_STUCK_CALLS)
            raise StorageUnavailableError(f"the object store is not answering ({what})")
        outcome: list[tuple[bool, object]] = []
        done = threading.Event()

        def run() -> None:
            try:
                outcome.append((True, call()))
            except BaseException as exc:  # handed to the caller
                outcome.append((False, exc))
            finally:
                self._slots.release()
                done.set()

        thread = threading.Thread(target=run, name=f"s3-{what.split(maxsplit=1)[0].lower()}",
                                  daemon=True)
        thread.start()
        deadline_s = S3_DEADLINE_S + size / S3_MIN_BYTES_PER_S
        if not done.wait(deadline_s):
            log.error("object store: %s did not end within %.3g s: given up (503)", what,
                      deadline_s)
            raise StorageUnavailableError(f"the object store did not answer in time ({what})")
        thread.join(timeout=1.0)  # it has ended its call: let it finish before going on
        ok, value = outcome[0]
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return cast(T, value)

    def object_key(self, key: str) -> str:
        return self.prefix + key

    def append(self, conn: sqlite3.Connection, key: str, offset: int, chunk: bytes) -> None:
        conn.execute("DELETE FROM upload_chunks WHERE upload_key = ? AND chunk_offset >= ?",
                     (key, offset))
        conn.execute("INSERT INTO upload_chunks (upload_key, chunk_offset, data) VALUES (?, ?, ?)",
                     (key, offset, chunk))

    @contextmanager
    def _temporary(self) -> Iterator[Path]:
        private_dir(self._tmp_dir)
        fd, name = tempfile.mkstemp(dir=self._tmp_dir, prefix=TMP_PREFIX)
        os.close(fd)
        path = Path(name)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)

    @contextmanager
    def assemble(self, key: str, offset: int, chunk: bytes) -> Iterator[Path]:
        with self._temporary() as path:
            with path.open("wb") as f:
                at = 0
                while at < offset:  # one chunk at a time: a 2 GiB bundle never sits in memory
                    with self._store.read() as conn:
                        row = conn.execute(
                            "SELECT data FROM upload_chunks WHERE upload_key = ? "
                            "AND chunk_offset = ?", (key, at)).fetchone()
                    if row is None or not row["data"]:
                        raise RuntimeError(f"{key}: no stored chunk at {at} (offset {offset})")
                    f.write(bytes(row["data"]))
                    at += len(row["data"])
                if at != offset:
                    raise RuntimeError(f"{key}: stored chunks end at {at}, offset is {offset}")
                f.write(chunk)
            yield path

    def publish(self, key: str, path: Path) -> None:
        md5 = hashlib.md5(usedforsecurity=False)
        sha = hashlib.sha256()
        with path.open("rb") as f:
            while block := f.read(READ_BLOCK):
                md5.update(block)
                sha.update(block)
        size = path.stat().st_size

        def put() -> None:
            with path.open("rb") as f:
                self._client.put_object(
                    Bucket=self.bucket, Key=self.object_key(key), Body=f,
                    ContentLength=size,
                    ContentMD5=base64.b64encode(md5.digest()).decode("ascii"),
                    ContentType="application/octet-stream",
                    Metadata={"sha256": sha.hexdigest()})

        try:
            self._bounded(f"PUT {self.object_key(key)}", size, put)
        except _s3_errors() as exc:
            log.error("object store: PUT %s failed: %s", self.object_key(key), exc)
            raise StorageUnavailableError(f"the object store did not take {key}") from exc

    def finished(self, conn: sqlite3.Connection, key: str) -> None:
        conn.execute("DELETE FROM upload_chunks WHERE upload_key = ?", (key,))

    def discard(self, key: str) -> None:
        with self._store.tx() as conn:
            conn.execute("DELETE FROM upload_chunks WHERE upload_key = ?", (key,))

    def read(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        def get() -> bytes:
            answer = self._client.get_object(Bucket=self.bucket, Key=self.object_key(key))
            return answer["Body"].read()

        try:
            return self._bounded(f"GET {self.object_key(key)}", self._size(key), get)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(self.object_key(key)) from exc
            raise StorageUnavailableError(f"the object store did not give {key}") from exc
        except _s3_errors() as exc:
            raise StorageUnavailableError(f"the object store did not give {key}") from exc

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """The object downloaded into one of the gateway's temporary files, removed after the
        block. Only this file is ever written (boto3's ``download_file`` writes a file of its
        own and renames it over the given name when done: a download abandoned past its
        deadline left a whole copy behind); an abandoned download stops at its next block."""
        with self._temporary() as path:
            sink = _Sink(path)

            def get() -> None:
                body = self._client.get_object(Bucket=self.bucket,
                                               Key=self.object_key(key))["Body"]
                try:
                    while block := body.read(READ_BLOCK):
                        sink.write(block)
                finally:
                    body.close()

            try:
                self._bounded(f"GET {self.object_key(key)}", self._size(key), get)
            except _s3_errors() as exc:
                raise StorageUnavailableError(f"the object store did not give {key}") from exc
            finally:
                sink.close()
            yield path

    def _size(self, key: str) -> int:
        """The stored object's size (its GET's deadline depends on it), asked in bounded time."""
        answer = self._bounded(f"HEAD {self.object_key(key)}", 0,
                               lambda: self._client.head_object(Bucket=self.bucket,
                                                                Key=self.object_key(key)))
        return int(answer.get("ContentLength", 0))

    def store_complete(self, key: str, data: bytes) -> None:
        with self._temporary() as path:
            path.write_bytes(data)
            self.publish(key, path)


def _remove_stale_temporaries(tmp_dir: Path) -> None:
    """Remove the temporary files that killed processes left (a whole bundle each, at worst).
    Several processes share the folder: only ``upload-*`` files older than TMP_STALE_S go."""
    try:
        entries = list(os.scandir(tmp_dir))
    except FileNotFoundError:
        return
    too_old = time.time() - TMP_STALE_S
    removed = 0
    for entry in entries:
        try:
            if (entry.name.startswith(TMP_PREFIX) and entry.is_file(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < too_old):
                Path(entry.path).unlink()
                removed += 1
        except FileNotFoundError:  # another process starting removed it first
            continue
    if removed:
        log.info("object store: removed %d temporary files left in %s by stopped processes",
                 removed, tmp_dir)


class _Sink:
    """A temporary file that a download thread writes until its owner closes it: after that,
    a write raises instead (the owner has given the download up and removes the file)."""

    def __init__(self, path: Path) -> None:
        self._file: BinaryIO | None = path.open("r+b")
        self._lock = threading.Lock()

    def write(self, block: bytes) -> None:
        with self._lock:
            if self._file is None:
                raise StorageUnavailableError("download given up")
            self._file.write(block)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def _s3_errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket[/prefix]`` → (bucket, prefix ending in ``/`` or empty)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"documents must be 'folder' or s3://bucket[/prefix], not {url!r}")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def s3_client(endpoint: str | None) -> S3Client:
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=S3_CONNECT_TIMEOUT_S, read_timeout=S3_READ_TIMEOUT_S,
        retries={"max_attempts": S3_ATTEMPTS, "mode": "standard"},
        # Content-MD5 is what every S3-compatible store checks; no newer checksum trailers.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        s3={"addressing_style": "path"} if endpoint else None)
    session = boto3.session.Session()
    region = session.region_name or "us-east-1"
    return session.client("s3", endpoint_url=endpoint, region_name=region, config=config)


def open_storage(config: StorageConfig, store: GatewayStore, data_dir: Path) -> UploadStorage:
    if config.documents == "folder":
        return FolderStorage(data_dir)
    bucket, prefix = parse_s3_url(config.documents)
    return S3Storage(store, s3_client(config.s3_endpoint), bucket, prefix, data_dir / "tmp")
