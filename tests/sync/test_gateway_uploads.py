"""Resumable document uploads (tus-style) against the real gateway, every refusal included."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.gateway import RunningGateway
from sync.gateway.limits import GatewayLimits
from sync.protocol.envelope import new_application_key, seal_document
from sync.protocol.messages import DocumentEntry
from sync.protocol.signing import parse_http_date
from sync.protocol.tus import checksum_header, checksum_header_from_hex
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    SealedApplication,
    TestKiosk,
    create_upload,
    doc_target,
    patch_chunk,
    registered_kiosk,
    running_gateway,
    seal_application,
)
from tests.sync.s3_server import S3Server, storage_for, throwaway_s3

MAX_CHUNK = 8192


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with throwaway_s3() as server:
        yield server


@pytest.fixture(params=["folder", "s3"])
def gateway(tmp_path: Path, clock: FakeClock, request: pytest.FixtureRequest,
            monkeypatch: pytest.MonkeyPatch, s3: S3Server) -> Iterator[RunningGateway]:
    """Every upload rule holds with documents in the folder and in S3-compatible storage."""
    limits = GatewayLimits(max_chunk=MAX_CHUNK, max_document=64 * 1024)
    storage = storage_for(request.param, request, monkeypatch)
    with running_gateway(tmp_path / "gw", clock, limits, storage) as gw:
        yield gw


@pytest.fixture
def kiosk(gateway: RunningGateway, clock: FakeClock) -> Iterator[TestKiosk]:
    with registered_kiosk(gateway, clock) as k:
        yield k


@pytest.fixture
def app(gateway: RunningGateway, kiosk: TestKiosk) -> SealedApplication:
    sealed = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1, {
        "cccd": bytes(range(256)) * 40,  # 10 KiB: two chunks
        "birth": b"%PDF birth" * 100,
    })
    assert kiosk.call("PUT", f"/v1/applications/{sealed.id}", sealed.body).status == 201
    return sealed


def test_create_is_idempotent_and_publishes_state(
    app: SealedApplication, kiosk: TestKiosk, clock: FakeClock
) -> None:
    first = create_upload(kiosk, app, "cccd")
    assert (first.status, first.signed) == (201, True)
    assert first.headers["Upload-Offset"] == "0"
    assert first.headers["Location"] == doc_target(app.id, "cccd")
    data = app.documents["cccd"]
    assert patch_chunk(kiosk, doc_target(app.id, "cccd"), 0, data[:4000]).status == 204
    again = create_upload(kiosk, app, "cccd")
    assert (again.status, again.headers["Upload-Offset"]) == (201, "4000")
    head = kiosk.call("HEAD", doc_target(app.id, "cccd"))
    assert (head.status, head.signed, head.body) == (200, True, b"")
    assert head.headers["Upload-Offset"] == "4000"
    assert head.headers["Upload-Length"] == str(len(data))
    expires = parse_http_date(head.headers["Upload-Expires"])
    assert expires - clock() >= 30 * 24 * 3600


def test_create_must_match_the_manifest(app: SealedApplication, kiosk: TestKiosk) -> None:
    entry = app.manifest.document("cccd")
    assert entry is not None
    target = doc_target(app.id, "cccd")
    wrong_hash = kiosk.call("POST", target, headers={
        "Upload-Length": str(entry.size),
        "Upload-Checksum-Full": checksum_header(b"something else")})
    assert (wrong_hash.status, wrong_hash.code) == (422, "document_hash")
    wrong_len = kiosk.call("POST", target, headers={
        "Upload-Length": str(entry.size + 1),
        "Upload-Checksum-Full": checksum_header_from_hex(entry.sha256)})
    assert (wrong_len.status, wrong_len.code) == (422, "validation")
    missing = kiosk.call("POST", target)
    assert (missing.status, missing.code) == (400, "validation")
    not_in_manifest = kiosk.call("POST", doc_target(app.id, "other"), headers={
        "Upload-Length": "100", "Upload-Checksum-Full": checksum_header(b"")})
    assert (not_in_manifest.status, not_in_manifest.code) == (404, "not_found")


def test_chunks_resume_from_the_gateways_offset(
    gateway: RunningGateway, app: SealedApplication, kiosk: TestKiosk
) -> None:
    target, data = doc_target(app.id, "cccd"), app.documents["cccd"]
    create_upload(kiosk, app, "cccd")
    r = patch_chunk(kiosk, target, 0, data[:MAX_CHUNK])
    assert (r.status, r.headers["Upload-Offset"], r.signed) == (204, str(MAX_CHUNK), True)
    stale = patch_chunk(kiosk, target, 0, data[:100])
    assert (stale.status, stale.code, stale.obj()["retryable"]) == (409, "offset_mismatch", True)
    assert stale.headers["Upload-Offset"] == str(MAX_CHUNK)
    assert stale.signed
    offset = int(kiosk.call("HEAD", target).headers["Upload-Offset"])
    last = patch_chunk(kiosk, target, offset, data[offset:])
    assert (last.status, last.headers["Upload-Offset"]) == (204, str(len(data)))
    assert gateway.control.document_bytes(app.id, "cccd") == data
    assert gateway.control.open_document(app.id, "cccd") == app.plain_documents["cccd"]
    # A repeat of the last chunk after a lost answer is answered, not re-applied.
    assert patch_chunk(kiosk, target, offset, data[offset:]).code == "offset_mismatch"
    done = patch_chunk(kiosk, target, len(data), b"")
    assert (done.status, done.headers["Upload-Offset"]) == (204, str(len(data)))


def test_chunk_checksum_mismatch_is_460(app: SealedApplication, kiosk: TestKiosk) -> None:
    target, data = doc_target(app.id, "cccd"), app.documents["cccd"]
    create_upload(kiosk, app, "cccd")
    r = patch_chunk(kiosk, target, 0, data[:1000], checksum=checksum_header(data[:999]))
    assert (r.status, r.code, r.obj()["retryable"], r.signed) == (
        460, "checksum_mismatch", True, True)
    assert kiosk.call("HEAD", target).headers["Upload-Offset"] == "0"
    bad = patch_chunk(kiosk, target, 0, data[:10], checksum="md5 xyz")
    assert (bad.status, bad.code) == (400, "validation")


def test_chunk_over_the_published_limit_is_413(app: SealedApplication, kiosk: TestKiosk) -> None:
    target, data = doc_target(app.id, "cccd"), app.documents["cccd"]
    create_upload(kiosk, app, "cccd")
    r = patch_chunk(kiosk, target, 0, data[:MAX_CHUNK + 1])
    assert (r.status, r.code, r.signed) == (413, "chunk_too_large", True)
    assert r.headers["X-Max-Chunk"] == str(MAX_CHUNK)
    huge = patch_chunk(kiosk, target, 0, b"\0" * (MAX_CHUNK * 2 + 70_000))
    assert (huge.status, huge.code, huge.signed) == (413, "chunk_too_large", True)
    assert kiosk.call("HEAD", target).headers["Upload-Offset"] == "0"


def test_concurrent_patch_of_one_document_is_423(
    gateway: RunningGateway, app: SealedApplication, kiosk: TestKiosk
) -> None:
    target, data = doc_target(app.id, "cccd"), app.documents["cccd"]
    create_upload(kiosk, app, "cccd")
    create_upload(kiosk, app, "birth")
    with gateway.control.hold_upload(app.id, "cccd"):
        r = patch_chunk(kiosk, target, 0, data[:100])
        assert (r.status, r.code, r.obj()["retryable"]) == (423, "in_progress", True)
        other = app.documents["birth"]
        assert patch_chunk(kiosk, doc_target(app.id, "birth"), 0, other).status == 204
    assert patch_chunk(kiosk, target, 0, data[:100]).status == 204


def test_uploads_that_were_never_created_or_expired(
    gateway: RunningGateway, app: SealedApplication, kiosk: TestKiosk, clock: FakeClock
) -> None:
    target, data = doc_target(app.id, "cccd"), app.documents["cccd"]
    assert patch_chunk(kiosk, target, 0, data[:10]).code == "not_found"
    assert kiosk.call("HEAD", target).status == 404
    create_upload(kiosk, app, "cccd")
    assert patch_chunk(kiosk, target, 0, data[:100]).status == 204
    clock.advance(29 * 24 * 3600)
    head = kiosk.call("HEAD", target)  # still alive after 29 days idle, and renewed
    assert head.status == 200
    assert parse_http_date(head.headers["Upload-Expires"]) >= clock() + 30 * 24 * 3600
    clock.advance(29 * 24 * 3600)
    assert patch_chunk(kiosk, target, 100, data[100:200]).status == 204
    clock.advance(30 * 24 * 3600 + 1)
    gone = patch_chunk(kiosk, target, 200, data[200:300])
    assert (gone.status, gone.code, gone.signed) == (410, "upload_gone", True)
    assert kiosk.call("HEAD", target).status == 404
    assert create_upload(kiosk, app, "cccd").headers["Upload-Offset"] == "0"
    gateway.control.expire_upload(app.id, "cccd")
    assert kiosk.call("HEAD", target).status == 410


def test_whole_document_mismatch_resets_to_zero(
    gateway: RunningGateway, kiosk: TestKiosk
) -> None:
    sealed = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1,
                              {"cccd": b"A" * 3000})
    app = sealed
    assert kiosk.call("PUT", f"/v1/applications/{app.id}", app.body).status == 201
    target, data = doc_target(app.id, "cccd"), app.documents["cccd"]
    create_upload(kiosk, app, "cccd")
    corrupt = bytes([data[0] ^ 1]) + data[1:]
    assert patch_chunk(kiosk, target, 0, corrupt[:2000]).status == 204
    r = patch_chunk(kiosk, target, 2000, corrupt[2000:])
    assert (r.status, r.code, r.obj()["retryable"], r.signed) == (
        422, "document_hash", True, True)
    assert r.headers["Upload-Offset"] == "0"
    assert kiosk.call("HEAD", target).headers["Upload-Offset"] == "0"
    assert kiosk.call("POST", f"/v1/applications/{app.id}/commit").code == "documents_missing"
    assert patch_chunk(kiosk, target, 0, data).status == 204
    assert kiosk.call("POST", f"/v1/applications/{app.id}/commit").status == 202


def test_document_that_does_not_open_is_refused(
    gateway: RunningGateway, kiosk: TestKiosk
) -> None:
    good = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1,
                            {"cccd": b"B" * 500})
    alien = seal_document(new_application_key(), good.id, "cccd", b"B" * 500)
    entry = DocumentEntry("cccd", "scan", 1, len(alien), hashlib.sha256(alien).hexdigest())
    manifest = replace(good.manifest, documents=(entry,))
    assert kiosk.call("PUT", f"/v1/applications/{good.id}", manifest.to_json()).status == 201
    target = doc_target(good.id, "cccd")
    kiosk.call("POST", target, headers={"Upload-Length": str(len(alien)),
                                        "Upload-Checksum-Full": checksum_header(alien)})
    r = patch_chunk(kiosk, target, 0, alien)
    assert (r.status, r.code, r.obj()["retryable"]) == (422, "validation", False)
    assert gateway.control.document_bytes(good.id, "cccd") is None


def test_patch_needs_offset_content_type_and_bounds(
    app: SealedApplication, kiosk: TestKiosk
) -> None:
    target, data = doc_target(app.id, "birth"), app.documents["birth"]
    create_upload(kiosk, app, "birth")
    wrong_type = kiosk.call("PATCH", target, data[:10], headers={
        "Content-Type": "application/octet-stream", "Upload-Offset": "0",
        "Upload-Checksum": checksum_header(data[:10])})
    assert (wrong_type.status, wrong_type.code) == (415, "validation")
    no_offset = kiosk.call("PATCH", target, data[:10], headers={
        "Content-Type": "application/offset+octet-stream",
        "Upload-Checksum": checksum_header(data[:10])})
    assert no_offset.status == 400
    past_end = patch_chunk(kiosk, target, 0, data + b"extra")
    assert (past_end.status, past_end.code) == (400, "validation")


def test_documents_of_one_application_upload_in_parallel(
    gateway: RunningGateway, app: SealedApplication, kiosk: TestKiosk, clock: FakeClock
) -> None:
    import concurrent.futures

    for doc_id in app.documents:
        create_upload(kiosk, app, doc_id)

    def send(doc_id: str) -> int:
        # Its own connection, the same kiosk key.
        k = TestKiosk(gateway.url, gateway.public_keys.signing_b64, clock, kiosk.kiosk_id,
                      kiosk.key)
        try:
            data = app.documents[doc_id]
            status = 0
            for offset in range(0, len(data), 1000):
                status = patch_chunk(k, doc_target(app.id, doc_id), offset,
                                     data[offset:offset + 1000]).status
            return status
        finally:
            k.close()

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        assert list(pool.map(send, list(app.documents))) == [204, 204]
    assert kiosk.call("POST", f"/v1/applications/{app.id}/commit").status == 202


def test_a_cut_mid_chunk_changes_nothing(
    gateway: RunningGateway, app: SealedApplication, kiosk: TestKiosk
) -> None:
    import socket

    from sync.protocol.signing import sign_request

    target, data = doc_target(app.id, "cccd"), app.documents["cccd"]
    create_upload(kiosk, app, "cccd")
    chunk = data[:4000]
    headers = sign_request(kiosk.key, kiosk.kiosk_id, "PATCH", target, chunk, now=kiosk.clock())
    headers.update({"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0",
                    "Upload-Checksum": checksum_header(chunk), "Content-Length": "4000",
                    "Host": "gw"})
    head = f"PATCH {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as conn:
        conn.sendall(head.encode() + b"\r\n" + chunk[:1500])
        conn.shutdown(socket.SHUT_WR)  # the link drops mid-chunk
        assert conn.recv(100) == b""  # no answer for half a request
    assert kiosk.call("HEAD", target).headers["Upload-Offset"] == "0"
    assert patch_chunk(kiosk, target, 0, chunk).headers["Upload-Offset"] == "4000"


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1, MAX_CHUNK + 50),
                          st.sampled_from(["ok", "ok", "ok", "stale", "corrupt", "lost"])),
                min_size=1, max_size=30))
def test_any_mix_of_faults_ends_with_the_exact_bytes(
    gateway: RunningGateway, kiosk: TestKiosk, steps: list[tuple[int, str]]
) -> None:
    """A model of the kiosk's offset against the gateway's, under random mishaps."""
    app = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id,
                           len(gateway.control.applications()) + 1,
                           {"doc": bytes(range(256)) * 60})
    assert kiosk.call("PUT", f"/v1/applications/{app.id}", app.body).status == 201
    target, data = doc_target(app.id, "doc"), app.documents["doc"]
    create_upload(kiosk, app, "doc")
    known = 0  # what the kiosk believes
    for size, mishap in [*steps, *[(MAX_CHUNK, "ok")] * (len(data) // MAX_CHUNK + 2)]:
        if known >= len(data):
            break
        chunk = data[known:known + size]
        if mishap == "stale":
            r = patch_chunk(kiosk, target, max(0, known - 1), chunk[:MAX_CHUNK])
            assert r.status in (204, 409) if known == 0 else r.status == 409
            known = int(r.headers["Upload-Offset"])
        elif mishap == "corrupt":
            r = patch_chunk(kiosk, target, known, chunk, checksum=checksum_header(chunk + b"!"))
            assert r.status in (413, 460)
        elif len(chunk) > MAX_CHUNK:
            assert patch_chunk(kiosk, target, known, chunk).status == 413
        else:
            r = patch_chunk(kiosk, target, known, chunk)
            assert r.status == 204
            if mishap == "lost":  # the answer never came: ask where we are
                known = int(kiosk.call("HEAD", target).headers["Upload-Offset"])
            else:
                known = int(r.headers["Upload-Offset"])
        assert gateway.control.upload_offset(app.id, "doc") == known
    assert known == len(data)
    assert gateway.control.document_bytes(app.id, "doc") == data


def test_documents_over_the_published_limit_are_refused_at_put(
    gateway: RunningGateway, kiosk: TestKiosk
) -> None:
    big = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1,
                           {"scan": b"x" * (64 * 1024)})  # sealed: 28 bytes over the limit
    r = kiosk.call("PUT", f"/v1/applications/{big.id}", big.body)
    assert (r.status, r.code, r.obj()["retryable"]) == (422, "validation", False)
    assert "X-Max-Document" in r.obj()["detail"]
    assert gateway.control.applications() == []
