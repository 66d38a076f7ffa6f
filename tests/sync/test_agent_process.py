"""The agent as its own process (what kiosk-sync.service runs): sends, stops on SIGTERM."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from sync.protocol.keys import save_private_key
from tests.sync.rig import KIOSK_ID, make_rig

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from pathlib import Path
from sync import cli
from sync.agent.config import AgentConfig
db, url, kiosk_id, key_path, gw_pub = sys.argv[1:6]
cfg = AgentConfig.from_files(Path(db), url, kiosk_id, Path(key_path), gw_pub)
sys.exit(cli.run_forever(cfg))
"""


def _lease_holder(db: Path) -> str | None:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT value FROM sync_state WHERE key = 'lease_holder'").fetchone()
    finally:
        conn.close()
    return None if row is None else row[0]


def test_run_forever_sends_then_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with make_rig(tmp_path) as rig:
        apps = rig.seal(2, page_bytes=2000)
        key_path = tmp_path / "kiosk.key"
        save_private_key(key_path, rig.kiosk_key)
        sent = threading.Event()
        lines: list[bytes] = []
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(rig.db), rig.gateway.url, KIOSK_ID,
             str(key_path), rig.gateway.public_keys.signing_b64],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

        def read_journal() -> None:
            assert child.stderr is not None
            for line in child.stderr:
                lines.append(line)
                if b"sent 2" in line:
                    sent.set()

        reader = threading.Thread(target=read_journal, daemon=True)
        reader.start()
        try:
            assert sent.wait(timeout=60), b"".join(lines)
            assert _lease_holder(rig.db) is not None
            child.send_signal(signal.SIGTERM)
            child.wait(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=30)
            reader.join(timeout=30)
            assert child.stderr is not None
            child.stderr.close()
        err = b"".join(lines)
        assert child.returncode == 0, err
        assert b"sent 2, quarantined 0" in err      # the technician's journal line
        assert _lease_holder(rig.db) is None        # released: a restart starts at once
        rig.assert_on_gateway(apps)
