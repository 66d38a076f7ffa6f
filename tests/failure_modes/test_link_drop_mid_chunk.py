"""Failure mode: the link drops in the middle of a document chunk.

What must hold: the offset persisted in the kiosk store is one the gateway acknowledged, the
next attempt resumes from the gateway's offset (not from zero), at most one chunk is sent
again, and the document ends on the gateway exactly once and intact.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

from sync.netsim import FaultProxy
from tests.fakes import FakeClock
from tests.sync.rig import make_rig

DOC_BYTES = 3_000_000


def _offset(db: Path, app_id: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT upload_offset FROM documents WHERE application_id = ?",
                                (app_id,)).fetchone()[0])
    finally:
        conn.close()


def test_link_drop_mid_chunk_resends_at_most_one_chunk(tmp_path: Path) -> None:
    with make_rig(tmp_path) as rig:
        (app,) = rig.seal(1, page_bytes=DOC_BYTES, docs=(("ban-chup", 1),))
        port = urlsplit(rig.gateway.url).port
        assert port is not None
        with FaultProxy("127.0.0.1", port) as proxy, \
                rig.agent(FakeClock.from_real_time(), url=proxy.url) as agent:
            proxy.cut_after(DOC_BYTES // 2)
            first = agent.run_pass()
            assert first.retry is not None
            assert first.retry.status is None          # the link, not the gateway
            persisted = _offset(rig.db, app.application_id)
            at_gateway = rig.gateway.control.upload_offset(app.application_id, "ban-chup")
            assert at_gateway is not None
            assert 0 < persisted == at_gateway < DOC_BYTES
            assert agent.run_once().drained
            size = app.documents["ban-chup"][0]
            resent = agent.uploader.chunk_bytes_sent - size
            assert 0 < resent <= agent.uploader.sizer.ceiling
        rig.assert_on_gateway([app])
