"""Carry a bundle the last mile: upload its tar to a gateway and fetch the signed ACK.

Used where a link exists (a district office, or the kiosk itself once its link returns): the
tar goes up resumably like a document, the gateway imports it through the same de-duplication
as online pushes, and the ACK comes back to be imported on the kiosk (``import_ack``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path
from typing import Any

from sync.agent.chunks import MAX_CHUNK
from sync.client.gateway import GatewayClient
from sync.protocol import headers as h


def bundle_tar(bundle_dir: Path) -> bytes:
    """A POSIX tar of the bundle directory, members sorted, times zeroed: same dir, same bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path in sorted(p for p in bundle_dir.rglob("*") if p.is_file()):
            data = path.read_bytes()
            info = tarfile.TarInfo(f"{bundle_dir.name}/{path.relative_to(bundle_dir).as_posix()}")
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def upload_bundle(client: GatewayClient, bundle_dir: Path, chunk: int = MAX_CHUNK) -> dict[str, Any]:
    """Upload, import and return the ACK object (signature still to be verified by the caller)."""
    data = bundle_tar(bundle_dir)
    path = f"/v1/bundles/{bundle_dir.name}"
    full = "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")
    created = client.exchange("POST", path, ok=(200, 201, 204),
                              extra={h.UPLOAD_LENGTH: str(len(data)),
                                     h.UPLOAD_CHECKSUM_FULL: full}, during_upload=True)
    offset = created.offset() if created.header(h.UPLOAD_OFFSET) is not None else 0
    while offset < len(data):
        piece = data[offset: offset + chunk]
        offset = client.exchange(
            "PATCH", path, body=piece, ok=(200, 204), during_upload=True,
            extra={"Content-Type": h.OFFSET_OCTET_STREAM, h.UPLOAD_OFFSET: str(offset),
                   h.UPLOAD_CHECKSUM: "sha256 " + base64.b64encode(
                       hashlib.sha256(piece).digest()).decode("ascii")}).offset()
    client.exchange("POST", path + "/import", ok=(200, 202))
    # A 404 here means "still importing": the GatewayError says so and the caller tries later.
    return client.exchange("GET", path + "/ack", ok=(200,)).json()
