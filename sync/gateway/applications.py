"""Applications: PUT (permanent de-duplication), commit, status, pull-back and ACK.

The application id is the idempotency key forever: the first PUT makes the row, an identical
replay answers the row as it is now, any other manifest under that id is a conflict. Commit is
refused while any document is unverified, so the gateway never says 2xx over partial data.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.gateway.limits import GatewayLimits
from sync.gateway.locks import KeyedLocks
from sync.gateway.responses import Response, json_response, problem, refuse
from sync.gateway.store import GatewayStore, next_counter
from sync.gateway.uploads import UploadArea, doc_key
from sync.protocol.envelope import EnvelopeError, open_document, open_payload, unwrap_key
from sync.protocol.messages import (
    ApplicationManifest,
    ApplicationState,
    MessageError,
    parse_put_body,
)
from sync.protocol.problem import ProblemCode
from sync.protocol.times import format_utc

PAYLOAD_FIELDS = {"identity", "answers", "documents_meta"}
NOTE_RECEIVED = "Đã tiếp nhận hồ sơ"
LOCK_WAIT_IMPORT_S = 10.0
COMMITTED = "committed_at IS NOT NULL"


class Admission(StrEnum):
    NEW = "new"
    REPLAY = "replay"
    CONFLICT = "conflict"
    INVALID = "invalid"


@dataclass(frozen=True)
class AdmissionResult:
    admission: Admission
    detail: str = ""


class ApplicationDesk:
    def __init__(
        self,
        store: GatewayStore,
        uploads: UploadArea,
        encryption_key: X25519PrivateKey,
        clock: Callable[[], float],
        limits: GatewayLimits,
    ) -> None:
        self._store = store
        self._uploads = uploads
        self._key = encryption_key
        self._clock = clock
        self._limits = limits
        self.locks = KeyedLocks()

    # -- reading ----------------------------------------------------------------------------

    def row(self, application_id: str) -> sqlite3.Row | None:
        with self._store.read() as conn:
            row: sqlite3.Row | None = conn.execute(
                "SELECT * FROM applications WHERE application_id = ?", (application_id,)
            ).fetchone()
        return row

    def manifest(self, application_id: str) -> ApplicationManifest | None:
        row = self.row(application_id)
        if row is None:
            return None
        return parse_put_body(json.loads(bytes(row["manifest_json"]).decode("utf-8")))

    def application_key(self, application_id: str) -> bytes:
        manifest = self.manifest(application_id)
        if manifest is None:
            raise KeyError(application_id)
        return unwrap_key(manifest.payload.wrapped_key, application_id, self._key)

    def opened_payload(self, application_id: str) -> object:
        manifest = self.manifest(application_id)
        if manifest is None:
            raise KeyError(application_id)
        return open_payload(manifest.payload.to_dict(), application_id, self._key)

    def missing_documents(self, application_id: str) -> list[str]:
        manifest = self.manifest(application_id)
        if manifest is None:
            return []
        missing = []
        for doc in manifest.documents:
            upload = self._uploads.get(doc_key(application_id, doc.doc_id))
            if upload is None or not upload.verified:
                missing.append(doc.doc_id)
        return missing

    def owner(self, application_id: str) -> str | None:
        row = self.row(application_id)
        return None if row is None else str(row["kiosk_id"])

    # -- PUT --------------------------------------------------------------------------------

    def admit(self, manifest: ApplicationManifest, raw: bytes) -> AdmissionResult:
        """The de-duplication shared by PUT and bundle import (caller holds the app lock)."""
        existing = self.row(manifest.application_id)
        if existing is not None:
            return _seen(existing, manifest)
        why_not = self._content_problem(manifest)
        if why_not is not None:
            return AdmissionResult(Admission.INVALID, why_not)
        now = self._clock()
        try:
            with self._store.tx() as conn:
                conn.execute(
                    "INSERT INTO applications (application_id, kiosk_id, kiosk_seq, "
                    "manifest_sha256, manifest_json, state, received_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        manifest.application_id,
                        manifest.kiosk_id,
                        manifest.kiosk_seq,
                        manifest.manifest_sha256,
                        raw,
                        ApplicationState.PENDING.value,
                        now,
                        now,
                    ),
                )
                for doc in manifest.documents:
                    key = doc_key(manifest.application_id, doc.doc_id)
                    self._uploads.declare(conn, key, doc.size, doc.sha256)
        except sqlite3.IntegrityError:
            raced = self.row(manifest.application_id)
            if raced is not None:  # another gateway process admitted it a moment ago
                return _seen(raced, manifest)
            return AdmissionResult(
                Admission.INVALID,
                f"kiosk_seq {manifest.kiosk_seq} is already used by another application",
            )
        return AdmissionResult(Admission.NEW)

    def _content_problem(self, manifest: ApplicationManifest) -> str | None:
        """Why a new manifest cannot be accepted, or None: sizes within the published limit,
        and a payload that opens with this gateway's key to the expected fields."""
        too_big = [d.doc_id for d in manifest.documents if d.size > self._limits.max_document]
        if too_big:
            return f"larger than X-Max-Document ({self._limits.max_document} bytes): {too_big}"
        try:
            plain = open_payload(manifest.payload.to_dict(), manifest.application_id, self._key)
        except EnvelopeError as exc:
            return f"payload does not open: {exc}"
        if not isinstance(plain, dict) or set(plain) != PAYLOAD_FIELDS:
            return "payload must hold identity, answers, documents_meta"
        return None

    def put(self, kiosk_id: str, application_id: str, body: bytes) -> Response:
        try:
            value = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            refuse(400, ProblemCode.VALIDATION, False, "body is not JSON")
        except RecursionError:  # thousands of [ or {: refused as any other non-JSON
            refuse(400, ProblemCode.VALIDATION, False, "body is nested too deep")
        try:
            manifest = parse_put_body(value, application_id)
        except MessageError as exc:
            refuse(422, ProblemCode.VALIDATION, False, str(exc))
        if manifest.kiosk_id != kiosk_id:
            refuse(403, ProblemCode.FORBIDDEN, False, "kiosk_id is not the signer")
        with self.locks.held(application_id) as taken:
            if not taken:
                return problem(409, ProblemCode.IN_PROGRESS, True, "retry shortly")
            result = self.admit(manifest, body)
        match result.admission:
            case Admission.CONFLICT:
                return problem(422, ProblemCode.MANIFEST_CONFLICT, False, result.detail)
            case Admission.INVALID:
                return problem(422, ProblemCode.VALIDATION, False, result.detail)
            case Admission.NEW | Admission.REPLAY:
                status = 201 if result.admission is Admission.NEW else 200
                return json_response(status, self._put_body(application_id))

    def _put_body(self, application_id: str) -> dict[str, object]:
        row = self.row(application_id)
        assert row is not None
        return {
            "application_id": application_id,
            "state": row["state"],
            "missing_documents": self.missing_documents(application_id),
            "received_at": format_utc(row["received_at"]),
        }

    # -- documents --------------------------------------------------------------------------

    def verify_document(self, application_id: str, doc_id: str, sealed: bytes) -> str | None:
        """None if the sealed document opens with the application's key, else why not."""
        try:
            open_document(self.application_key(application_id), application_id, doc_id, sealed)
        except EnvelopeError as exc:
            return f"document does not open: {exc}"
        return None

    # -- commit -----------------------------------------------------------------------------

    def commit_locked(self, application_id: str) -> list[str]:
        """Mark received if every document is verified; return what is still missing."""
        missing = self.missing_documents(application_id)
        if missing:
            return missing
        with self._store.tx() as conn:
            row = conn.execute(
                "SELECT committed_at FROM applications WHERE application_id = ?",
                (application_id,),
            ).fetchone()
            if row["committed_at"] is None:
                now = self._clock()
                receipt = f"GW-{next_counter(conn, 'receipt'):08d}"
                conn.execute(
                    "UPDATE applications SET state = ?, receipt_no = ?, committed_at = ?, "
                    "updated_at = ?, change_seq = ? WHERE application_id = ?",
                    (
                        ApplicationState.RECEIVED.value,
                        receipt,
                        now,
                        now,
                        next_counter(conn, "change"),
                        application_id,
                    ),
                )
                self._add_history(conn, application_id, ApplicationState.RECEIVED, now,
                                  NOTE_RECEIVED)
        return []

    def commit(self, application_id: str) -> Response:
        with self.locks.held(application_id) as taken:
            if not taken:
                return problem(409, ProblemCode.IN_PROGRESS, True, "retry shortly")
            missing = self.commit_locked(application_id)
        if missing:
            return problem(409, ProblemCode.DOCUMENTS_MISSING, True,
                           f"{len(missing)} document(s) not yet verified",
                           missing_documents=tuple(missing))
        row = self.row(application_id)
        assert row is not None
        return json_response(202, {
            "state": row["state"],
            "receipt_no": row["receipt_no"],
            "received_at": format_utc(row["committed_at"]),
        })

    # -- status -----------------------------------------------------------------------------

    def status(self, application_id: str) -> Response:
        row = self.row(application_id)
        assert row is not None
        with self._store.read() as conn:
            history = conn.execute(
                "SELECT state, at, note_vi FROM history WHERE application_id = ? ORDER BY n",
                (application_id,),
            ).fetchall()
        return json_response(200, {
            "application_id": application_id,
            "state": row["state"],
            "receipt_no": row["receipt_no"],
            "history": [
                {"state": r["state"], "at": format_utc(r["at"]), "note_vi": r["note_vi"]}
                for r in history
            ],
            "updated_at": format_utc(row["updated_at"]),
        })

    def set_state(self, application_id: str, state: ApplicationState, note_vi: str) -> None:
        """Drive a committed application's state (the province's back office, simulated)."""
        with self._store.tx() as conn:
            row = conn.execute(
                "SELECT committed_at FROM applications WHERE application_id = ?",
                (application_id,),
            ).fetchone()
            if row is None:
                raise KeyError(application_id)
            if row["committed_at"] is None:
                raise ValueError("the application is not committed yet")
            now = self._clock()
            conn.execute(
                "UPDATE applications SET state = ?, updated_at = ?, change_seq = ? "
                "WHERE application_id = ?",
                (state.value, now, next_counter(conn, "change"), application_id),
            )
            self._add_history(conn, application_id, state, now, note_vi)

    @staticmethod
    def _add_history(
        conn: sqlite3.Connection,
        application_id: str,
        state: ApplicationState,
        at: float,
        note_vi: str,
    ) -> None:
        conn.execute(
            "INSERT INTO history (application_id, n, state, at, note_vi) VALUES (?, "
            "(SELECT COALESCE(MAX(n), 0) + 1 FROM history WHERE application_id = ?), ?, ?, ?)",
            (application_id, application_id, state.value, at, note_vi),
        )

    # -- pull-back and ACK ------------------------------------------------------------------

    def pull(self, kiosk_id: str, cursor: str | None, limit_text: str | None) -> Response:
        try:
            after = decode_cursor(cursor) if cursor else 0
        except ValueError:
            return problem(400, ProblemCode.VALIDATION, False, "unreadable cursor")
        if limit_text is None:
            limit = 100
        elif limit_text.isdigit() and 1 <= int(limit_text) <= self._limits.max_pull_limit:
            limit = int(limit_text)
        else:
            return problem(400, ProblemCode.VALIDATION, False,
                           f"limit must be 1..{self._limits.max_pull_limit}")
        with self._store.read() as conn:
            rows = conn.execute(
                f"SELECT a.application_id, a.state, a.updated_at, a.change_seq, "
                f"(SELECT note_vi FROM history h WHERE h.application_id = a.application_id "
                f"ORDER BY n DESC LIMIT 1) AS note_vi "
                f"FROM applications a WHERE a.kiosk_id = ? AND a.{COMMITTED} "
                f"AND a.change_seq > ? ORDER BY a.change_seq LIMIT ?",
                (kiosk_id, after, limit),
            ).fetchall()
        last = rows[-1]["change_seq"] if rows else after
        return json_response(200, {
            "items": [
                {
                    "application_id": r["application_id"],
                    "state": r["state"],
                    "updated_at": format_utc(r["updated_at"]),
                    "note_vi": r["note_vi"] or "",
                }
                for r in rows
            ],
            "next_cursor": encode_cursor(last),
        })

    def ack(self, kiosk_id: str) -> Response:
        with self._store.read() as conn:
            seqs = [
                int(r["kiosk_seq"])
                for r in conn.execute(
                    f"SELECT kiosk_seq FROM applications WHERE kiosk_id = ? AND {COMMITTED} "
                    f"ORDER BY kiosk_seq",
                    (kiosk_id,),
                )
            ]
        highest, missing = contiguous_and_gaps(seqs, self._limits.max_missing_seqs)
        return json_response(200, {"highest_contiguous_seq": highest, "missing_seqs": missing})


