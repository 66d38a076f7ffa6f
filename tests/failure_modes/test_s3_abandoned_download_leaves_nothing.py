"""An object store that sends a bundle slower than the gateway waits: nothing stays in tmp/.

The gateway gives every call to its S3 store an overall deadline; past it the request is 503
and the call is abandoned on its own thread. Before, the abandoned bundle download
(``local_copy``, boto3's ``download_file``) went on writing a temporary file of its own next to
the gateway's, and once the store had sent the last byte renamed it to the gateway's temporary
name, which the gateway had already removed: a whole copy of the bundle (up to 2 GiB of sealed
documents) stayed in the gateway's tmp/ folder for good, one more on each retry.

Real parts: boto3 and botocore's own HTTP stack against a slow store on 127.0.0.1.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.gateway import storage as storage_module
from sync.gateway.storage import S3Storage, StorageUnavailableError, s3_client
from tests.failure_modes.slow_s3_store import OBJECT, slow_store
from tests.sync.s3_server import S3_ENV

DEADLINE_S = 1.0  # the gateway's, shrunk: the whole body takes 2 s, so it is given up first


def _wait_for_abandoned_calls() -> None:
    """The abandoned download ends when the store has sent everything (about 2 s)."""
    deadline = time.monotonic() + 60
    while any(t.name.startswith("s3-") and t.is_alive() for t in threading.enumerate()):
        assert time.monotonic() < deadline, "an abandoned object store call never ended"
        threading.Event().wait(0.05)


@pytest.fixture
def endpoint() -> Iterator[str]:
    with slow_store() as url:
        yield url


@pytest.fixture
def storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, endpoint: str) -> Iterator[S3Storage]:
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(storage_module, "S3_READ_TIMEOUT_S", 1)
    monkeypatch.setattr(storage_module, "S3_CONNECT_TIMEOUT_S", 1)
    monkeypatch.setattr(storage_module, "S3_DEADLINE_S", DEADLINE_S)
    client = s3_client(endpoint)
    try:
        yield S3Storage(store=None, client=client, bucket="dvc-documents",  # type: ignore[arg-type]
                        prefix="t/", tmp_dir=tmp_path / "tmp")
        _wait_for_abandoned_calls()
    finally:
        client.close()


@pytest.mark.log_warnings_expected
def test_an_abandoned_bundle_download_leaves_nothing_in_tmp(
        storage: S3Storage, tmp_path: Path) -> None:
    with pytest.raises(StorageUnavailableError), storage.local_copy("bundle/dvc-bundle-K-1-2"):
        pytest.fail("a copy was given although the store did not send it in time")
    _wait_for_abandoned_calls()  # the store has now sent the last byte
    left = sorted(p.name for p in (tmp_path / "tmp").iterdir())
    assert left == [], f"left in the gateway's tmp/: {left}"


def test_a_download_in_time_is_whole_and_then_gone(
        storage: S3Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage_module, "S3_DEADLINE_S", 60.0)
    with storage.local_copy("bundle/dvc-bundle-K-1-2") as path:
        assert path.read_bytes() == OBJECT
        assert path.parent == tmp_path / "tmp"
    assert sorted((tmp_path / "tmp").iterdir()) == []
