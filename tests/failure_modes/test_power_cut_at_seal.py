"""Power cut at seal: the files are on disk but the row was never committed.

The child seals with a writer that stops (waiting on its stdin) right after the last encrypted
document is durably written, i.e. between the file writes and the commit; the parent then kills
it with SIGKILL, which is what a power cut looks like to the store. No row may exist, the
sequence number is not consumed, and the next start's sweep removes the files.
"""

from __future__ import annotations

import random
import selectors
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.sealing import SealingKeys, seal
from kiosk.store import ApplicationState, get_application, list_applications, open_store, sweep
from sync.protocol.keys import public_key_b64
from tests.crash.citizens import random_application, random_documents

REPO_ROOT = Path(__file__).resolve().parents[2]
APPOINTMENT = date(2026, 11, 26)

CHILD = """
import random, sys
from datetime import date
from pathlib import Path
from kiosk.sealing import SealingKeys, seal
from kiosk.store import open_store
from kiosk.store.files import atomic_write
from sync.protocol.keys import x25519_public_from_b64
from tests.crash.citizens import random_application, random_documents

rng = random.Random(int(sys.argv[3]))
app, docs = random_application(rng), random_documents(rng)
written = []

def writer(directory, name, data):
    path = atomic_write(directory, name, data)
    written.append(name)
    if len(written) == len(docs):
        print("FILES_WRITTEN", app.application_id, flush=True)
        sys.stdin.readline()  # the parent pulls the plug here
    return path

keys = SealingKeys("kiosk-cut", "CUT", x25519_public_from_b64(sys.argv[2]))
with open_store(Path(sys.argv[1])) as store:
    seal(store, app, docs, keys=keys, appointment_date=date(2026, 11, 26), writer=writer)
print("COMMITTED", flush=True)
"""


def _wait_for_line(proc: subprocess.Popen[bytes], timeout_s: float) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        assert selector.select(timeout=timeout_s), "child said nothing in time"
    return proc.stdout.readline().decode().strip()


def test_a_cut_between_file_writes_and_commit_leaves_no_application(tmp_path: Path) -> None:
    store_path = tmp_path / "data" / "kiosk.sqlite3"
    gateway = X25519PrivateKey.generate()
    keys = SealingKeys("kiosk-cut", "CUT", gateway.public_key())
    rng = random.Random(7)
    with open_store(store_path) as store:
        before = seal(
            store, random_application(rng), random_documents(rng), keys=keys, appointment_date=APPOINTMENT
        )

    child_seed = 99
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store_path), public_key_b64(gateway), str(child_seed)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        started = time.monotonic()
        line = _wait_for_line(proc, timeout_s=30)
        assert line.startswith("FILES_WRITTEN"), line
        application_id = line.split()[1]
        app_dir = store_path.parent / "docs" / application_id
        assert len(list(app_dir.iterdir())) == 3  # durable files, no row yet
        with open_store(store_path) as reader:  # WAL: readers do not see the open transaction
            assert get_application(reader, application_id) is None
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
        assert time.monotonic() - started < 30
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()

    with open_store(store_path) as store:
        assert get_application(store, application_id) is None
        assert store.query("SELECT value FROM counters")[0][0] == 1
        report = sweep(store)
        assert (report.orphan_dirs_removed, report.orphan_files_removed) == (1, 3)
        assert not app_dir.exists()
        assert store.query("PRAGMA integrity_check")[0][0] == "ok"
        assert list_applications(store) == [before]

        # Power back: the citizen's retry seals the very same application, with the next seq.
        retry_rng = random.Random(child_seed)
        app, docs = random_application(retry_rng), random_documents(retry_rng)
        assert str(app.application_id) == application_id
        again = seal(store, app, docs, keys=keys, appointment_date=APPOINTMENT)
        assert (again.kiosk_seq, again.state) == (2, ApplicationState.QUEUED)
        assert sweep(store).clean
