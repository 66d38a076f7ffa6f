"""JSON nested thousands deep is refused by the reference gateway: 422 validation, not retryable.

Before: ``json.loads`` raised RecursionError, which the gateway's last catch turned into
``500 internal, retryable`` (and an ERROR traceback in its log): a bundle whose manifest.json is
``[[[[...`` made the kiosk (or the district office's upload) try the import again forever, and a
PUT body of the same kind was "try again" too. gateway-api.md: "400/422 validation (not
retryable)"; the gateway already answers 422 ``validation`` for a manifest that is not JSON.

Real gateway on 127.0.0.1, a registered kiosk signing each request.
"""

from __future__ import annotations

import io
import json
import tarfile
import uuid

import pytest

from sync.gateway import RunningGateway
from sync.protocol.bundle import bundle_dir_name, sign_bundle_manifest
from sync.protocol.canonical import sha256_hex
from sync.protocol.tus import checksum_header_from_hex
from tests.sync.gateway_fixtures import (
    SignedResponse,
    TestKiosk,
    patch_chunk,
)

DEEP = 100_000


def _refused_for_good(r: SignedResponse, status: int) -> None:
    assert r.signed
    assert r.status == status, r.body
    problem = r.obj()
    assert (problem["code"], problem["retryable"]) == ("validation", False), problem


@pytest.mark.parametrize("opening", ["[", '{"kiosk_id":"KX-001","applications":['])
def test_a_deeply_nested_bundle_manifest_is_refused_for_good(
        gateway: RunningGateway, kiosk: TestKiosk, opening: str) -> None:
    manifest = (opening + "[" * DEEP).encode()  # signed by the kiosk itself: checked or not
    name = bundle_dir_name(kiosk.kiosk_id, 1, 1)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for member, data in (("manifest.json", manifest),
                             ("manifest.sig", sign_bundle_manifest(kiosk.key, manifest).encode())):
            info = tarfile.TarInfo(f"{name}/{member}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    tar_bytes = buf.getvalue()
    target = f"/v1/bundles/{name}"
    assert kiosk.call("POST", target, headers={
        "Upload-Length": str(len(tar_bytes)),
        "Upload-Checksum-Full": checksum_header_from_hex(sha256_hex(tar_bytes))}).status == 201
    assert patch_chunk(kiosk, target, 0, tar_bytes).status == 204

    r = kiosk.call("POST", f"{target}/import")
    _refused_for_good(r, 422)  # as the manifest.json that is not JSON at all
    assert "manifest.json" in json.loads(r.body)["detail"]
    assert kiosk.call("GET", f"{target}/ack").status == 404
    assert gateway.control.applications() == []


@pytest.mark.parametrize("method_target", [
    f"PUT /v1/applications/{uuid.uuid4()}", "POST /v1/kiosks/KX-001/heartbeat",
    "POST /v1/otp", "POST /v1/otp/verify", "POST /v1/identity/vneid", "POST /v1/ratings"])
@pytest.mark.parametrize("body", [b"[" * DEEP, b'{"a":' * DEEP])
def test_a_deeply_nested_request_body_is_refused_for_good(
        kiosk: TestKiosk, method_target: str, body: bytes) -> None:
    method, target = method_target.split()
    not_json = kiosk.call(method, target, b"{not json", {"Content-Type": "application/json"})
    assert not_json.status == 400  # what each of them answers a body that is not JSON
    r = kiosk.call(method, target, body, {"Content-Type": "application/json"})
    _refused_for_good(r, 400)
