"""The reference gateway on PostgreSQL: the whole protocol, and exactly-once across processes.

A real PostgreSQL (Debian's package, a throwaway cluster on a private Unix socket); two real
gateway processes (``python -m sync.gateway --database ...``) sharing one database and one data
folder; the kiosk's real agent, and a hand-driven kiosk sending the same requests to both.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import requests
from psycopg import sql

from sync.agent.config import AgentConfig
from sync.agent.loop import Agent
from sync.gateway import sql as sql_module
from sync.gateway.app import GatewayApp
from sync.gateway.control import GatewayControl
from sync.gateway.limits import GatewayLimits
from sync.gateway.replay import CLOCKS_MARGIN_S, SWEEP_EVERY_S, SharedReplayCache
from sync.gateway.server import start_gateway
from sync.gateway.sql import POOL_TIMEOUT_S
from sync.protocol.keys import (
    ed25519_public_from_b64,
    generate_signing_key,
    public_key_b64,
    x25519_public_from_b64,
)
from sync.protocol.signing import sign_request
from sync.protocol.tus import checksum_header
from tests.fakes import FakeClock
from tests.fakes import FakeClock as AgentClock
from tests.sync.gateway_fixtures import (
    SealedApplication,
    SignedResponse,
    TestKiosk,
    create_upload,
    doc_target,
    patch_chunk,
    seal_application,
)
from tests.sync.gateway_processes import gateway_process, gunicorn_gateway
from tests.sync.pg_cluster import throwaway_cluster
from tests.sync.rig import KIOSK_ID, Rig
from tests.sync.sealed_store import create_store, seal_applications, states

_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def database(cluster: str) -> str:
    """A fresh database in the module's cluster."""
    name = f"gw{next(_numbers)}"
    with psycopg.connect(cluster, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return cluster.replace("@/postgres?", f"@/{name}?")


def test_the_agent_sends_through_a_gateway_on_postgres(tmp_path: Path, database: str) -> None:
    gateway = start_gateway(tmp_path / "gateway", database_url=database)
    try:
        key = generate_signing_key()
        gateway.control.register_kiosk(KIOSK_ID, public_key_b64(key))
        rig = Rig(tmp_path, gateway, create_store(tmp_path / "kiosk"), key)
        apps = rig.seal(4, page_bytes=3000)
        gateway.control.publish_data("holidays", "2027.1", b"{}")
        with rig.agent(AgentClock.from_real_time()) as agent:
            report = agent.run_once()
            assert report.sent == 4, report
            assert agent.run_once().sent == 0
        rig.assert_on_gateway(apps)
        with psycopg.connect(database) as conn:
            rows = conn.execute("SELECT COUNT(*) FROM applications").fetchone()
            beats = conn.execute("SELECT COUNT(*) FROM heartbeats").fetchone()
        assert rows == (4,)
        assert beats == (1,)
    finally:
        gateway.stop()


@pytest.fixture
def two_gateways(tmp_path: Path, database: str) -> Iterator[tuple[TestKiosk, TestKiosk, str]]:
    """Two gateway processes on one database and one data folder, and one kiosk on each."""
    data = tmp_path / "gw"
    clock = FakeClock()
    setup = GatewayApp(data, clock, GatewayLimits(), database)  # keys, tables, the kiosk
    key = generate_signing_key()
    GatewayControl(setup).register_kiosk("KX-001", public_key_b64(key))
    signing, encryption = setup.keys.public.signing_b64, setup.keys.public.encryption_b64
    setup.close()
    clock.now = time.time()  # the processes run on the real clock
    with gateway_process(data, database) as url_a, gateway_process(data, database) as url_b:
        a = TestKiosk(url_a, signing, clock, "KX-001", key)
        # one kiosk (its repeats dated later, as the real client does) talking to both
        b = TestKiosk(url_b, signing, clock, "KX-001", key, last_dates=a.last_dates)
        try:
            yield a, b, encryption
        finally:
            a.close()
            b.close()


def _together(*calls: Callable[[], SignedResponse]) -> list[SignedResponse]:
    """Run the calls at the same moment on threads; their answers in order."""
    results: list[SignedResponse | None] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i: int, call: Callable[[], SignedResponse]) -> None:
        barrier.wait(timeout=30)
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    done = [r for r in results if r is not None]
    assert len(done) == len(calls), "a request did not finish"
    return done


