"""USB bundles: uploaded like a document, imported through the same de-duplication as PUT.

The ACK file is signed over its canonical JSON so the kiosk can verify it offline when a
technician carries it back on a USB stick. Importing twice changes nothing: the second run
finds every application already there and answers the ACK made the first time.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.gateway.applications import LOCK_WAIT_IMPORT_S, Admission, ApplicationDesk
from sync.gateway.limits import GatewayLimits
from sync.gateway.locks import KeyedLocks
from sync.gateway.request import Request
from sync.gateway.responses import Response, json_response, problem, refuse
from sync.gateway.store import GatewayStore
from sync.gateway.uploads import UploadArea, bundle_key, doc_key
from sync.protocol.bundle import (
    BUNDLE_PREFIX,
    MANIFEST_NAME,
    MANIFEST_SIG_NAME,
    sign_ack,
    verify_bundle_manifest,
)
from sync.protocol.canonical import canonical_json
from sync.protocol.keys import KeyFormatError, ed25519_public_from_b64
from sync.protocol.messages import (
    ApplicationManifest,
    MessageError,
    is_safe_id,
    parse_put_body,
)
from sync.protocol.problem import ProblemCode
from sync.protocol.signing import SignatureError
from sync.protocol.times import format_utc

MAX_BUNDLE_ID = 200


def check_bundle_id(bundle_id: str) -> None:
    tail = bundle_id.removeprefix(BUNDLE_PREFIX)
    if tail == bundle_id or len(bundle_id) > MAX_BUNDLE_ID or not is_safe_id(tail):
        refuse(400, ProblemCode.VALIDATION, False, f"bundle id must be {BUNDLE_PREFIX}<...>")


def read_tar(path: str, bundle_id: str) -> dict[str, bytes]:
    """Regular files of the tar by name, without the bundle's top directory."""
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(path, mode="r:") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                name = PurePosixPath(member.name)
                if name.is_absolute() or ".." in name.parts:
                    refuse(422, ProblemCode.VALIDATION, False, f"unsafe name {member.name!r}")
                parts = name.parts[1:] if name.parts[0] == bundle_id else name.parts
                extracted = tar.extractfile(member)
                if extracted is not None:
                    with extracted:
                        files["/".join(parts)] = extracted.read()
    except tarfile.TarError as exc:
        refuse(422, ProblemCode.VALIDATION, False, f"not a POSIX tar: {exc}")
    return files


