"""The reference gateway imports a USB bundle (up to 2 GiB) without holding it in memory.

Before: ``read_tar`` read every regular file of the uploaded tar into one dict, then imported,
so the gateway's memory grew by the whole bundle (2 GiB at the published limit), whatever the
tar held: files the manifest never names included. Now the tar is read as it lies on disk: its
headers once to find manifest.json, manifest.sig and the documents the manifest names, then
each named document alone, when its application is imported (at most ``max_document`` bytes).

The measure is tracemalloc's peak over the import request only (the test's own thread just waits
for the answer), against the real gateway on 127.0.0.1 with its folder storage.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import tracemalloc
from pathlib import Path

import pytest

from sync.gateway import RunningGateway
from sync.protocol.bundle import bundle_dir_name, sign_bundle_manifest
from sync.protocol.canonical import canonical_json
from sync.protocol.tus import checksum_header_from_hex
from tests.sync import gateway_fixtures
from tests.sync.gateway_fixtures import (
    SealedApplication,
    TestKiosk,
    patch_chunk,
    seal_application,
)

MIB = 1024 * 1024
DOC_BYTES = 4 * MIB  # six applications of one 4 MiB document each
JUNK_BYTES = 72 * MIB  # and a file the manifest never names
CHUNK = MIB  # the gateway's published X-Max-Chunk
# The import holds one document at a time (sealed, opened, written: a few times 4 MiB) and the
# manifest; before, it held the whole 96 MiB tar, whatever it held.
MAX_PEAK = 40 * MIB


class _Junk(io.RawIOBase):
    """``size`` bytes made as they are read (the test never holds them either)."""

    def __init__(self, size: int) -> None:
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self._left)
        buffer[:n] = b"\x5a" * n
        self._left -= n
        return n


def write_bundle(path: Path, kiosk: TestKiosk, apps: list[SealedApplication]) -> str:
    seqs = [a.manifest.kiosk_seq for a in apps]
    name = bundle_dir_name(kiosk.kiosk_id, min(seqs), max(seqs))
    manifest = canonical_json({
        "kiosk_id": kiosk.kiosk_id, "from_seq": min(seqs), "to_seq": max(seqs),
        "created_at": "2026-11-18T09:00:00Z",
        "applications": [a.manifest.to_body() for a in apps]})
    with tarfile.open(path, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        def add(member: str, size: int, data: io.RawIOBase | io.BytesIO) -> None:
            info = tarfile.TarInfo(f"{name}/{member}")
            info.size = size
            tar.addfile(info, data)

        add("junk/never-named", JUNK_BYTES, _Junk(JUNK_BYTES))
        for app in apps:
            for doc_id, data in app.documents.items():
                add(f"{app.id}/{doc_id}", len(data), io.BytesIO(data))
        add("manifest.json", len(manifest), io.BytesIO(manifest))
        sig = sign_bundle_manifest(kiosk.key, manifest).encode()
        add("manifest.sig", len(sig), io.BytesIO(sig))
    return name


def upload_file(kiosk: TestKiosk, name: str, path: Path) -> None:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            sha.update(block)
    size = path.stat().st_size
    target = f"/v1/bundles/{name}"
    created = kiosk.call("POST", target, headers={
        "Upload-Length": str(size), "Upload-Checksum-Full": checksum_header_from_hex(
            sha.hexdigest())})
    assert created.status == 201, created.body
    with path.open("rb") as f:
        for offset in range(0, size, CHUNK):
            f.seek(offset)
            answer = patch_chunk(kiosk, target, offset, f.read(CHUNK))
            assert answer.status == 204, answer.body


def test_a_big_bundle_is_imported_without_holding_it_in_memory(
        gateway: RunningGateway, kiosk: TestKiosk, tmp_path: Path) -> None:
    enc = gateway.public_keys.encryption_b64
    apps = [seal_application(enc, kiosk.kiosk_id, seq, {"scan": os.urandom(DOC_BYTES)})
            for seq in range(1, 7)]
    tar_path = tmp_path / "bundle.tar"
    name = write_bundle(tar_path, kiosk, apps)
    assert tar_path.stat().st_size > 95 * MIB
    upload_file(kiosk, name, tar_path)

    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        imported = kiosk.call("POST", f"/v1/bundles/{name}/import")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (imported.status, imported.signed) == (202, True), imported.body
    assert peak < MAX_PEAK, f"the import held {peak / MIB:.0f} MiB at its peak"

    ack = kiosk.call("GET", f"/v1/bundles/{name}/ack").obj()
    assert [i["state"] for i in ack["items"]] == ["received"] * len(apps)
    for app in apps:
        assert gateway.control.open_document(app.id, "scan") == app.plain_documents["scan"]


def _upload_tar(kiosk: TestKiosk, tmp_path: Path, files: list[tuple[str, int]]) -> str:
    """A bundle of ``files`` (name, size; made as they are read), uploaded."""
    name = bundle_dir_name(kiosk.kiosk_id, 1, 1)
    tar_path = tmp_path / "odd.tar"
    with tarfile.open(tar_path, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for member, size in files:
            info = tarfile.TarInfo(f"{name}/{member}")
            info.size = size
            tar.addfile(info, _Junk(size))
    upload_file(kiosk, name, tar_path)
    return name


@pytest.mark.parametrize("files", [
    pytest.param([("manifest.json", 48 * MIB), ("manifest.sig", 88)], id="huge-manifest"),
    pytest.param([(f"f{i}", 0) for i in range(150_000)], id="150000-empty-files",
                 marks=pytest.mark.slow),  # ~14 s: 150 000 entries built, sent, scanned
])
def test_an_odd_bundle_is_refused_without_holding_it_in_memory(
        kiosk: TestKiosk, tmp_path: Path, files: list[tuple[str, int]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # tarfile reads a header in about 25 us, 70 under tracemalloc: on a loaded machine the
    # 100 000 headers read before the refusal may take longer than the kiosk's usual 10 s
    monkeypatch.setattr(gateway_fixtures, "TIMEOUT_S", 300.0)
    name = _upload_tar(kiosk, tmp_path, files)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        r = kiosk.call("POST", f"/v1/bundles/{name}/import")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (r.status, r.signed) == (422, True), r.body
    assert (r.obj()["code"], r.obj()["retryable"]) == ("validation", False)
    assert peak < MAX_PEAK, f"the import held {peak / MIB:.0f} MiB at its peak"