def test_exactly_once_across_two_gateway_processes(
    two_gateways: tuple[TestKiosk, TestKiosk, str], database: str
) -> None:
    a, b, encryption = two_gateways
    assert a.call("GET", "/v1/ping").signed  # both answer with the one shared key
    assert b.call("GET", "/v1/ping").signed
    apps: list[SealedApplication] = []
    for seq in range(1, 6):
        app = seal_application(encryption, "KX-001", seq)
        apps.append(app)
        # The same PUT at the same moment to both processes: one 201, the other 200 (or 409
        # while the first holds the application).
        puts = _together(*[lambda k=k, app=app: k.call("PUT", f"/v1/applications/{app.id}",
                                                          app.body) for k in (a, b)])
        statuses = sorted(r.status for r in puts)
        assert statuses.count(201) == 1, statuses
        assert set(statuses) <= {200, 201, 409}, statuses
        for doc_id, data in app.documents.items():
            assert create_upload(a, app, doc_id).status == 201
            half = len(data) // 2
            assert patch_chunk(b, doc_target(app.id, doc_id), 0, data[:half]).status == 204
            assert patch_chunk(a, doc_target(app.id, doc_id), half, data[half:]).status == 204
        commits = _together(*[lambda k=k, app=app: k.call(
            "POST", f"/v1/applications/{app.id}/commit") for k in (a, b)])
        receipts = {r.obj().get("receipt_no") for r in commits if r.status == 202}
        assert len(receipts) == 1, receipts
    with psycopg.connect(database) as conn:
        rows = conn.execute("SELECT application_id, kiosk_seq, receipt_no FROM applications "
                            "ORDER BY kiosk_seq").fetchall()
    assert [r[1] for r in rows] == [1, 2, 3, 4, 5]
    assert sorted(r[0] for r in rows) == sorted(app.id for app in apps)
    assert len({r[2] for r in rows}) == 5
    ack = b.call("GET", "/v1/kiosks/KX-001/ack").obj()
    assert ack == {"highest_contiguous_seq": 5, "missing_seqs": []}