def contiguous_and_gaps(sorted_seqs: list[int], max_missing: int) -> tuple[int, list[int]]:
    """Highest n with 1..n all present, and the gaps above it up to the highest seen."""
    present = set(sorted_seqs)
    highest = 0
    while highest + 1 in present:
        highest += 1
    top = sorted_seqs[-1] if sorted_seqs else 0
    missing = [s for s in range(highest + 1, top) if s not in present][:max_missing]
    return highest, missing


_CURSOR_PREFIX = "c1:"


def encode_cursor(change_seq: int) -> str:
    """Opaque to clients: a versioned position in the gateway's change log, never a time."""
    raw = f"{_CURSOR_PREFIX}{change_seq}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError) as exc:
        raise ValueError("bad cursor") from exc
    if not text.startswith(_CURSOR_PREFIX) or not text[len(_CURSOR_PREFIX):].isdigit():
        raise ValueError("bad cursor")
    return int(text[len(_CURSOR_PREFIX):])


def _seen(row: sqlite3.Row, manifest: ApplicationManifest) -> AdmissionResult:
    """An id already admitted: the same manifest is a replay, another one a conflict."""
    if row["manifest_sha256"] == manifest.manifest_sha256:
        return AdmissionResult(Admission.REPLAY)
    return AdmissionResult(Admission.CONFLICT, "this id was received with another manifest")