class BundleDesk:
    def __init__(
        self,
        store: GatewayStore,
        uploads: UploadArea,
        applications: ApplicationDesk,
        *,
        signing_key: Ed25519PrivateKey,
        clock: Callable[[], float],
        limits: GatewayLimits,
    ) -> None:
        self._store = store
        self._uploads = uploads
        self._apps = applications
        self._key = signing_key
        self._clock = clock
        self._limits = limits
        self._importing = KeyedLocks()

    def _check_kiosk(self, bundle_id: str, kiosk_id: str) -> None:
        """A bundle is its kiosk's: named for it, created by it, and only it goes on with it."""
        check_bundle_id(bundle_id)
        if not bundle_id.startswith(f"{BUNDLE_PREFIX}{kiosk_id}-"):
            refuse(403, ProblemCode.FORBIDDEN, False, "the bundle is named for another kiosk")
        with self._store.read() as conn:
            row = conn.execute("SELECT kiosk_id FROM bundles WHERE bundle_id = ?",
                               (bundle_id,)).fetchone()
        if row is not None and row["kiosk_id"] != kiosk_id:
            refuse(403, ProblemCode.FORBIDDEN, False, "the bundle belongs to another kiosk")

    def create(self, req: Request, bundle_id: str, kiosk_id: str) -> Response:
        self._check_kiosk(bundle_id, kiosk_id)
        response = self._uploads.create(
            req, bundle_key(bundle_id), self._limits.max_bundle, declare=True
        )
        with self._store.tx() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO bundles (bundle_id, kiosk_id) VALUES (?, ?)",
                (bundle_id, kiosk_id),
            )
        return response

    def head(self, bundle_id: str, kiosk_id: str) -> Response:
        self._check_kiosk(bundle_id, kiosk_id)
        return self._uploads.head(bundle_key(bundle_id))

    def patch(self, req: Request, bundle_id: str, kiosk_id: str) -> Response:
        self._check_kiosk(bundle_id, kiosk_id)
        return self._uploads.patch(req, bundle_key(bundle_id))

    def ack(self, bundle_id: str, kiosk_id: str) -> Response:
        self._check_kiosk(bundle_id, kiosk_id)
        with self._store.read() as conn:
            row = conn.execute(
                "SELECT ack_json FROM bundles WHERE bundle_id = ?", (bundle_id,)
            ).fetchone()
        if row is None or row["ack_json"] is None:
            return problem(404, ProblemCode.NOT_FOUND, True, "no ACK yet (not imported)")
        return Response(200, {"Content-Type": "application/json"}, bytes(row["ack_json"]))

    def import_bundle(self, bundle_id: str, kiosk_id: str) -> Response:
        self._check_kiosk(bundle_id, kiosk_id)
        upload = self._uploads.get(bundle_key(bundle_id))
        if upload is None or not upload.verified:
            return problem(409, ProblemCode.DOCUMENTS_MISSING, True,
                           "the bundle upload is not complete", missing_documents=(bundle_id,))
        with self._store.read() as conn:
            done = conn.execute(
                "SELECT ack_json FROM bundles WHERE bundle_id = ?", (bundle_id,)
            ).fetchone()
        if done is None or done["ack_json"] is None:
            with self._importing.held(bundle_id) as taken:
                if not taken:
                    return problem(409, ProblemCode.IN_PROGRESS, True, "already importing")
                with self._uploads.storage.local_copy(bundle_key(bundle_id)) as tar_path:
                    files = read_tar(str(tar_path), bundle_id)
                ack = self._import_files(bundle_id, files, kiosk_id)
                with self._store.tx() as conn:
                    conn.execute(
                        "UPDATE bundles SET ack_json = ? WHERE bundle_id = ?",
                        (canonical_json(ack), bundle_id),
                    )
        return json_response(202, {"bundle_id": bundle_id, "state": "imported"})

    def _import_files(self, bundle_id: str, files: Mapping[str, bytes],
                      uploader: str) -> dict[str, object]:
        manifest_bytes, sig = files.get(MANIFEST_NAME), files.get(MANIFEST_SIG_NAME)
        if manifest_bytes is None or sig is None:
            refuse(422, ProblemCode.VALIDATION, False, "manifest.json or manifest.sig missing")
        try:
            manifest = json.loads(manifest_bytes.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            refuse(422, ProblemCode.VALIDATION, False, "manifest.json is not JSON")
        kiosk_id = manifest.get("kiosk_id") if isinstance(manifest, dict) else None
        applications = manifest.get("applications") if isinstance(manifest, dict) else None
        if not isinstance(kiosk_id, str) or not isinstance(applications, list):
            refuse(422, ProblemCode.VALIDATION, False, "manifest needs kiosk_id, applications")
        if kiosk_id != uploader:
            refuse(403, ProblemCode.FORBIDDEN, False, "the manifest is another kiosk's")
        pub = self._store.kiosk_key(kiosk_id)
        if pub is None:
            refuse(422, ProblemCode.KIOSK_UNKNOWN, False, f"kiosk {kiosk_id} is not registered")
        try:
            verify_bundle_manifest(ed25519_public_from_b64(pub), manifest_bytes, sig.decode())
        except (SignatureError, KeyFormatError, UnicodeDecodeError):
            refuse(422, ProblemCode.VALIDATION, False, "manifest.sig does not verify")
        items = [self._import_one(kiosk_id, body, files) for body in applications]
        return sign_ack(self._key, {
            "bundle_id": bundle_id,
            "kiosk_id": kiosk_id,
            "signed_at": format_utc(self._clock()),
            "items": items,
        })

    def _import_one(
        self, kiosk_id: str, body: object, files: Mapping[str, bytes]
    ) -> dict[str, object]:
        claimed_id = body.get("application_id") if isinstance(body, dict) else None
        claimed_hash = body.get("manifest_sha256") if isinstance(body, dict) else None
        item: dict[str, object] = {
            "application_id": claimed_id if isinstance(claimed_id, str) else "",
            "manifest_sha256": claimed_hash if isinstance(claimed_hash, str) else "",
            "state": "invalid",
            "receipt_no": None,
        }
        try:
            manifest = parse_put_body(body)
        except MessageError:
            return item
        if manifest.kiosk_id != kiosk_id:
            return item
        app_id = manifest.application_id
        if not self._apps.locks.acquire(app_id, LOCK_WAIT_IMPORT_S):
            return item
        try:
            item["state"] = self._admit_and_commit(manifest, files)
        finally:
            self._apps.locks.release(app_id)
        if item["state"] == "received":
            row = self._apps.row(app_id)
            item["receipt_no"] = None if row is None else row["receipt_no"]
        return item

    def _admit_and_commit(self, manifest: ApplicationManifest, files: Mapping[str, bytes]) -> str:
        app_id = manifest.application_id
        result = self._apps.admit(manifest, canonical_json(manifest.to_body()))
        if result.admission is Admission.CONFLICT:
            return "conflict"
        if result.admission is Admission.INVALID:
            return "invalid"
        for doc in manifest.documents:
            key = doc_key(app_id, doc.doc_id)
            upload = self._uploads.get(key)
            if upload is not None and upload.verified:
                continue
            data = files.get(f"{app_id}/{doc.doc_id}")
            if data is None or len(data) != doc.size:
                return "invalid"
            if hashlib.sha256(data).hexdigest() != doc.sha256:
                return "invalid"
            if self._apps.verify_document(app_id, doc.doc_id, data) is not None:
                return "invalid"
            self._uploads.store_complete(key, data)
        return "invalid" if self._apps.commit_locked(app_id) else "received"