def test_two_processes_patching_one_upload_never_corrupt_it(
    two_gateways: tuple[TestKiosk, TestKiosk, str], database: str, tmp_path: Path
) -> None:
    a, b, encryption = two_gateways
    data = bytes(range(256)) * 400  # 100 KiB
    app = seal_application(encryption, "KX-001", 1, {"scan": data})
    sealed = app.documents["scan"]
    assert a.call("PUT", f"/v1/applications/{app.id}", app.body).status == 201
    assert create_upload(b, app, "scan").status == 201
    target = doc_target(app.id, "scan")
    offset, chunk = 0, 7000
    rounds = 0
    while offset < len(sealed):
        rounds += 1
        assert rounds < 200
        piece_a = sealed[offset:offset + chunk]
        piece_b = sealed[offset:offset + chunk // 2]  # the other process: another length
        answers = _together(functools.partial(patch_chunk, a, target, offset, piece_a),
                            functools.partial(patch_chunk, b, target, offset, piece_b))
        # One takes it; the other is refused (423: being written; 409: offset moved on).
        assert all(r.status in (204, 409, 423) for r in answers), [
            (r.status, r.body) for r in answers]
        offset = int(a.call("HEAD", target).headers["Upload-Offset"])
    commit = b.call("POST", f"/v1/applications/{app.id}/commit")
    assert commit.status == 202, commit.body
    stored = (tmp_path / "gw" / "uploads" / app.id / "scan").read_bytes()
    assert hashlib.sha256(stored).digest() == hashlib.sha256(sealed).digest()
    assert checksum_header(stored) == checksum_header(sealed)


def test_the_agent_sends_through_gunicorn_workers(tmp_path: Path, database: str) -> None:
    data = tmp_path / "gw"
    setup = GatewayApp(data, time.time, GatewayLimits(), database)
    key = generate_signing_key()
    GatewayControl(setup).register_kiosk(KIOSK_ID, public_key_b64(key))
    public = setup.keys.public
    setup.close()
    db = create_store(tmp_path / "kiosk")
    enc = x25519_public_from_b64(public.encryption_b64)
    apps = seal_applications(db, KIOSK_ID, enc, 4, page_bytes=40_000)
    with gunicorn_gateway(data, database) as url:
        config = AgentConfig(db_path=db, gateway_url=url, kiosk_id=KIOSK_ID, kiosk_key=key,
                             gateway_signing_key=ed25519_public_from_b64(public.signing_b64))
        with Agent(config, wait=lambda _s: None) as agent:
            report = agent.run_once()
    assert report.sent == 4, report
    check = GatewayApp(data, time.time, GatewayLimits(), database)
    try:
        control = GatewayControl(check)
        committed = [r for r in control.applications(KIOSK_ID) if r.committed]
        assert sorted(r.application_id for r in committed) == sorted(
            a.application_id for a in apps)
        for app in apps:
            for doc_id, (size, sha) in app.documents.items():
                stored = control.document_bytes(app.application_id, doc_id)
                assert stored is not None
                assert (len(stored), hashlib.sha256(stored).hexdigest()) == (size, sha)
    finally:
        check.close()
    assert set(states(db).values()) <= {"received", "acked"}


def test_a_lost_database_connection_is_opened_again(
    tmp_path: Path, database: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The database restarts (here: every gateway connection is killed) between and during the
    agent's passes: requests that met it fail retryably, the next ones reconnect, and every
    application still arrives exactly once."""
    gateway = start_gateway(tmp_path / "gateway", database_url=database)
    try:
        key = generate_signing_key()
        gateway.control.register_kiosk(KIOSK_ID, public_key_b64(key))
        rig = Rig(tmp_path, gateway, create_store(tmp_path / "kiosk"), key)
        first = rig.seal(2, page_bytes=3000)
        clock = AgentClock.from_real_time()
        with rig.agent(clock) as agent:
            assert agent.run_once().sent == 2
            killed = _kill_other_connections(database)
            assert killed >= 1
            later = rig.seal(2, page_bytes=3000)
            report = agent.run_once(budget_s=3600)
            assert report.sent == 2, report
        rig.assert_on_gateway(first + later)
        assert "database connection lost: connecting again" in caplog.text
    finally:
        gateway.stop()


def _kill_other_connections(database: str) -> int:
    with psycopg.connect(database, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()
    return len(rows)


def test_a_pool_of_one_connection_serves_the_whole_protocol(tmp_path: Path, database: str) -> None:
    """A request keeps one pooled connection and a PATCH holding its upload's lock uses that same
    connection: with a pool of one, nothing waits for a second connection (no pool deadlock), and
    the process never opens more connections than its pool allows."""
    gateway = start_gateway(tmp_path / "gateway", database_url=database, pool_size=1)
    try:
        key = generate_signing_key()
        gateway.control.register_kiosk(KIOSK_ID, public_key_b64(key))
        rig = Rig(tmp_path, gateway, create_store(tmp_path / "kiosk"), key)
        apps = rig.seal(3, page_bytes=90_000)  # several chunks: PATCHes under the upload lock
        with rig.agent(AgentClock.from_real_time()) as agent:
            started = time.monotonic()
            assert agent.run_once().sent == 3
            assert time.monotonic() - started < POOL_TIMEOUT_S  # no request waited it out
        rig.assert_on_gateway(apps)
        with psycopg.connect(database) as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()").fetchone()
        assert row == (1,)
    finally:
        gateway.stop()


def test_the_database_unreachable_is_a_retryable_503_and_ping_still_answers(
    tmp_path: Path, cluster: str, database: str, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """PostgreSQL refusing connections: a request that needs it is 503 unavailable (retryable,
    Retry-After) after the pool's timeout, not a 500 nor a hang; /v1/ping needs no database and
    still answers; once PostgreSQL takes connections again the pool reconnects by itself."""
    monkeypatch.setattr(sql_module, "POOL_TIMEOUT_S", 1.0)
    gateway = start_gateway(tmp_path / "gateway", database_url=database)
    clock = FakeClock.from_real_time()
    kiosk = TestKiosk(gateway.url, gateway.public_keys.signing_b64, clock, "KX-001")
    with psycopg.connect(database) as conn:
        name = conn.info.dbname
    try:
        gateway.control.register_kiosk("KX-001", kiosk.public_b64)
        assert kiosk.call("GET", "/v1/kiosks/KX-001/ack").status == 200
        _allow_connections(cluster, name, allow=False)
        started = time.monotonic()
        assert kiosk.call("GET", "/v1/ping").status == 204
        down = kiosk.call("GET", "/v1/kiosks/KX-001/ack")
        assert (down.status, down.code, down.obj()["retryable"]) == (503, "unavailable", True)
        assert down.headers["Retry-After"] == "30"
        assert time.monotonic() - started < 10
        assert "no database connection" in caplog.text
        _allow_connections(cluster, name, allow=True)
        deadline = time.monotonic() + 60
        pause = threading.Event()
        while (again := kiosk.call("GET", "/v1/kiosks/KX-001/ack")).status != 200:
            assert again.status == 503, again.body
            assert time.monotonic() < deadline, "the pool did not connect again"
            pause.wait(0.2)
    finally:
        _allow_connections(cluster, name, allow=True)
        kiosk.close()
        gateway.stop()


def _allow_connections(cluster: str, name: str, *, allow: bool) -> None:
    with psycopg.connect(cluster, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
            sql.Identifier(name), sql.SQL("true" if allow else "false")))
        if not allow:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s", (name,))


def _otp_request(kiosk: TestKiosk, app_id: str, date: float) -> tuple[bytes, dict[str, str]]:
    """A signed OTP request (the endpoint a replay would abuse: another SMS, a reset code)."""
    body = f'{{"application_id":"{app_id}","citizen_id":"001090001234"}}'.encode()
    headers = {**sign_request(kiosk.key, kiosk.kiosk_id, "POST", "/v1/otp", body, now=date),
               "Content-Type": "application/json"}
    return body, headers


def _otp_row(database: str, app_id: str) -> tuple[object, ...] | None:
    with psycopg.connect(database) as conn:
        return conn.execute("SELECT code, expires_at FROM otp_codes WHERE application_id = %s",
                            (app_id,)).fetchone()


def test_a_request_replayed_to_the_other_process_is_refused(
    two_gateways: tuple[TestKiosk, TestKiosk, str], database: str
) -> None:
    """Issue 10 item 6 across processes: the signed request recorded on its way to one gateway
    process and sent to another one sharing the database is refused exactly as a replay to the
    same process is (tests/security/test_gateway_binds_requests.py::
    test_the_same_signed_request_is_accepted_once): 401 ``replayed``, retryable; no new code."""
    a, b, _encryption = two_gateways
    app_id = str(uuid.uuid4())
    date = float(int(a.clock()))
    body, headers = _otp_request(a, app_id, date)
    first = requests.post(a.base_url + "/v1/otp", data=body, headers=headers, timeout=30)
    assert first.status_code == 202, first.text
    row = _otp_row(database, app_id)
    assert row is not None
    for url in (b.base_url, a.base_url):  # the other process, then the same one: alike
        again = requests.post(url + "/v1/otp", data=body, headers=headers, timeout=30)
        assert again.status_code == 401, again.text
        assert again.json()["code"] == "replayed"
        assert again.json()["retryable"] is True
        assert _otp_row(database, app_id) == row  # no new code, no new SMS
    # the kiosk's own repeat, signed again with a later Date, goes through on either
    body, fresh = _otp_request(a, app_id, date + 1)
    answer = requests.post(b.base_url + "/v1/otp", data=body, headers=fresh, timeout=30)
    assert answer.status_code == 202, answer.text
    assert _otp_row(database, app_id) != row
    assert b.call("GET", "/v1/kiosks/KX-001/ack").status == 200
    assert a.call("GET", "/v1/kiosks/KX-001/ack").status == 200
    with psycopg.connect(database) as conn:
        seen = conn.execute("SELECT COUNT(*) FROM seen_signatures").fetchone()
    assert seen == (4,)  # one row per signed request accepted, none for the refused ones


def test_a_replay_racing_to_both_processes_is_accepted_once(
    two_gateways: tuple[TestKiosk, TestKiosk, str],
) -> None:
    """The same signed request at the same moment to both processes: exactly one goes through."""
    a, b, _encryption = two_gateways
    for n in range(5):
        body, headers = _otp_request(a, str(uuid.uuid4()), float(int(a.clock())) + n)
        statuses = _post_together([a.base_url, b.base_url], "/v1/otp", body, headers)
        assert sorted(statuses) == [202, 401], statuses


def _post_together(urls: list[str], target: str, body: bytes,
                   headers: dict[str, str]) -> list[int]:
    """The same bytes POSTed to every URL at the same moment; the statuses, sorted."""
    statuses: list[int] = []
    barrier = threading.Barrier(len(urls))

    def send(url: str) -> None:
        barrier.wait(timeout=30)
        statuses.append(requests.post(url + target, data=body, headers=headers,
                                      timeout=30).status_code)

    threads = [threading.Thread(target=send, args=(url,)) for url in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(statuses) == len(urls), "a request did not finish"
    return sorted(statuses)


def test_the_sweep_removes_only_expired_signatures_in_bounded_batches(
    tmp_path: Path, database: str
) -> None:
    clock = FakeClock.from_real_time()
    window = GatewayLimits().max_clock_skew_s
    gateway = GatewayApp(tmp_path / "gw", clock, GatewayLimits(), database)
    try:
        # swept by hand here (its first request sweeps an empty table, then never again)
        cache = SharedReplayCache(gateway.store, window, sweep_batch=2,
                                  sweep_every_s=float("inf"))
        start = clock()
        # 5 requests dated an hour ago... (expired: a Date that old is refused anyway)
        old = [f"old-{i}" for i in range(5)]
        for i, sig in enumerate(old):
            assert cache.first_time(sig, start - 3600 + i, start - 3600 + i)
        # ...and 3 recent ones, one of them dated 14 minutes ahead
        recent = {"now-0": start, "now-1": start - 60, "ahead": start + 14 * 60}
        for sig, date in recent.items():
            assert cache.first_time(sig, start, date)
            assert not cache.first_time(sig, start, date)  # seen
        assert _seen_count(database) == 8
        assert [cache.sweep(start) for _ in range(4)] == [2, 2, 1, 0]  # bounded batches
        assert _seen_count(database) == 3
        for sig, date in recent.items():
            assert not cache.first_time(sig, start, date)  # still refused after the sweep
        # once a Date has left the window (and the clocks' margin) its row goes too
        clock.now = start + window + CLOCKS_MARGIN_S + 1
        assert cache.sweep(clock()) == 2
        assert _seen_count(database) == 1  # the one dated ahead is still within its window
        assert not cache.first_time("ahead", clock(), recent["ahead"])
        # an expired row not yet swept does not block: the signature counts as new again
        assert cache.first_time("ahead", start + 3 * 3600, recent["ahead"])
    finally:
        gateway.close()


def test_requests_sweep_expired_signatures_as_they_come(tmp_path: Path, database: str) -> None:
    """No separate job: the gateway's own requests sweep (at most every SWEEP_EVERY_S)."""
    clock = FakeClock.from_real_time()
    gateway = start_gateway(tmp_path / "gateway", clock=clock, database_url=database)
    kiosk = TestKiosk(gateway.url, gateway.public_keys.signing_b64, clock, "KX-001")
    try:
        gateway.control.register_kiosk("KX-001", kiosk.public_b64)
        for _ in range(3):
            assert kiosk.call("GET", "/v1/kiosks/KX-001/ack").status == 200
        assert _seen_count(database) == 3
        clock.advance(GatewayLimits().max_clock_skew_s + CLOCKS_MARGIN_S + SWEEP_EVERY_S + 1)
        assert kiosk.call("GET", "/v1/kiosks/KX-001/ack").status == 200
        assert _seen_count(database) == 1  # the three expired went, the new one stays
    finally:
        kiosk.close()
        gateway.stop()


def _seen_count(database: str) -> int:
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT COUNT(*) FROM seen_signatures").fetchone()
    assert row is not None
    return int(row[0])


def test_gunicorn_workers_share_the_replay_cache(tmp_path: Path, database: str) -> None:
    """The same signed request sent 12 times at once to 2 gunicorn workers: accepted once."""
    data = tmp_path / "gw"
    setup = GatewayApp(data, time.time, GatewayLimits(), database)
    key = generate_signing_key()
    GatewayControl(setup).register_kiosk("KX-001", public_key_b64(key))
    setup.close()
    with gunicorn_gateway(data, database, workers=2) as url:
        for n in range(3):
            headers = sign_request(key, "KX-001", "GET", "/v1/kiosks/KX-001/ack", b"",
                                   now=float(int(time.time())) + n)
            statuses = _get_together([url] * 12, "/v1/kiosks/KX-001/ack", headers)
            assert statuses == [200] + [401] * 11, statuses


def _get_together(urls: list[str], target: str, headers: dict[str, str]) -> list[int]:
    """The same GET to every URL at the same moment, each on its own connection; sorted."""
    statuses: list[int] = []
    barrier = threading.Barrier(len(urls))

    def send(url: str) -> None:
        barrier.wait(timeout=30)
        statuses.append(requests.get(url + target, headers=headers, timeout=30).status_code)

    threads = [threading.Thread(target=send, args=(url,)) for url in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(statuses) == len(urls), "a request did not finish"
    return sorted(statuses)
