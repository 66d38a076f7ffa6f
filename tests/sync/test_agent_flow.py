"""The agent end to end against the real reference gateway over loopback HTTP."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sync import cli as sync_cli
from sync.agent.link import LinkState
from sync.agent.loop import Agent
from sync.api import request_send_now
from sync.gateway.faults import Fault
from sync.gateway.limits import GatewayLimits
from sync.protocol.keys import x25519_public_from_b64
from tests.fakes import FakeClock
from tests.sync.rig import KIOSK_ID, Rig, make_rig
from tests.sync.sealed_store import create_store, seal_applications, states


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    with make_rig(tmp_path) as r:
        yield r


def test_sealed_applications_reach_the_gateway_once(rig: Rig) -> None:
    apps = rig.seal(3, page_bytes=5000)
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as agent:
        report = agent.run_once()
        assert report.drained, report
        assert report.sent == 3
        again = agent.run_once()
        assert again.sent == 0
    rig.assert_on_gateway(apps)


def _db_rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _exec(db: Path, sql: str, rows: list[tuple[object, ...]]) -> None:
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.executemany(sql, rows)
    finally:
        conn.close()


def test_status_changes_come_back_by_cursor(rig: Rig) -> None:
    apps = rig.seal(3, page_bytes=1000)
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as agent:
        assert agent.run_once().drained
        rig.gateway.control.set_state(apps[1].application_id, "needs_more_documents",
                                      "Bổ sung giấy xác nhận cư trú")
        assert agent.run_once().drained
        rows = dict(_db_rows(rig.db, "SELECT application_id, gateway_state FROM applications"))
        assert rows[apps[1].application_id] == "needs_more_documents"
        assert rows[apps[0].application_id] == "received"
        cursor = _db_rows(rig.db, "SELECT value FROM sync_state WHERE key = 'status_cursor'")
        assert cursor[0][0]
        rig.gateway.control.set_state(apps[2].application_id, "ready_for_pickup")
        assert agent.run_once().drained
    notes = dict(_db_rows(rig.db, "SELECT application_id, gateway_note_vi FROM applications"))
    assert notes[apps[1].application_id] == "Bổ sung giấy xác nhận cư trú"
    rows = dict(_db_rows(rig.db, "SELECT application_id, gateway_state FROM applications"))
    assert rows[apps[2].application_id] == "ready_for_pickup"
    assert set(dict(_db_rows(rig.db, "SELECT application_id, state FROM applications"))
               .values()) == {"acked"}                   # the ack check confirmed all three


def test_ratings_and_ticket_counts_ride_along(rig: Rig) -> None:
    _exec(rig.db, "INSERT INTO ratings(rating_id, at, procedure_code, score) VALUES (?,?,?,?)",
          [(f"r-{i}", "2026-11-22T08:00:00Z", "HT-KH" if i else None, 1 + i % 3)
           for i in range(5)])
    _exec(rig.db, "INSERT INTO queue_tickets(day, field, number, issued_at) VALUES (?,?,?,?)",
          [("2026-11-22", "ho-tich", n, "2026-11-22T08:00:00Z") for n in (1, 2, 3)])
    with rig.agent(FakeClock.from_real_time()) as agent:
        assert agent.run_once().drained
        assert agent.run_once().drained            # idempotent: nothing sent twice
    assert rig.gateway.control.rating_count() == 5
    assert _db_rows(rig.db, "SELECT COUNT(*) FROM ratings WHERE sent_at IS NULL") == [(0,)]
    assert _db_rows(rig.db, "SELECT COUNT(*) FROM queue_tickets WHERE sent_at IS NULL") == [(0,)]
    posts = [r for r in rig.gateway.control.requests() if r.path == "/v1/ratings"]
    assert len(posts) == 1


def test_send_now_wakes_the_agent_and_resets_backoff(rig: Rig) -> None:
    apps = rig.seal(1, page_bytes=1000)
    rig.gateway.control.script(Fault.answer(503, method="GET", path="/ping$", retry_after=300))
    clock = FakeClock.from_real_time()
    agent = rig.agent(clock, poll_interval_s=60)
    calls = 0

    def wait(seconds: float) -> None:
        nonlocal calls
        calls += 1
        clock.wait(seconds)
        if calls == 3:
            request_send_now(rig.db)
        if calls > 500 or states(rig.db)[apps[0].application_id] == "acked":
            agent.stop()

    agent._wait = wait  # the idle loop's only way to pass time
    with agent:
        agent.run_forever()
    assert sum(clock.waits) < 60                     # woke long before the 300 s backoff
    rig.assert_on_gateway(apps)


def test_status_reports_link_queue_and_quarantine(rig: Rig) -> None:
    apps = rig.seal(2, page_bytes=1000)
    rig.gateway.control.script(Fault.answer(422, method="PUT", path=apps[0].application_id,
                                            code="manifest_conflict"))
    with rig.agent(FakeClock.from_real_time()) as agent:
        agent.run_once()
    out = io.StringIO()
    assert sync_cli.status(rig.db, as_json=True, out=out) == 0
    st = json.loads(out.getvalue())
    assert st["link"]["state"] == "online"
    # Seq 1 never reached the gateway, so its ack stops below it: seq 2 stays "received".
    assert st["queue"] == {"received": 1, "quarantined": 1}
    assert st["last_success_at"]
    assert [q["application_id"] for q in st["quarantined"]] == [apps[0].application_id]
    assert "manifest_conflict" in st["quarantined"][0]["reason"]
    text = io.StringIO()
    sync_cli.status(rig.db, out=text)
    assert "quarantined: 1" in text.getvalue()
    assert "manifest_conflict" in text.getvalue()


def test_a_second_agent_is_refused_while_the_first_holds_the_lease(rig: Rig) -> None:
    apps = rig.seal(1, page_bytes=1000)
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as first, rig.agent(clock) as second:
        assert first.lease.acquire() is None
        report = second.run_pass()
        assert report.link is LinkState.LEASE_HELD
        assert rig.gateway.control.requests() == ()
        assert first.run_once().drained
    rig.assert_on_gateway(apps)


def test_same_id_other_manifest_is_quarantined_as_a_real_conflict(rig: Rig) -> None:
    apps = rig.seal(1, page_bytes=1000)
    with rig.agent(FakeClock.from_real_time()) as agent:
        assert agent.run_once().drained
    twin_db = create_store(rig.tmp / "twin")
    enc = x25519_public_from_b64(rig.gateway.public_keys.encryption_b64)
    twin = seal_applications(twin_db, KIOSK_ID, enc, 1, page_bytes=1500, seed=1)
    assert twin[0].application_id == apps[0].application_id
    assert twin[0].manifest_sha256 != apps[0].manifest_sha256
    cfg = rig.config()
    clock = FakeClock.from_real_time()
    with Agent(replace(cfg, db_path=twin_db), clock=clock, wait=clock.wait) as a:
        report = a.run_once()
    assert report.quarantined == 1
    assert states(twin_db) == {apps[0].application_id: "quarantined"}
    rig.assert_on_gateway(apps)                      # the first one is untouched


def test_a_damaged_file_quarantines_that_application_only(rig: Rig) -> None:
    apps = rig.seal(3, page_bytes=1000)
    victim = rig.db.parent / "docs" / apps[0].application_id / "don"
    victim.write_bytes(b"\0" + victim.read_bytes()[1:])
    with rig.agent(FakeClock.from_real_time()) as agent:
        report = agent.run_once()
    assert (report.sent, report.quarantined) == (2, 1)
    rig.assert_on_gateway(apps[1:], quarantined=apps[:1])


def test_a_newly_sealed_application_wakes_the_idle_agent(rig: Rig) -> None:
    rig.seal(1, page_bytes=1000)
    clock = FakeClock.from_real_time()
    agent = rig.agent(clock, poll_interval_s=3600)
    calls = 0

    def wait(seconds: float) -> None:
        nonlocal calls
        calls += 1
        clock.wait(seconds)
        if calls == 5:
            rig.seal(1, page_bytes=1000)                    # a citizen confirms meanwhile
        if calls > 500 or (set(states(rig.db).values()) == {"acked"} and calls > 5):
            agent.stop()

    agent._wait = wait
    with agent:
        agent.run_forever()
    assert sum(clock.waits) < 30                            # not the hour-long poll interval
    rig.assert_on_gateway(rig.apps)


def test_status_pull_back_follows_the_cursor_over_pages(rig: Rig) -> None:
    apps = rig.seal(5, page_bytes=500)
    clock = FakeClock.from_real_time()
    with rig.agent(clock, status_page_limit=2) as agent:
        assert agent.run_once().drained
        for app in apps:
            rig.gateway.control.set_state(app.application_id, "processing", "Đang xử lý")
        assert agent.run_once().drained
    rows = _db_rows(rig.db, "SELECT gateway_state, gateway_note_vi FROM applications")
    assert rows == [("processing", "Đang xử lý")] * 5
    pulls = [r for r in rig.gateway.control.requests() if r.path.endswith("/applications")]
    assert len(pulls) >= 3                                 # 5 items, 2 per page


def test_an_application_the_gateway_lost_is_sent_again(rig: Rig) -> None:
    apps = rig.seal(3, page_bytes=500)
    with rig.agent(FakeClock.from_real_time()) as agent:
        assert agent.run_once().drained
        lost = apps[1].application_id
        conn = sqlite3.connect(rig.gateway.data_dir / "gateway.sqlite3")
        try:
            with conn:
                conn.execute("DELETE FROM applications WHERE application_id = ?", (lost,))
                conn.execute("DELETE FROM uploads WHERE upload_key LIKE ?", (f"doc/{lost}/%",))
        finally:
            conn.close()
        report = agent.run_once()
    assert report.drained
    assert report.sent == 1                                 # the ack showed the hole
    rig.assert_on_gateway(apps)


def test_chunks_grow_on_a_fast_link_but_never_past_x_max_chunk(tmp_path: Path) -> None:
    with make_rig(tmp_path, GatewayLimits(max_chunk=200_000)) as rig:
        apps = rig.seal(1, page_bytes=1_500_000, docs=(("ban-chup", 1),))
        with rig.agent(FakeClock.from_real_time()) as agent:
            assert agent.run_once().drained
            assert agent.uploader.sizer.ceiling == 200_000
        patches = [r for r in rig.gateway.control.requests() if r.method == "PATCH"]
        assert 8 <= len(patches) <= 24          # 64 KiB first, then up to the 200 kB limit
        rig.assert_on_gateway(apps)
