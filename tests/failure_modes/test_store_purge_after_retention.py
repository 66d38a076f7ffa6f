"""Personal data is purged: the sync agent deletes the documents and sealed payload of
acknowledged applications after the retention (30 days by default), leaving a tombstone.

Before the fix ``purge_acknowledged`` had no production caller: every citizen's encrypted
documents stayed on the kiosk forever. Real store file, real reference gateway on loopback, an
injected clock that jumps a month.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from kiosk.metrics import render
from sync.agent.status import format_status, read_status
from tests.fakes import FakeClock
from tests.sync.rig import make_rig

DAY = 86_400.0


def _raw_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())


def _row(db: Path, app_id: str) -> sqlite3.Row:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        row: sqlite3.Row = conn.execute("SELECT * FROM applications WHERE application_id = ?",
                                        (app_id,)).fetchone()
        return row
    finally:
        conn.close()


def test_the_agent_purges_acknowledged_applications_after_retention(tmp_path: Path) -> None:
    with make_rig(tmp_path) as rig:
        acked = rig.seal(3)
        clock = FakeClock.from_real_time()
        with rig.agent(clock) as agent:
            agent.run_pass()
        states = {a.application_id: _row(rig.db, a.application_id)["state"] for a in acked}
        assert set(states.values()) == {"acked"}, states
        waiting = rig.seal(1)[0]  # sealed later, never sent: must stay whole
        secrets = {a.application_id: json.loads(_row(rig.db, a.application_id)["manifest_json"])
                   ["payload"]["ciphertext"] for a in acked}
        docs = rig.db.parent / "docs"

        offline = "http://127.0.0.1:9"  # purging needs no link
        clock.now += 29 * DAY
        with rig.agent(clock, offline) as agent:
            agent.run_pass()
        assert all((docs / a.application_id).is_dir() for a in acked)

        clock.now += 2 * DAY
        with rig.agent(clock, offline) as agent:
            report = agent.run_pass()
        assert "purged 3 acknowledged application(s)" in report.notes

        for app in acked:
            tomb = _row(rig.db, app.application_id)
            assert tomb["state"] == "purged"
            assert tomb["purged_at"] is not None
            assert tomb["manifest_sha256"] == app.manifest_sha256
            assert tomb["application_code"].startswith("K01-")
            body = json.loads(tomb["manifest_json"])
            assert "payload" not in body
            assert {d["doc_id"]: (d["size"], d["sha256"]) for d in body["documents"]} == app.documents
            assert tomb["masked_name"] == ""
            assert not (docs / app.application_id).exists()
        assert (docs / waiting.application_id).is_dir()
        assert _row(rig.db, waiting.application_id)["state"] == "queued"

        raw = _raw_bytes(rig.db)  # secure_delete + checkpoint: no old copy in the file or WAL
        for secret in secrets.values():
            assert secret.encode("ascii") not in raw

        status = read_status(rig.db)
        assert status.purged == 3
        assert "purged after retention: 3" in format_status(status)
        metrics = render(rig.db, datetime.fromtimestamp(clock.now, UTC))
        assert "dvc_kiosk_purged_applications 3\n" in metrics
        assert 'dvc_kiosk_applications{state="purged"} 3\n' in metrics
