"""Write a bundle directory as gateway-api.md describes, and prove it is readable.

Written under a temporary name, every file and directory fsynced, then renamed: a half-written
bundle never carries the final name. Then it is read back from the stick and every hash checked
before a single application is marked exported: a bad stick must not let the kiosk believe the
data left.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.bundles.files import fsync_dir, write_synced
from sync.outbox import Outbox, iso
from sync.protocol.bundle import (
    MANIFEST_NAME,
    MANIFEST_SIG_NAME,
    bundle_dir_name,
    sign_bundle_manifest,
    verify_bundle_manifest,
)
from sync.protocol.canonical import canonical_json, manifest_sha256
from sync.protocol.signing import SignatureError

TMP_SUFFIX = ".partial"


class BundleError(Exception):
    """The bundle could not be written or did not verify after writing."""


@dataclass(frozen=True)
class ExportResult:
    path: Path | None  # None when nothing was waiting
    applications: int
    from_seq: int
    to_seq: int


def export_to(db_path: Path, dest: Path, kiosk_id: str, kiosk_key: Ed25519PrivateKey,
              clock: Callable[[], float] = time.time) -> ExportResult:
    """Export every application not yet confirmed by the gateway into ``dest``."""
    with Outbox(db_path, clock) as outbox:
        pending = outbox.exportable()
        if not pending:
            return ExportResult(None, 0, 0, 0)
        from_seq, to_seq = pending[0][0].kiosk_seq, pending[-1][0].kiosk_seq
        name = bundle_dir_name(kiosk_id, from_seq, to_seq)
        final, tmp = dest / name, dest / (name + TMP_SUFFIX)
        if tmp.exists():
            shutil.rmtree(tmp)
        manifest = {
            "kiosk_id": kiosk_id, "from_seq": from_seq, "to_seq": to_seq,
            "created_at": iso(clock()),
            "applications": [json.loads(app.manifest_json) for app, _ in pending],
        }
        manifest_bytes = canonical_json(manifest)
        tmp.mkdir(parents=True)
        try:
            for app, docs in pending:
                app_dir = tmp / app.application_id
                app_dir.mkdir()
                for doc in docs:
                    write_synced(app_dir / doc.doc_id, doc.path.read_bytes())
                fsync_dir(app_dir)
            write_synced(tmp / MANIFEST_NAME, manifest_bytes)
            write_synced(tmp / MANIFEST_SIG_NAME,
                         sign_bundle_manifest(kiosk_key, manifest_bytes).encode("ascii"))
            fsync_dir(tmp)
        except OSError:
            # a full stick (or one pulled out) gets its space back: no half bundle stays on it
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if final.exists():
            shutil.rmtree(final)
        tmp.rename(final)
        fsync_dir(dest)
        verify_bundle(final, kiosk_key.public_key())
        outbox.mark_exported([app.application_id for app, _ in pending], name)
        outbox.audit("agent", "export", {"bundle": name, "applications": len(pending)})
        return ExportResult(final, len(pending), from_seq, to_seq)


def verify_bundle(path: Path, kiosk_public: Ed25519PublicKey) -> int:
    """Re-read a bundle: signature, each manifest hash, each file's size and SHA-256."""
    try:
        manifest_bytes = (path / MANIFEST_NAME).read_bytes()
        sig = (path / MANIFEST_SIG_NAME).read_text(encoding="ascii").strip()
        verify_bundle_manifest(kiosk_public, manifest_bytes, sig)
        manifest = json.loads(manifest_bytes)
    except (OSError, ValueError, SignatureError) as exc:
        raise BundleError(f"{path.name}: manifest unreadable or unsigned: {exc}") from exc
    apps = manifest.get("applications", [])
    for body in apps:
        app_id = body["application_id"]
        if manifest_sha256(body) != body.get("manifest_sha256"):
            raise BundleError(f"{path.name}: manifest hash of {app_id} does not match")
        for doc in body.get("documents", []):
            f = path / app_id / doc["doc_id"]
            try:
                data = f.read_bytes()
            except OSError as exc:
                raise BundleError(f"{path.name}: {app_id}/{doc['doc_id']} unreadable") from exc
            if len(data) != doc["size"] or hashlib.sha256(data).hexdigest() != doc["sha256"]:
                raise BundleError(f"{path.name}: {app_id}/{doc['doc_id']} hash mismatch")
    return len(apps)
