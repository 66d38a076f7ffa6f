"""An object store (S3-compatible) that takes the gateway's request, then answers one byte at a
time, never slower than boto3's read timeout: a half-dead middlebox, an overloaded MinIO.

botocore's ``read_timeout`` is per socket read, so before, such an answer held the gateway's
PUT (the kiosk's last chunk, under the upload's lock and a database session) for as long as
the store kept dripping: the kiosk's own deadline gave up, its retries met the same fate, and a
few of them filled a gunicorn worker's threads and its database pool. Now every call to the
object store has an overall deadline (``S3_DEADLINE_S`` plus the object's size at
``S3_MIN_BYTES_PER_S``): past it the request is answered 503 ``unavailable`` (retryable, nothing
lost, as for a store that is down) and at most ``S3_MAX_STUCK_CALLS`` abandoned calls may still
be waiting on a store at once; beyond, the gateway answers 503 at once.

Real parts: boto3 and botocore's own HTTP stack against a misbehaving server on 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from sync.gateway import storage as storage_module
from sync.gateway.storage import S3Storage, StorageUnavailableError, s3_client
from tests.failure_modes.slow_s3_store import serving
from tests.sync.s3_server import S3_ENV

DRIP_EVERY_S = 0.2  # under the read timeout the test gives botocore (1 s): never times out
DRIP_FOR_S = 8.0  # then the server hangs up (bounds the test on the old code too)


@contextmanager
def dripping_store() -> Iterator[str]:
    """An HTTP server that reads each request whole, then sends its answer a byte at a time."""

    def answer(conn: socket.socket, stop: threading.Event) -> None:
        with conn:
            conn.settimeout(2)
            data = b""
            with suppress(OSError):
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").lower().split("\r\n")
                length = next((int(line.split(":", 1)[1]) for line in lines
                               if line.startswith("content-length:")), 0)
                if any(line.startswith("expect: 100-continue") for line in lines):
                    conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                while len(body) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    body += chunk
                reply = b"HTTP/1.1 200 OK\r\n" + b"X-Pad: dripping\r\n" * 1000
                until = time.monotonic() + DRIP_FOR_S
                for byte in reply:
                    if stop.wait(DRIP_EVERY_S) or time.monotonic() > until:
                        return
                    conn.sendall(bytes([byte]))

    with serving(answer) as url:
        yield url


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Storage]:
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(storage_module, "S3_READ_TIMEOUT_S", 1)
    monkeypatch.setattr(storage_module, "S3_CONNECT_TIMEOUT_S", 1)
    monkeypatch.setattr(storage_module, "S3_DEADLINE_S", 1.5, raising=False)
    with dripping_store() as endpoint:
        client = s3_client(endpoint)
        try:
            yield S3Storage(store=None, client=client, bucket="dvc-documents",  # type: ignore[arg-type]
                            prefix="t/", tmp_dir=tmp_path / "tmp")
        finally:
            client.close()
    # the abandoned calls end once the store hangs up (the server above stops dripping)
    deadline = time.monotonic() + 30
    while any(t.name.startswith("s3-") and t.is_alive() for t in threading.enumerate()):
        assert time.monotonic() < deadline, "an abandoned object store call never ended"
        threading.Event().wait(0.05)


def _refused_in_time(call: Callable[[], object]) -> tuple[bool, float]:
    """Whether ``call`` raised StorageUnavailableError, and how long it took."""
    start = time.monotonic()
    try:
        call()
    except StorageUnavailableError:
        return True, time.monotonic() - start
    return False, time.monotonic() - start


def test_a_dripping_put_is_unavailable_within_its_deadline(
        storage: S3Storage, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    document = tmp_path / "sealed"
    document.write_bytes(bytes(range(256)) * 40)  # 10 kB: its deadline is S3_DEADLINE_S
    refused, elapsed = _refused_in_time(lambda: storage.publish("doc/app-1/scan", document))
    assert elapsed < 4.0, f"the gateway waited {elapsed:.1f} s on a dripping object store"
    assert refused  # 503 unavailable, retryable: the kiosk sends the last chunk again later
    assert "object store" in caplog.text  # the operator is told


def _local_copy(storage: S3Storage) -> None:
    with storage.local_copy("bundle/b-1"):
        pass


def test_a_dripping_get_is_unavailable_within_its_deadline(
        storage: S3Storage, caplog: pytest.LogCaptureFixture) -> None:
    for call in (lambda: storage.read("doc/app-1/scan"), lambda: _local_copy(storage)):
        refused, elapsed = _refused_in_time(call)
        assert elapsed < 4.0, f"the gateway waited {elapsed:.1f} s on a dripping object store"
        assert refused
    assert caplog.text.count("did not end within") == 2
