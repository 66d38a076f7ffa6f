"""Import a gateway ACK file brought back on USB: verified offline with the gateway's key.

Idempotent by construction: an application already acknowledged is left alone, so importing
the same file twice changes nothing.

The file comes from a USB stick anyone may have handed to staff: it is refused before it is read
when it is larger than any ACK can be (``MAX_ACK_BYTES``), and JSON the kiosk cannot decode
(nested too deep, not UTF-8) is refused like any other file that is not an ACK.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sync.bundles.export import BundleError
from sync.outbox import Outbox
from sync.protocol.bundle import verify_ack
from sync.protocol.signing import SignatureError

# An ACK item is ~200 bytes; a bundle (at most 2 GiB, documents of some kB each) cannot list
# 300 000 applications, so no genuine ACK comes near this.
MAX_ACK_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class AckResult:
    bundle_id: str
    items: int
    changed: int  # applications whose state this import changed (0 on a repeat)


def import_ack(db_path: Path, ack_file: Path, kiosk_id: str, gateway_key: Ed25519PublicKey,
               clock: Callable[[], float] = time.time) -> AckResult:
    try:
        ack = json.loads(_read_capped(ack_file))
        if not isinstance(ack, dict):
            raise BundleError(f"{ack_file.name}: not an ACK object")
        verify_ack(gateway_key, ack)
    except RecursionError as exc:
        raise BundleError(f"{ack_file.name}: not a valid gateway ACK: nested too deep") from exc
    except (OSError, ValueError, SignatureError) as exc:
        raise BundleError(f"{ack_file.name}: not a valid gateway ACK: {exc}") from exc
    if ack.get("kiosk_id") != kiosk_id:
        raise BundleError(f"{ack_file.name}: ACK is for kiosk {ack.get('kiosk_id')!r}")
    bundle_id = str(ack.get("bundle_id", ""))
    items = [(str(i["application_id"]), str(i["manifest_sha256"]), str(i["state"]),
              None if i.get("receipt_no") is None else str(i["receipt_no"]))
             for i in ack.get("items", [])]
    with Outbox(db_path, clock) as outbox:
        changed = outbox.mark_acked_by_file(items, bundle_id)
        if changed:
            outbox.audit("staff", "import-ack", {"bundle": bundle_id, "changed": changed})
    return AckResult(bundle_id, len(items), changed)


def _read_capped(path: Path) -> bytes:
    """The file's bytes; a file over ``MAX_ACK_BYTES`` is refused before (and while) reading."""
    with path.open("rb") as f:
        if os.fstat(f.fileno()).st_size > MAX_ACK_BYTES:
            raise BundleError(f"{path.name}: too large for a gateway ACK "
                              f"(over {MAX_ACK_BYTES >> 20} MiB): not an ACK file")
        data = f.read(MAX_ACK_BYTES + 1)  # a file that grows while read is cut here
    if len(data) > MAX_ACK_BYTES:
        raise BundleError(f"{path.name}: too large for a gateway ACK "
                          f"(over {MAX_ACK_BYTES >> 20} MiB): not an ACK file")
    return data
