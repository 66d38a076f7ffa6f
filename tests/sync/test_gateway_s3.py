"""Documents in S3-compatible object storage: a real S3 server (moto_server, its own process on
127.0.0.1), a real PostgreSQL (throwaway cluster), real gateway processes and the kiosk's real
agent. Every document arrives once and byte-identical; two processes PATCHing one upload never
corrupt it; the object store down is a retryable 503 and nothing is lost.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from sync.agent.config import AgentConfig
from sync.agent.loop import Agent
from sync.gateway.app import GatewayApp
from sync.gateway.control import GatewayControl
from sync.gateway.limits import GatewayLimits
from sync.gateway.server import RunningGateway, start_gateway
from sync.gateway.storage import StorageConfig, parse_s3_url
from sync.netsim import FaultProxy
from sync.protocol.keys import (
    ed25519_public_from_b64,
    generate_signing_key,
    public_key_b64,
    x25519_public_from_b64,
)
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    SignedResponse,
    TestKiosk,
    create_upload,
    doc_target,
    patch_chunk,
    push,
    seal_application,
)
from tests.sync.gateway_processes import gateway_process, gunicorn_gateway
from tests.sync.pg_cluster import throwaway_cluster
from tests.sync.rig import KIOSK_ID, Rig
from tests.sync.s3_server import S3_ENV, S3Server, s3_test_client, throwaway_s3
from tests.sync.sealed_store import SealedApp, create_store, seal_applications, states

_numbers = itertools.count(1)
DOCS = (("don", 1), ("cccd", 2))  # 2 documents, the second over one 64 KiB chunk


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with throwaway_cluster() as url:
        yield url


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with throwaway_s3() as server:
        yield server


@pytest.fixture(autouse=True)
def s3_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 in this process (in-process gateways) reads the test server's credentials."""
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def database(cluster: str) -> str:
    name = f"gws3_{next(_numbers)}"
    with psycopg.connect(cluster, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return cluster.replace("@/postgres?", f"@/{name}?")


@pytest.fixture
def prefix() -> str:
    """Each test's own folder in the module's bucket."""
    return f"t{next(_numbers)}"


def _objects(s3: S3Server, prefix: str) -> dict[str, bytes]:
    client = s3_test_client(s3.endpoint)
    try:
        out: dict[str, bytes] = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=s3.bucket,
                                                                      Prefix=f"{prefix}/"):
            for item in page.get("Contents", []):
                key = item["Key"]
                out[key] = client.get_object(Bucket=s3.bucket, Key=key)["Body"].read()
        return out
    finally:
        client.close()


def _chunks_left(database: str) -> int:
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT COUNT(*) FROM upload_chunks").fetchone()
    assert row is not None
    return int(row[0])


def _assert_in_s3_once(s3: S3Server, prefix: str, apps: list[SealedApp]) -> None:
    """Exactly the expected documents are objects, each byte-identical to the kiosk's file."""
    objects = _objects(s3, prefix)
    expected = {f"{prefix}/doc/{a.application_id}/{d}": sd for a in apps
                for d, sd in a.documents.items()}
    assert sorted(objects) == sorted(expected)
    for key, (size, sha) in expected.items():
        assert (len(objects[key]), hashlib.sha256(objects[key]).hexdigest()) == (size, sha), key


def test_storage_settings() -> None:
    assert parse_s3_url("s3://docs") == ("docs", "")
    assert parse_s3_url("s3://docs/province/hn/") == ("docs", "province/hn/")
    for bad in ("http://docs/x", "s3:///x", "s3://docs/x?y=1", "folder2"):
        with pytest.raises(ValueError, match="s3://bucket"):
            parse_s3_url(bad)
    assert StorageConfig().documents == "folder"


