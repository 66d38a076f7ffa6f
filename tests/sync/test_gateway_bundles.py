"""USB bundles: upload as a tar, import through the same de-duplication, signed ACK file."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.gateway import RunningGateway
from sync.protocol.bundle import bundle_dir_name, sign_bundle_manifest, verify_ack
from sync.protocol.canonical import canonical_json, sha256_hex
from sync.protocol.keys import ed25519_public_from_b64, generate_signing_key
from sync.protocol.tus import checksum_header_from_hex
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    SealedApplication,
    TestKiosk,
    patch_chunk,
    push,
    running_gateway,
    seal_application,
)
from tests.sync.s3_server import S3Server, storage_for, throwaway_s3


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with throwaway_s3() as server:
        yield server


@pytest.fixture(params=["folder", "s3"])
def gateway(tmp_path: Path, clock: FakeClock, request: pytest.FixtureRequest,
            monkeypatch: pytest.MonkeyPatch, s3: S3Server) -> Iterator[RunningGateway]:
    """Bundles (the tar upload, and each document stored on import) in the folder and in S3."""
    with running_gateway(tmp_path / "gw", clock,
                         storage=storage_for(request.param, request, monkeypatch)) as gw:
        yield gw


def make_bundle(
    kiosk: TestKiosk,
    apps: list[SealedApplication],
    *,
    bodies: list[object] | None = None,
    drop_files: set[str] = frozenset(),  # type: ignore[assignment]
    signer_key: Ed25519PrivateKey | None = None,
) -> tuple[str, bytes]:
    """The bundle directory as a POSIX tar, as the kiosk's export writes it."""
    seqs = [a.manifest.kiosk_seq for a in apps] or [1]
    name = bundle_dir_name(kiosk.kiosk_id, min(seqs), max(seqs))
    manifest = canonical_json({
        "kiosk_id": kiosk.kiosk_id, "from_seq": min(seqs), "to_seq": max(seqs),
        "created_at": "2026-11-18T09:00:00Z",
        "applications": bodies if bodies is not None else [a.manifest.to_body() for a in apps],
    })
    files: dict[str, bytes] = {"manifest.json": manifest,
                               "manifest.sig": sign_bundle_manifest(
                                   signer_key or kiosk.key, manifest).encode()}
    for app in apps:
        for doc_id, data in app.documents.items():
            if f"{app.id}/{doc_id}" not in drop_files:
                files[f"{app.id}/{doc_id}"] = data
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(f"{name}/{path}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return name, buf.getvalue()


def upload_bundle(kiosk: TestKiosk, name: str, data: bytes, chunk: int = 50_000) -> None:
    target = f"/v1/bundles/{name}"
    created = kiosk.call("POST", target, headers={
        "Upload-Length": str(len(data)),
        "Upload-Checksum-Full": checksum_header_from_hex(sha256_hex(data))})
    assert created.status == 201
    for offset in range(int(created.headers["Upload-Offset"]), len(data), chunk):
        assert patch_chunk(kiosk, target, offset, data[offset:offset + chunk]).status == 204


def _items(ack: Mapping[str, object]) -> dict[str, str]:
    items = ack["items"]
    assert isinstance(items, list)
    return {i["application_id"]: i["state"] for i in items}


def test_bundle_import_and_signed_ack(
    gateway: RunningGateway, kiosk: TestKiosk, clock: FakeClock
) -> None:
    enc = gateway.public_keys.encryption_b64
    apps = [seal_application(enc, kiosk.kiosk_id, seq) for seq in (1, 2, 3)]
    assert push(kiosk, apps[0]).status == 202  # one of them already came over the link
    name, tar = make_bundle(kiosk, apps)
    assert kiosk.call("GET", f"/v1/bundles/{name}/ack").status == 404
    assert kiosk.call("POST", f"/v1/bundles/{name}/import").code == "documents_missing"
    upload_bundle(kiosk, name, tar)
    head = kiosk.call("HEAD", f"/v1/bundles/{name}")
    assert head.headers["Upload-Offset"] == str(len(tar))
    imported = kiosk.call("POST", f"/v1/bundles/{name}/import")
    assert (imported.status, imported.signed) == (202, True)
    r = kiosk.call("GET", f"/v1/bundles/{name}/ack")
    assert (r.status, r.signed) == (200, True)
    ack = r.obj()
    verify_ack(ed25519_public_from_b64(gateway.public_keys.signing_b64), ack)
    assert ack["bundle_id"] == name
    assert ack["kiosk_id"] == kiosk.kiosk_id
    assert _items(ack) == {a.id: "received" for a in apps}
    hashes = {i["application_id"]: i["manifest_sha256"] for i in ack["items"]}
    assert hashes == {a.id: a.manifest.manifest_sha256 for a in apps}
    records = gateway.control.applications()
    assert [(r.kiosk_seq, r.committed) for r in records] == [(1, True), (2, True), (3, True)]
    for app in apps:
        for doc_id, pdf in app.plain_documents.items():
            assert gateway.control.open_document(app.id, doc_id) == pdf
    assert kiosk.call("GET", "/v1/kiosks/KX-001/ack").obj()["highest_contiguous_seq"] == 3
    # Importing twice changes nothing.
    clock.advance(3600)
    assert kiosk.call("POST", f"/v1/bundles/{name}/import").status == 202
    assert kiosk.call("GET", f"/v1/bundles/{name}/ack").body == r.body
    assert gateway.control.applications() == records


def test_bundle_items_conflict_and_invalid(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    enc = gateway.public_keys.encryption_b64
    online = seal_application(enc, kiosk.kiosk_id, 1)
    assert push(kiosk, online).status == 202
    rival = seal_application(enc, kiosk.kiosk_id, 1, application_id=online.id,
                             procedure_code="9.999")
    missing_doc = seal_application(enc, kiosk.kiosk_id, 2)
    good = seal_application(enc, kiosk.kiosk_id, 3)
    broken = {**good.manifest.to_body(), "application_id": "nope"}
    name, tar = make_bundle(kiosk, [rival, missing_doc, good],
                            bodies=[rival.manifest.to_body(), missing_doc.manifest.to_body(),
                                    good.manifest.to_body(), broken],
                            drop_files={f"{missing_doc.id}/cccd"})
    upload_bundle(kiosk, name, tar)
    assert kiosk.call("POST", f"/v1/bundles/{name}/import").status == 202
    ack = kiosk.call("GET", f"/v1/bundles/{name}/ack").obj()
    states = [(i["application_id"], i["state"]) for i in ack["items"]]
    assert states == [(online.id, "conflict"), (missing_doc.id, "invalid"),
                      (good.id, "received"), ("nope", "invalid")]
    record = gateway.control.application(online.id)
    assert record is not None
    assert record.manifest_sha256 == online.manifest.manifest_sha256


def test_bundle_with_a_forged_manifest_is_refused(
    gateway: RunningGateway, kiosk: TestKiosk
) -> None:
    app = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1)
    name, tar = make_bundle(kiosk, [app], signer_key=generate_signing_key())
    upload_bundle(kiosk, name, tar)
    r = kiosk.call("POST", f"/v1/bundles/{name}/import")
    assert (r.status, r.code, r.signed) == (422, "validation", True)
    assert "manifest.sig" in json.loads(r.body)["detail"]
    assert gateway.control.applications() == []
    assert kiosk.call("GET", f"/v1/bundles/{name}/ack").status == 404


def test_bundle_ids_and_resume(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    assert kiosk.call("POST", "/v1/bundles/not-a-bundle").code == "validation"
    app = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1)
    name, tar = make_bundle(kiosk, [app])
    target = f"/v1/bundles/{name}"
    headers = {"Upload-Length": str(len(tar)),
               "Upload-Checksum-Full": checksum_header_from_hex(sha256_hex(tar))}
    kiosk.call("POST", target, headers=headers)
    assert patch_chunk(kiosk, target, 0, tar[:1024]).status == 204
    assert kiosk.call("POST", target, headers=headers).headers["Upload-Offset"] == "1024"
    upload_bundle(kiosk, name, tar)
    assert kiosk.call("POST", f"{target}/import").status == 202
    gateway.control.expire_bundle_upload(name)  # a finished upload never expires
    assert kiosk.call("HEAD", target).status == 200
