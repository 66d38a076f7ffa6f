"""Import a gateway ACK file brought back on USB: verified offline with the gateway's key.

Idempotent by construction: an application already acknowledged is left alone, so importing
the same file twice changes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sync.bundles.export import BundleError
from sync.outbox import Outbox
from sync.protocol.bundle import verify_ack
from sync.protocol.signing import SignatureError


@dataclass(frozen=True)
class AckResult:
    bundle_id: str
    items: int
    changed: int  # applications whose state this import changed (0 on a repeat)


def import_ack(db_path: Path, ack_file: Path, kiosk_id: str, gateway_key: Ed25519PublicKey,
               clock: Callable[[], float] = time.time) -> AckResult:
    try:
        ack = json.loads(ack_file.read_bytes())
        if not isinstance(ack, dict):
            raise BundleError(f"{ack_file.name}: not an ACK object")
        verify_ack(gateway_key, ack)
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