def test_agents_send_through_two_processes_sharing_postgres_and_s3(
    tmp_path: Path, database: str, s3: S3Server, prefix: str
) -> None:
    data = tmp_path / "gw"
    documents = f"s3://{s3.bucket}/{prefix}"
    setup = GatewayApp(data, time.time, GatewayLimits(), database)
    control = GatewayControl(setup)
    keys = {k: generate_signing_key() for k in ("KS-1", "KS-2")}
    for kiosk_id, key in keys.items():
        control.register_kiosk(kiosk_id, public_key_b64(key))
    public = setup.keys.public
    setup.close()
    enc = x25519_public_from_b64(public.encryption_b64)
    stores = {k: create_store(tmp_path / k) for k in keys}
    sealed: list[SealedApp] = []
    extra = ["--documents", documents, "--s3-endpoint", s3.endpoint]

    def send(urls: dict[str, str], count: int, seed: int) -> None:
        def one(kiosk_id: str) -> None:
            config = AgentConfig(
                db_path=stores[kiosk_id], gateway_url=urls[kiosk_id], kiosk_id=kiosk_id,
                kiosk_key=keys[kiosk_id],
                gateway_signing_key=ed25519_public_from_b64(public.signing_b64))
            with Agent(config, wait=lambda _s: None) as agent:
                report = agent.run_once()
            assert report.sent == count, report

        for n, kiosk_id in enumerate(keys):
            sealed.extend(seal_applications(stores[kiosk_id], kiosk_id, enc, count,
                                            page_bytes=40_000, docs=DOCS, seed=seed + n))
        threads = [threading.Thread(target=one, args=(k,)) for k in keys]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads)

    with gateway_process(data, database, extra) as url_a, \
            gateway_process(data, database, extra) as url_b:
        send({"KS-1": url_a, "KS-2": url_b}, 3, seed=1)  # each kiosk on one process...
        send({"KS-1": url_b, "KS-2": url_a}, 2, seed=11)  # ...then on the other
    check = GatewayApp(data, time.time, GatewayLimits(), database,
                       storage=StorageConfig(documents, s3.endpoint))
    try:
        records = GatewayControl(check).applications()
    finally:
        check.close()
    assert sorted(r.application_id for r in records) == sorted(a.application_id for a in sealed)
    assert all(r.committed for r in records)
    assert len({(r.kiosk_id, r.kiosk_seq) for r in records}) == len(sealed) == 10
    assert len({r.receipt_no for r in records}) == 10
    _assert_in_s3_once(s3, prefix, sealed)
    assert _chunks_left(database) == 0  # in-progress chunks dropped once in S3
    assert not (data / "uploads").exists()  # nothing went to the folder
    for db in stores.values():
        assert set(states(db).values()) <= {"received", "acked"}


def test_a_committed_document_read_back_from_s3_matches_the_manifest(
    tmp_path: Path, database: str, s3: S3Server, prefix: str
) -> None:
    clock = FakeClock.from_real_time()
    gateway = start_gateway(tmp_path / "gw", clock=clock, database_url=database,
                            storage=StorageConfig(f"s3://{s3.bucket}/{prefix}", s3.endpoint))
    try:
        kiosk = TestKiosk(gateway.url, gateway.public_keys.signing_b64, clock, "KX-001")
        gateway.control.register_kiosk("KX-001", kiosk.public_b64)
        app = seal_application(gateway.public_keys.encryption_b64, "KX-001", 1,
                               {"cccd": b"%PDF-1.4 CCCD " * 9000, "birth": b"%PDF-1.4 b " * 99})
        commit = push(kiosk, app)
        assert commit.status == 202, commit.body
        kiosk.close()
        objects = _objects(s3, prefix)
        client = s3_test_client(s3.endpoint)
        for entry in app.manifest.documents:
            key = f"{prefix}/doc/{app.id}/{entry.doc_id}"
            stored = objects[key]
            assert len(stored) == entry.size
            assert hashlib.sha256(stored).hexdigest() == entry.sha256
            head = client.head_object(Bucket=s3.bucket, Key=key)
            assert head["Metadata"] == {"sha256": entry.sha256}
            # the back office's view: decrypted from the object store, the kiosk's PDF
            assert gateway.control.open_document(app.id, entry.doc_id) == (
                app.plain_documents[entry.doc_id])
        client.close()
        assert len(objects) == 2
    finally:
        gateway.stop()


