"""Creation with upload: the create carries the first chunk (tus creation-with-upload).

Against the real reference gateway over loopback: what the gateway advertises and accepts, that
a repeated create never corrupts an upload, that every chunk refusal of a PATCH holds for the
create's body too, and that the agent uses it only with a gateway that advertises it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.gateway import RunningGateway
from sync.gateway.faults import Fault
from sync.gateway.limits import GatewayLimits
from sync.protocol.tus import checksum_header, checksum_header_from_hex
from tests.fakes import FakeClock
from tests.fakes import FakeClock as AgentClock
from tests.sync.gateway_fixtures import (
    SealedApplication,
    SignedResponse,
    TestKiosk,
    doc_target,
    patch_chunk,
    registered_kiosk,
    running_gateway,
    seal_application,
)
from tests.sync.rig import Rig, make_rig

MAX_CHUNK = 8192
OCTETS = "application/offset+octet-stream"


@pytest.fixture
def gateway(tmp_path: Path, clock: FakeClock) -> Iterator[RunningGateway]:
    limits = GatewayLimits(max_chunk=MAX_CHUNK, max_document=64 * 1024)
    with running_gateway(tmp_path / "gw", clock, limits) as gw:
        yield gw


@pytest.fixture
def kiosk(gateway: RunningGateway, clock: FakeClock) -> Iterator[TestKiosk]:
    with registered_kiosk(gateway, clock) as k:
        yield k


@pytest.fixture
def app(gateway: RunningGateway, kiosk: TestKiosk) -> SealedApplication:
    sealed = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1, {
        "cccd": bytes(range(256)) * 40,  # 10 KiB: more than one chunk
        "birth": b"%PDF birth" * 100,  # 1 KiB: fits in the create
    })
    assert kiosk.call("PUT", f"/v1/applications/{sealed.id}", sealed.body).status == 201
    return sealed


def create_with(kiosk: TestKiosk, app: SealedApplication, doc_id: str, chunk: bytes,
                checksum: str | None = None, *, chunk_checksum: bool = True) -> SignedResponse:
    entry = app.manifest.document(doc_id)
    assert entry is not None
    headers = {
        "Upload-Length": str(entry.size),
        "Upload-Checksum-Full": checksum_header_from_hex(entry.sha256),
        "Content-Type": OCTETS,
    }
    if chunk_checksum:
        headers["Upload-Checksum"] = checksum or checksum_header(chunk)
    return kiosk.call("POST", doc_target(app.id, doc_id), chunk, headers=headers)


def head_offset(kiosk: TestKiosk, app: SealedApplication, doc_id: str) -> int:
    head = kiosk.call("HEAD", doc_target(app.id, doc_id))
    assert (head.status, head.signed) == (200, True)
    return int(head.headers["Upload-Offset"])


def test_ping_advertises_the_extension(kiosk: TestKiosk) -> None:
    ping = kiosk.call("GET", "/v1/ping")
    assert (ping.status, ping.signed) == (204, True)
    extensions = {x.strip() for x in ping.headers["Tus-Extension"].split(",")}
    assert {"creation", "creation-with-upload", "checksum"} <= extensions


def test_a_small_document_travels_in_the_create_alone(
    app: SealedApplication, kiosk: TestKiosk, gateway: RunningGateway
) -> None:
    for doc_id, data in app.documents.items():
        if len(data) <= MAX_CHUNK:
            created = create_with(kiosk, app, doc_id, data)
            assert (created.status, created.signed) == (201, True)
            assert created.headers["Upload-Offset"] == str(len(data))
            assert "Location" not in created.headers  # only what the kiosk reads, on 2G
        else:
            created = create_with(kiosk, app, doc_id, data[:MAX_CHUNK])
            assert created.headers["Upload-Offset"] == str(MAX_CHUNK)
            rest = patch_chunk(kiosk, doc_target(app.id, doc_id), MAX_CHUNK, data[MAX_CHUNK:])
            assert rest.status == 204, rest.body
    commit = kiosk.call("POST", f"/v1/applications/{app.id}/commit")
    assert (commit.status, commit.obj()["state"]) == (202, "received")
    for doc_id, data in app.documents.items():
        assert gateway.control.document_bytes(app.id, doc_id) == data


def test_a_repeated_create_ignores_its_body_and_tells_the_offset(
    app: SealedApplication, kiosk: TestKiosk, gateway: RunningGateway
) -> None:
    data = app.documents["cccd"]
    assert create_with(kiosk, app, "cccd", data[:4000]).headers["Upload-Offset"] == "4000"
    assert patch_chunk(kiosk, doc_target(app.id, "cccd"), 4000, data[4000:6000]).status == 204
    # The answer to the first create was "lost": the kiosk sends it again, other bytes and all.
    again = create_with(kiosk, app, "cccd", data[:5000])
    assert (again.status, again.headers["Upload-Offset"]) == (201, "6000")
    assert patch_chunk(kiosk, doc_target(app.id, "cccd"), 6000, data[6000:]).status == 204
    assert gateway.control.document_bytes(app.id, "cccd") == data
    # And once verified, a create with a body changes nothing either.
    done = create_with(kiosk, app, "cccd", data[:100])
    assert (done.status, done.headers["Upload-Offset"]) == (201, str(len(data)))
    assert gateway.control.document_bytes(app.id, "cccd") == data


def test_the_whole_document_in_the_create_needs_no_chunk_checksum(
    app: SealedApplication, kiosk: TestKiosk, gateway: RunningGateway
) -> None:
    data = app.documents["birth"]
    created = create_with(kiosk, app, "birth", data, chunk_checksum=False)
    assert (created.status, created.headers["Upload-Offset"]) == (201, str(len(data)))
    assert gateway.control.document_bytes(app.id, "birth") == data
    # Not the whole document: the chunk's own checksum is still required.
    part = create_with(kiosk, app, "cccd", app.documents["cccd"][:4000], chunk_checksum=False)
    assert (part.status, part.code) == (400, "validation")
    assert head_offset(kiosk, app, "cccd") == 0


def test_a_corrupted_chunk_is_460_and_the_creation_stands(
    app: SealedApplication, kiosk: TestKiosk
) -> None:
    data = app.documents["cccd"]
    bad = create_with(kiosk, app, "cccd", data[:4000], checksum=checksum_header(b"other"))
    assert (bad.status, bad.signed, bad.code) == (460, True, "checksum_mismatch")
    assert head_offset(kiosk, app, "cccd") == 0
    assert patch_chunk(kiosk, doc_target(app.id, "cccd"), 0, data[:4000]).status == 204


def test_a_chunk_over_the_limit_is_413_and_the_creation_stands(
    app: SealedApplication, kiosk: TestKiosk
) -> None:
    data = app.documents["cccd"]
    big = create_with(kiosk, app, "cccd", data[:MAX_CHUNK + 1])
    assert (big.status, big.code, big.headers["X-Max-Chunk"]) == (413, "chunk_too_large",
                                                                   str(MAX_CHUNK))
    assert head_offset(kiosk, app, "cccd") == 0


def test_a_whole_document_not_matching_the_manifest_resets_to_zero(
    app: SealedApplication, kiosk: TestKiosk, gateway: RunningGateway
) -> None:
    data = app.documents["birth"]
    wrong = bytes([data[0] ^ 1]) + data[1:]  # the chunk's own checksum is right
    refused = create_with(kiosk, app, "birth", wrong)
    assert (refused.status, refused.code, refused.obj()["retryable"]) == (
        422, "document_hash", True)
    assert head_offset(kiosk, app, "birth") == 0
    unchecked = create_with(kiosk, app, "birth", wrong, chunk_checksum=False)
    assert (unchecked.status, unchecked.code) == (422, "document_hash")
    assert head_offset(kiosk, app, "birth") == 0
    assert gateway.control.document_bytes(app.id, "birth") is None
    assert create_with(kiosk, app, "birth", data).headers["Upload-Offset"] == str(len(data))


def test_a_create_without_a_body_is_still_a_plain_create(
    app: SealedApplication, kiosk: TestKiosk
) -> None:
    entry = app.manifest.document("cccd")
    assert entry is not None
    plain = kiosk.call("POST", doc_target(app.id, "cccd"), headers={
        "Upload-Length": str(entry.size),
        "Upload-Checksum-Full": checksum_header_from_hex(entry.sha256)})
    assert (plain.status, plain.headers["Upload-Offset"]) == (201, "0")
    assert plain.headers["Location"] == doc_target(app.id, "cccd")


def test_a_gateway_without_the_extension_refuses_a_body(tmp_path: Path, clock: FakeClock) -> None:
    limits = GatewayLimits(creation_with_upload=False)
    with running_gateway(tmp_path / "old", clock, limits) as gw, \
            registered_kiosk(gw, clock) as k:
        assert "creation-with-upload" not in k.call("GET", "/v1/ping").headers["Tus-Extension"]
        sealed = seal_application(gw.public_keys.encryption_b64, k.kiosk_id, 1)
        assert k.call("PUT", f"/v1/applications/{sealed.id}", sealed.body).status == 201
        assert create_with(k, sealed, "cccd", sealed.documents["cccd"]).status == 400


# -- the agent -----------------------------------------------------------------------------


def _upload_requests(rig: Rig) -> list[tuple[str, str]]:
    return [(r.method, r.path.rsplit("/", 1)[-1]) for r in rig.gateway.control.requests()
            if "/documents/" in r.path]


@pytest.mark.parametrize("advertised", [True, False])
def test_the_agent_sends_the_first_chunk_only_where_advertised(
    tmp_path: Path, advertised: bool
) -> None:
    limits = GatewayLimits(creation_with_upload=advertised)
    with make_rig(tmp_path, limits) as rig:
        apps = rig.seal(2, page_bytes=3000, docs=(("don", 1), ("cccd", 1)))
        with rig.agent(AgentClock.from_real_time()) as agent:
            report = agent.run_once()
            assert (report.sent, report.quarantined) == (2, 0), report
        rig.assert_on_gateway(apps)
        methods = [m for m, _ in _upload_requests(rig)]
        if advertised:
            assert methods == ["POST"] * 4  # one request per one-page document
        else:
            assert methods == ["POST", "PATCH"] * 4


def test_the_agent_continues_a_large_document_with_patches(tmp_path: Path) -> None:
    limits = GatewayLimits(max_chunk=64 * 1024)
    with make_rig(tmp_path, limits) as rig:
        (app,) = rig.seal(1, page_bytes=150_000, docs=(("ban-chup", 1),))
        with rig.agent(AgentClock.from_real_time()) as agent:
            assert agent.run_once().sent == 1
            sent = agent.uploader.chunk_bytes_sent
        rig.assert_on_gateway([app])
        size = app.documents["ban-chup"][0]
        assert sent == size  # nothing sent twice
        methods = [m for m, _ in _upload_requests(rig)]
        assert methods[0] == "POST"
        assert methods[1:] == ["PATCH"] * (len(methods) - 1)
        assert len(methods) == -(-size // (64 * 1024))


def test_the_agent_resumes_by_a_plain_create_after_a_lost_connection(tmp_path: Path) -> None:
    """A saved offset means the gateway is past 0: resuming sends no bytes it would ignore."""
    limits = GatewayLimits(max_chunk=64 * 1024)
    with make_rig(tmp_path, limits) as rig:
        (app,) = rig.seal(1, page_bytes=200_000, docs=(("ban-chup", 1),))
        rig.gateway.control.script(Fault.drop_response(method="PATCH"))
        with rig.agent(AgentClock.from_real_time()) as agent:
            assert agent.run_once(budget_s=3600).sent == 1
            sent = agent.uploader.chunk_bytes_sent
        rig.assert_on_gateway([app])
        size = app.documents["ban-chup"][0]
        # The lost answer's chunk had arrived: the resuming create (plain: it would count
        # here had it carried bytes) learns the offset and nothing is sent twice.
        assert sent == size
        posts = [r for r in rig.gateway.control.requests()
                 if r.method == "POST" and "/documents/" in r.path]
        assert len(posts) == 2
        data = rig.gateway.control.document_bytes(app.application_id, "ban-chup")
        assert data is not None
        assert hashlib.sha256(data).hexdigest() == app.documents[
            "ban-chup"][1]
