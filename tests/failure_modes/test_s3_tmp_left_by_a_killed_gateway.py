"""A gateway process killed while it downloads a bundle from S3 leaves a temporary file in tmp/:
the next start removes it once it is older than any live call could keep one.

Before: nothing ever removed the gateway's temporary files but the call that made them, so each
kill (OOM killer, gunicorn's worker timeout, a restart that ran out of grace) left a bundle's
worth (up to 2 GiB) in ``<data>/tmp/`` for good. Several gateway processes share that folder,
so a start removes only its own kind of file (``upload-*``) and only when it is older than
``TMP_STALE_S`` (hours past the longest deadline of a call to the store): another process's live
download is kept.

Real parts: a real child process doing the download with boto3 against a slow store on
127.0.0.1, killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sync.gateway.storage import S3Storage, s3_client
from tests.failure_modes.slow_s3_store import slow_store
from tests.sync.s3_server import S3_ENV

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from pathlib import Path
from sync.gateway.storage import S3Storage, s3_client
storage = S3Storage(store=None, client=s3_client(sys.argv[1]), bucket="dvc-documents",
                    prefix="t/", tmp_dir=Path(sys.argv[2]))
with storage.local_copy("bundle/dvc-bundle-K-1-2"):
    pass
"""


def _killed_mid_download(endpoint: str, tmp_dir: Path) -> list[Path]:
    """Run a download in a child, kill it once its temporary file is there; what is left."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, endpoint, str(tmp_dir)], cwd=ROOT,
                             env=os.environ | S3_ENV, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (tmp_dir.is_dir() and any(tmp_dir.iterdir())):
            assert child.poll() is None, f"the download ended ({child.returncode}) unkilled"
            assert time.monotonic() < deadline, "the child never started its download"
            threading.Event().wait(0.02)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    return sorted(tmp_dir.iterdir())


def test_a_start_removes_what_a_killed_gateway_left_and_keeps_live_files(tmp_path: Path) -> None:
    tmp_dir = tmp_path / "tmp"
    with slow_store() as endpoint:
        left = _killed_mid_download(endpoint, tmp_dir)
        assert [p.name[:7] for p in left] == ["upload-"]  # the kill left it
        days_ago = time.time() - 2 * 24 * 3600
        os.utime(left[0], (days_ago, days_ago))  # the gateway starts again two days later
        live = tmp_dir / "upload-live1234"  # another process's download under way
        live.write_bytes(b"x")
        other = tmp_dir / "not-the-gateways"
        other.write_bytes(b"y")
        os.utime(other, (days_ago, days_ago))
        client = s3_client(endpoint)
        try:
            S3Storage(store=None, client=client, bucket="dvc-documents",  # type: ignore[arg-type]
                      prefix="t/", tmp_dir=tmp_dir)
        finally:
            client.close()
    assert sorted(p.name for p in tmp_dir.iterdir()) == ["not-the-gateways", "upload-live1234"]