def _problem(r: SignedResponse) -> tuple[int, object, object]:
    return r.status, r.obj().get("code"), r.obj().get("retryable")


def test_the_object_store_down_is_a_retryable_503_and_nothing_is_lost(
    tmp_path: Path, database: str, s3: S3Server, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock.from_real_time()
    with FaultProxy("127.0.0.1", s3.port) as link:
        gateway = start_gateway(tmp_path / "gw", clock=clock, database_url=database,
                                storage=StorageConfig(f"s3://{s3.bucket}/{prefix}", link.url))
        kiosk = TestKiosk(gateway.url, gateway.public_keys.signing_b64, clock, "KX-001")
        try:
            gateway.control.register_kiosk("KX-001", kiosk.public_b64)
            app = seal_application(gateway.public_keys.encryption_b64, "KX-001", 1,
                                   {"scan": bytes(range(256)) * 300})
            sealed = app.documents["scan"]
            target = doc_target(app.id, "scan")
            assert kiosk.call("PUT", f"/v1/applications/{app.id}", app.body).status == 201
            assert create_upload(kiosk, app, "scan").status == 201
            third = len(sealed) // 3
            assert patch_chunk(kiosk, target, 0, sealed[:third]).status == 204
            link.set_down(True)
            # Chunks before the last go to the database: the object store is not needed yet.
            assert patch_chunk(kiosk, target, third, sealed[third:2 * third]).status == 204
            last = patch_chunk(kiosk, target, 2 * third, sealed[2 * third:])
            assert _problem(last) == (503, "unavailable", True), last.body
            assert last.headers["Retry-After"] == "30"
            assert last.headers["Upload-Offset"] == str(2 * third)
            assert "object store: PUT" in caplog.text  # the operator is told
            assert kiosk.call("HEAD", target).headers["Upload-Offset"] == str(2 * third)
            commit = kiosk.call("POST", f"/v1/applications/{app.id}/commit")
            assert commit.status == 409, commit.body  # documents_missing: not yet stored
            assert gateway.control.document_bytes(app.id, "scan") is None
            link.set_down(False)
            again = patch_chunk(kiosk, target, 2 * third, sealed[2 * third:])
            assert again.status == 204, again.body
            assert again.headers["Upload-Offset"] == str(len(sealed))
            assert kiosk.call("POST", f"/v1/applications/{app.id}/commit").status == 202
            stored = _objects(s3, prefix)[f"{prefix}/doc/{app.id}/scan"]
            assert hashlib.sha256(stored).digest() == hashlib.sha256(sealed).digest()
            assert _chunks_left(database) == 0
        finally:
            kiosk.close()
            gateway.stop()


def _rig_with_s3(tmp: Path, database: str, documents: str, endpoint: str) -> RunningGateway:
    return start_gateway(tmp / "gateway", database_url=database,
                         storage=StorageConfig(documents, endpoint))


def test_the_agent_waits_out_an_object_store_outage(
    tmp_path: Path, database: str, s3: S3Server, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    with FaultProxy("127.0.0.1", s3.port) as link:
        gateway = _rig_with_s3(tmp_path, database, f"s3://{s3.bucket}/{prefix}", link.url)
        try:
            key = generate_signing_key()
            gateway.control.register_kiosk(KIOSK_ID, public_key_b64(key))
            rig = Rig(tmp_path, gateway, create_store(tmp_path / "kiosk"), key)
            apps = rig.seal(3, page_bytes=30_000)
            clock = FakeClock.from_real_time()
            link.set_down(True)
            with rig.agent(clock) as agent:
                down = agent.run_once(budget_s=120)
                assert down.sent == 0, down
                # waiting to try again, none given up (quarantined) nor lost
                assert set(states(rig.db).values()) <= {"queued", "retry_wait"}, states(rig.db)
                assert "object store: PUT" in caplog.text
                link.set_down(False)
                clock.advance(3600)
                up = agent.run_once(budget_s=3600)
                assert up.sent == 3, up
            rig.assert_on_gateway(apps)  # every document read back from S3, byte-identical
            _assert_in_s3_once(s3, prefix, apps)
            assert _chunks_left(database) == 0
        finally:
            gateway.stop()


def test_two_processes_patching_one_upload_in_s3_never_corrupt_it(
    tmp_path: Path, database: str, s3: S3Server, prefix: str
) -> None:
    data = tmp_path / "gw"
    documents = f"s3://{s3.bucket}/{prefix}"
    clock = FakeClock()
    setup = GatewayApp(data, clock, GatewayLimits(), database)
    key = generate_signing_key()
    GatewayControl(setup).register_kiosk("KX-001", public_key_b64(key))
    signing, encryption = setup.keys.public.signing_b64, setup.keys.public.encryption_b64
    setup.close()
    clock.now = time.time()
    extra = ["--documents", documents, "--s3-endpoint", s3.endpoint]
    with gateway_process(data, database, extra) as url_a, \
            gateway_process(data, database, extra) as url_b:
        a = TestKiosk(url_a, signing, clock, "KX-001", key)
        b = TestKiosk(url_b, signing, clock, "KX-001", key, last_dates=a.last_dates)
        try:
            app = seal_application(encryption, "KX-001", 1, {"scan": bytes(range(256)) * 400})
            sealed = app.documents["scan"]
            assert a.call("PUT", f"/v1/applications/{app.id}", app.body).status == 201
            assert create_upload(b, app, "scan").status == 201
            target = doc_target(app.id, "scan")
            offset, chunk, rounds = 0, 7000, 0
            while offset < len(sealed):
                rounds += 1
                assert rounds < 200
                answers = _together(
                    functools.partial(patch_chunk, a, target, offset,
                                      sealed[offset:offset + chunk]),
                    functools.partial(patch_chunk, b, target, offset,
                                      sealed[offset:offset + chunk // 2]))
                assert all(r.status in (204, 409, 423) for r in answers), [
                    (r.status, r.body) for r in answers]
                offset = int(a.call("HEAD", target).headers["Upload-Offset"])
            assert b.call("POST", f"/v1/applications/{app.id}/commit").status == 202
        finally:
            a.close()
            b.close()
    stored = _objects(s3, prefix)[f"{prefix}/doc/{app.id}/scan"]
    assert hashlib.sha256(stored).digest() == hashlib.sha256(sealed).digest()


def _together(*calls: functools.partial[SignedResponse]) -> list[SignedResponse]:
    results: list[SignedResponse | None] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i: int) -> None:
        barrier.wait(timeout=30)
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    done = [r for r in results if r is not None]
    assert len(done) == len(calls), "a request did not finish"
    return done


def test_the_agent_sends_through_gunicorn_workers_to_s3(
    tmp_path: Path, database: str, s3: S3Server, prefix: str
) -> None:
    data = tmp_path / "gw"
    setup = GatewayApp(data, time.time, GatewayLimits(), database)
    key = generate_signing_key()
    GatewayControl(setup).register_kiosk(KIOSK_ID, public_key_b64(key))
    public = setup.keys.public
    setup.close()
    db = create_store(tmp_path / "kiosk")
    apps = seal_applications(db, KIOSK_ID, x25519_public_from_b64(public.encryption_b64), 4,
                             page_bytes=40_000, docs=DOCS)
    env = {"DVC_GATEWAY_DOCUMENTS": f"s3://{s3.bucket}/{prefix}",
           "DVC_GATEWAY_S3_ENDPOINT": s3.endpoint}
    with gunicorn_gateway(data, database, workers=2, threads=4, env=env) as url:
        config = AgentConfig(db_path=db, gateway_url=url, kiosk_id=KIOSK_ID, kiosk_key=key,
                             gateway_signing_key=ed25519_public_from_b64(public.signing_b64))
        with Agent(config, wait=lambda _s: None) as agent:
            assert agent.run_once().sent == 4
    _assert_in_s3_once(s3, prefix, apps)
    assert set(states(db).values()) <= {"received", "acked"}
