"""USB bundles: uploaded like a document, imported through the same de-duplication as PUT.

The ACK file is signed over its canonical JSON so the kiosk can verify it offline when a
technician carries it back on a USB stick. Importing twice changes nothing: the second run
finds every application already there and answers the ACK made the first time.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from pathlib import Path, PurePosixPath

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


# manifest.sig is one base64 Ed25519 signature (88 characters)
MAX_MANIFEST_SIG = 1024


class BundleTar:
    """The uploaded tar as it lies on disk, read a file at a time, never whole.

    A bundle may be 2 GiB: only its headers are read to find manifest.json, manifest.sig and
    (``locate``) the documents the manifest names; a document's bytes are read when its
    application is imported, and only if its size is the manifest's (at most ``max_document``).
    Names are without the bundle's top directory; a later file of the same name wins. tarfile
    keeps every header it has read: they are dropped as the scan goes (a 2 GiB tar of empty
    files has 4 million), and a tar of more than ``max_bundle_files`` entries is refused.
    """

    def __init__(self, path: Path, bundle_id: str, limits: GatewayLimits) -> None:
        self._path = path
        self._bundle_id = bundle_id
        self._limits = limits
        found = self._scan(frozenset({MANIFEST_NAME, MANIFEST_SIG_NAME}))
        self.manifest = self._read_small(found.get(MANIFEST_NAME), MANIFEST_NAME,
                                         limits.max_bundle_manifest)
        self.signature = self._read_small(found.get(MANIFEST_SIG_NAME), MANIFEST_SIG_NAME,
                                          MAX_MANIFEST_SIG)
        self._located: dict[str, tuple[int, int]] = {}

    def _scan(self, wanted: AbstractSet[str]) -> dict[str, tuple[int, int]]:
        """(offset of the data, size) of each regular file named in ``wanted``."""
        found: dict[str, tuple[int, int]] = {}
        try:
            with tarfile.open(self._path, mode="r:") as tar:
                count = 0
                while (member := tar.next()) is not None:
                    tar.members.clear()  # type: ignore[attr-defined]  # (not in typeshed)
                    count += 1
                    if count > self._limits.max_bundle_files:
                        refuse(422, ProblemCode.VALIDATION, False,
                               f"more than {self._limits.max_bundle_files} files in the tar: "
                               "not a bundle this gateway imports")
                    if not member.isfile():
                        continue
                    name = PurePosixPath(member.name)
                    if not name.parts:
                        continue
                    if name.is_absolute() or ".." in name.parts:
                        refuse(422, ProblemCode.VALIDATION, False,
                               f"unsafe name {member.name!r}")
                    parts = name.parts[1:] if name.parts[0] == self._bundle_id else name.parts
                    key = "/".join(parts)
                    if key in wanted and not member.issparse():
                        found[key] = (member.offset_data, member.size)
        except tarfile.TarError as exc:
            refuse(422, ProblemCode.VALIDATION, False, f"not a POSIX tar: {exc}")
        return found

    def _read_at(self, where: tuple[int, int]) -> bytes:
        offset, size = where
        with self._path.open("rb") as f:
            f.seek(offset)
            data = f.read(size)
        if len(data) != size:
            refuse(422, ProblemCode.VALIDATION, False, "not a POSIX tar: a file is cut short")
        return data

    def _read_small(self, where: tuple[int, int] | None, name: str, cap: int) -> bytes | None:
        if where is None:
            return None
        if where[1] > cap:
            refuse(422, ProblemCode.VALIDATION, False,
                   f"{name} is larger than {cap} bytes: not a bundle this gateway imports")
        return self._read_at(where)

    def locate(self, names: AbstractSet[str]) -> None:
        """Find the files ``names`` (the documents the manifest names), headers only."""
        self._located = self._scan(names)

    def document(self, name: str, size: int) -> bytes | None:
        """The file ``name`` if it is ``size`` bytes (at most ``max_document``), else None."""
        where = self._located.get(name)
        if where is None or where[1] != size or size > self._limits.max_document:
            return None
        return self._read_at(where)


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
                    ack = self._import_files(bundle_id, BundleTar(tar_path, bundle_id,
                                                                  self._limits), kiosk_id)
                with self._store.tx() as conn:
                    conn.execute(
                        "UPDATE bundles SET ack_json = ? WHERE bundle_id = ?",
                        (canonical_json(ack), bundle_id),
                    )
        return json_response(202, {"bundle_id": bundle_id, "state": "imported"})

    def _import_files(self, bundle_id: str, bundle: BundleTar,
                      uploader: str) -> dict[str, object]:
        manifest_bytes, sig = bundle.manifest, bundle.signature
        if manifest_bytes is None or sig is None:
            refuse(422, ProblemCode.VALIDATION, False, "manifest.json or manifest.sig missing")
        try:
            manifest = json.loads(manifest_bytes.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            refuse(422, ProblemCode.VALIDATION, False, "manifest.json is not JSON")
        except RecursionError:  # thousands of [ or {: the same answer as any other non-JSON
            refuse(422, ProblemCode.VALIDATION, False, "manifest.json is nested too deep")
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
        parsed = [self._parse_one(kiosk_id, body) for body in applications]
        bundle.locate({f"{m.application_id}/{d.doc_id}"
                       for _, m in parsed if m is not None for d in m.documents})
        items = [self._import_one(item, m, bundle) for item, m in parsed]
        return sign_ack(self._key, {
            "bundle_id": bundle_id,
            "kiosk_id": kiosk_id,
            "signed_at": format_utc(self._clock()),
            "items": items,
        })

    @staticmethod
    def _parse_one(kiosk_id: str,
                   body: object) -> tuple[dict[str, object], ApplicationManifest | None]:
        """The ACK item as if invalid, and the application if it is one of ``kiosk_id``'s."""
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
            return item, None
        return item, manifest if manifest.kiosk_id == kiosk_id else None

    def _import_one(self, item: dict[str, object], manifest: ApplicationManifest | None,
                    bundle: BundleTar) -> dict[str, object]:
        if manifest is None:
            return item
        app_id = manifest.application_id
        if not self._apps.locks.acquire(app_id, LOCK_WAIT_IMPORT_S):
            return item
        try:
            item["state"] = self._admit_and_commit(manifest, bundle)
        finally:
            self._apps.locks.release(app_id)
        if item["state"] == "received":
            row = self._apps.row(app_id)
            item["receipt_no"] = None if row is None else row["receipt_no"]
        return item

    def _admit_and_commit(self, manifest: ApplicationManifest, bundle: BundleTar) -> str:
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
            data = bundle.document(f"{app_id}/{doc.doc_id}", doc.size)
            if data is None:
                return "invalid"
            if hashlib.sha256(data).hexdigest() != doc.sha256:
                return "invalid"
            if self._apps.verify_document(app_id, doc.doc_id, data) is not None:
                return "invalid"
            self._uploads.store_complete(key, data)
        return "invalid" if self._apps.commit_locked(app_id) else "received"
