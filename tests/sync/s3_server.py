"""A throwaway S3 server for tests and benches: ``moto_server`` (PyPI ``moto``) on 127.0.0.1.

An independent implementation of the S3 HTTP API in its own process: the gateway talks to it
through boto3 exactly as to AWS, MinIO or Ceph (signed requests, path-style addressing). Its
objects live in that process's memory and go with it. A missing moto fails, never skips.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sync.gateway.storage import StorageConfig

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
# moto takes any credentials; fixed ones keep the tests away from a developer's own AWS setup.
S3_ENV = {
    "AWS_ACCESS_KEY_ID": "dvc-test",
    "AWS_SECRET_ACCESS_KEY": "dvc-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


@dataclass(frozen=True)
class S3Server:
    endpoint: str  # http://127.0.0.1:<port>
    bucket: str

    @property
    def port(self) -> int:
        return int(self.endpoint.rsplit(":", 1)[1])


def _moto_server() -> str:
    found = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which(
        "moto_server")
    if found is None:
        pytest.fail("moto_server not found: install the dev extra (moto[s3], flask, flask-cors)")
    return found


@contextmanager
def throwaway_s3(bucket: str = "dvc-documents") -> Iterator[S3Server]:
    """Start moto_server on a free loopback port, create ``bucket``; stop it afterwards."""
    proc = subprocess.Popen([_moto_server(), "-H", "127.0.0.1", "-p", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **S3_ENV})
    url: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            match = re.search(r"Running on (http://127\.0\.0\.1:\d+)", line)
            if match and not url:
                url.append(match.group(1))
                ready.set()

    reader = threading.Thread(target=read, daemon=True, name="moto-log")
    reader.start()
    try:
        if not ready.wait(START_TIMEOUT_S):
            raise RuntimeError("moto_server did not start")
        server = S3Server(url[0], bucket)
        client = s3_test_client(server.endpoint)
        client.create_bucket(Bucket=bucket)
        client.close()
        yield server
    finally:
        proc.terminate()
        proc.wait(timeout=STOP_TIMEOUT_S)
        reader.join(timeout=STOP_TIMEOUT_S)
        if proc.stderr is not None:
            proc.stderr.close()


def storage_for(kind: str, request: pytest.FixtureRequest,
                monkeypatch: pytest.MonkeyPatch) -> StorageConfig:
    """A gateway's storage for a test parametrized over ``folder`` and ``s3``: for s3, the
    module's ``s3`` fixture (a throwaway server), a fresh prefix, and its credentials. The
    calling fixture takes ``s3`` as an argument too, so the server (and its log reader thread)
    starts before the test's thread guard looks."""
    if kind == "folder":
        return StorageConfig()
    server = request.getfixturevalue("s3")
    assert isinstance(server, S3Server)
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    return StorageConfig(f"s3://{server.bucket}/{uuid.uuid4().hex}", server.endpoint)


def s3_test_client(endpoint: str) -> S3Client:
    """A boto3 client of the test server, with the tests' credentials (not the environment's)."""
    import boto3

    return boto3.session.Session(
        aws_access_key_id=S3_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_ENV["AWS_SECRET_ACCESS_KEY"],
        region_name=S3_ENV["AWS_DEFAULT_REGION"],
    ).client("s3", endpoint_url=endpoint)
