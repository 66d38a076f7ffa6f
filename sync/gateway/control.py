"""The test-control surface: a Python API, and the same over /_control/ (loopback only).

Tests and testers use it to play the province's back office (drive an application's state),
the citizen's phone (read the OTP), VNeID (accept a token), and a bad network or a bad gateway
(scripted faults). It never bypasses the protocol for the kiosk's own requests.

Over HTTP (JSON bodies, unsigned requests, answered only to loopback clients):
    GET    /_control/applications[?kiosk_id=K]      what the gateway holds
    POST   /_control/applications/{id}/state        {state, note_vi}: processing, ...
    GET    /_control/otp/{application_id}           {code}: the "SMS"
    POST   /_control/kiosks                         {kiosk_id, public_key}
    POST   /_control/vneid                          {token, identity: {citizen_id, ...}}
    GET    /_control/faults                         pending scripted faults
    POST   /_control/faults                         {faults: [{kind, status, retry_after,
                                                     method, path, code}]} appended in order
    DELETE /_control/faults                         forget them
    POST   /_control/uploads/{app}/{doc}/expire     the next touch of that upload is 410
    GET    /_control/keys                           {signing, encryption} public keys
Fault kinds: status (a canned problem: 400 401 403 404 409 410 413 422 423 429 460 500 502
503 504; 429/503 carry Retry-After, 1 s unless told), passthrough (handled for real: the 201),
replay (handled twice, the second answer sent: a 200 replay), drop_response (handled, then the
connection is cut: the answer is lost), captive_portal (200 text/html, unsigned),
bad_signature (handled, answer signed by nobody's key).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from sync.gateway.app import GatewayApp, LoggedRequest
from sync.gateway.db import upsert_kiosk
from sync.gateway.faults import Fault
from sync.gateway.keys import GatewayPublicKeys
from sync.gateway.request import Request
from sync.gateway.responses import Response, json_response, problem, refuse
from sync.gateway.uploads import bundle_key, doc_key
from sync.protocol.envelope import open_document
from sync.protocol.keys import KeyFormatError, decode_key
from sync.protocol.messages import (
    ApplicationState,
    MessageError,
    is_safe_id,
    parse_json_object,
)
from sync.protocol.problem import ProblemCode


@dataclass(frozen=True)
class Call:
    req: Request
    p: Mapping[str, str]


class ControlError(RuntimeError):
    """A control request that cannot be honoured (e.g. a lock already held)."""


@dataclass(frozen=True)
class ApplicationRecord:
    application_id: str
    kiosk_id: str
    kiosk_seq: int
    manifest_sha256: str
    state: str
    receipt_no: str | None
    committed: bool
    missing_documents: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "application_id": self.application_id,
            "kiosk_id": self.kiosk_id,
            "kiosk_seq": self.kiosk_seq,
            "manifest_sha256": self.manifest_sha256,
            "state": self.state,
            "receipt_no": self.receipt_no,
            "committed": self.committed,
            "missing_documents": list(self.missing_documents),
        }


class GatewayControl:
    def __init__(self, app: GatewayApp) -> None:
        self._app = app

    # -- kiosks, citizens -------------------------------------------------------------------

    def register_kiosk(self, kiosk_id: str, public_key_b64: str) -> None:
        if not is_safe_id(kiosk_id):
            raise ValueError(f"kiosk id {kiosk_id!r}: letters, digits, _ - . only")
        decode_key(public_key_b64)
        with self._app.store.tx() as conn:
            upsert_kiosk(conn, kiosk_id, public_key_b64, self._app.clock())

    def otp_code(self, application_id: str) -> str | None:
        """The OTP last "sent by SMS" for this application."""
        return self._app.citizens.otp_code(application_id)

    def register_vneid(self, token: str, identity: Mapping[str, str]) -> None:
        """Accept ``token`` at /v1/identity/vneid, answering ``identity`` (CCCD QR fields)."""
        self._app.citizens.register_vneid(token, identity)

    def public_keys(self) -> GatewayPublicKeys:
        return self._app.keys.public

    def rating_count(self) -> int:
        return self._app.citizens.rating_count()

    def publish_data(self, kind: str, version: str, content: bytes) -> int:
        """Publish a catalog or holiday file for the kiosks to pull (signed); its serial."""
        return self._app.data.publish(kind, version, content).serial

    # -- applications -----------------------------------------------------------------------

    def set_state(
        self, application_id: str, state: ApplicationState | str, note_vi: str = ""
    ) -> None:
        """Move a committed application (processing, needs_more_documents, ...)."""
        target = ApplicationState(state)
        if target in (ApplicationState.PENDING, ApplicationState.RECEIVED):
            raise ValueError("the back office moves applications on from received")
        self._app.applications.set_state(application_id, target, note_vi)

    def application(self, application_id: str) -> ApplicationRecord | None:
        row = self._app.applications.row(application_id)
        if row is None:
            return None
        return ApplicationRecord(
            application_id=row["application_id"],
            kiosk_id=row["kiosk_id"],
            kiosk_seq=row["kiosk_seq"],
            manifest_sha256=row["manifest_sha256"],
            state=row["state"],
            receipt_no=row["receipt_no"],
            committed=row["committed_at"] is not None,
            missing_documents=tuple(self._app.applications.missing_documents(application_id)),
        )

    def applications(self, kiosk_id: str | None = None) -> list[ApplicationRecord]:
        with self._app.store.read() as conn:
            ids = [
                r["application_id"]
                for r in conn.execute(
                    "SELECT application_id FROM applications "
                    "WHERE CAST(? AS TEXT) IS NULL OR kiosk_id = ? ORDER BY kiosk_id, kiosk_seq",
                    (kiosk_id, kiosk_id),
                )
            ]
        records = [self.application(i) for i in ids]
        return [r for r in records if r is not None]

    def document_bytes(self, application_id: str, doc_id: str) -> bytes | None:
        """The stored (encrypted) document, once verified."""
        key = doc_key(application_id, doc_id)
        upload = self._app.uploads.get(key)
        if upload is None or not upload.verified:
            return None
        return self._app.uploads.read_bytes(key)

    def open_document(self, application_id: str, doc_id: str) -> bytes:
        """The document's PDF bytes, decrypted as the back office would."""
        sealed = self.document_bytes(application_id, doc_id)
        if sealed is None:
            raise KeyError(f"{application_id}/{doc_id} is not stored")
        k = self._app.applications.application_key(application_id)
        return open_document(k, application_id, doc_id, sealed)

    def opened_payload(self, application_id: str) -> object:
        """The application's personal content, decrypted with the gateway's X25519 key."""
        return self._app.applications.opened_payload(application_id)

    def upload_offset(self, application_id: str, doc_id: str) -> int | None:
        upload = self._app.uploads.get(doc_key(application_id, doc_id))
        return None if upload is None else upload.offset

    def expire_upload(self, application_id: str, doc_id: str) -> None:
        """Make an unfinished document upload past its expiry (the next touch answers 410)."""
        self._expire(doc_key(application_id, doc_id))

    def expire_bundle_upload(self, bundle_id: str) -> None:
        self._expire(bundle_key(bundle_id))

    def _expire(self, key: str) -> None:
        with self._app.store.tx() as conn:
            conn.execute(
                "UPDATE uploads SET expires_at = ? WHERE upload_key = ?",
                (self._app.clock() - 1, key),
            )

    # -- locks ------------------------------------------------------------------------------

    @contextmanager
    def hold_application(self, application_id: str) -> Iterator[None]:
        """Hold the per-application lock, as if a PUT or commit were running (409)."""
        with self._app.applications.locks.held(application_id) as taken:
            if not taken:
                raise ControlError(f"{application_id} is already busy")
            yield

    @contextmanager
    def hold_upload(self, application_id: str, doc_id: str) -> Iterator[None]:
        """Hold the per-document lock, as if a PATCH were running (423)."""
        with self._app.uploads.locks.held(doc_key(application_id, doc_id)) as taken:
            if not taken:
                raise ControlError(f"{application_id}/{doc_id} is already busy")
            yield

    # -- faults and observation -------------------------------------------------------------

    def script(self, *faults: Fault) -> None:
        """Queue canned answers for the next matching requests, in order."""
        self._app.faults.add(*faults)

    def clear_faults(self) -> None:
        self._app.faults.clear()

    def pending_faults(self) -> tuple[Fault, ...]:
        return self._app.faults.pending()

    def used_faults(self) -> tuple[tuple[str, str, Fault], ...]:
        return self._app.faults.used()

    def requests(self) -> tuple[LoggedRequest, ...]:
        """Every /v1 request seen (method, path, status, kiosk), oldest first."""
        return self._app.requests()

    # -- over HTTP --------------------------------------------------------------------------

    def handle_http(self, req: Request) -> Response:
        path, method = req.path, req.method
        for (want_method, pattern), handler in _HTTP_ROUTES.items():
            m = re.fullmatch(pattern, path)
            if m and method == want_method:
                try:
                    return handler(self, Call(req, m.groupdict()))
                except (ValueError, KeyError, ControlError) as exc:
                    return problem(422, ProblemCode.VALIDATION, False, str(exc))
        return problem(404, ProblemCode.NOT_FOUND, False, "no such control endpoint")


def _body(req: Request) -> Mapping[str, object]:
    try:
        return parse_json_object(req.body)
    except MessageError as exc:
        refuse(400, ProblemCode.VALIDATION, False, str(exc))


def _text(body: Mapping[str, object], key: str, default: str | None = None) -> str:
    value = body.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    return value


def _get_applications(c: GatewayControl, call: Call) -> Response:
    kiosk = call.req.query.get("kiosk_id")
    return json_response(200, {"items": [a.to_dict() for a in c.applications(kiosk)]})


def _set_state(c: GatewayControl, call: Call) -> Response:
    body = _body(call.req)
    c.set_state(call.p["app"], _text(body, "state"), _text(body, "note_vi", ""))
    record = c.application(call.p["app"])
    assert record is not None
    return json_response(200, record.to_dict())


def _get_otp(c: GatewayControl, call: Call) -> Response:
    code = c.otp_code(call.p["app"])
    if code is None:
        return problem(404, ProblemCode.NOT_FOUND, False, "no OTP for this application")
    return json_response(200, {"application_id": call.p["app"], "code": code})


def _post_kiosk(c: GatewayControl, call: Call) -> Response:
    body = _body(call.req)
    try:
        c.register_kiosk(_text(body, "kiosk_id"), _text(body, "public_key"))
    except KeyFormatError as exc:
        raise ValueError(str(exc)) from exc
    return json_response(201, {"kiosk_id": body["kiosk_id"]})


def _post_vneid(c: GatewayControl, call: Call) -> Response:
    body = _body(call.req)
    identity = body.get("identity")
    if not isinstance(identity, dict):
        raise ValueError("identity must be an object")
    c.register_vneid(_text(body, "token"), {str(k): str(v) for k, v in identity.items()})
    return json_response(201, {"token": body["token"]})


def _get_faults(c: GatewayControl, _call: Call) -> Response:
    return json_response(200, {"faults": [f.to_dict() for f in c.pending_faults()]})


def _post_faults(c: GatewayControl, call: Call) -> Response:
    faults = _body(call.req).get("faults")
    if not isinstance(faults, list):
        raise ValueError("faults must be an array")
    c.script(*[Fault.from_dict(f) for f in faults])
    return _get_faults(c, call)


def _delete_faults(c: GatewayControl, call: Call) -> Response:
    c.clear_faults()
    return _get_faults(c, call)


def _expire(c: GatewayControl, call: Call) -> Response:
    c.expire_upload(call.p["app"], call.p["doc"])
    return json_response(200, {"expired": f"{call.p['app']}/{call.p['doc']}"})


def _get_keys(c: GatewayControl, _call: Call) -> Response:
    keys = c.public_keys()
    return json_response(200, {"signing": keys.signing_b64, "encryption": keys.encryption_b64})


_APP = r"(?P<app>[0-9a-f-]{36})"
_HTTP_ROUTES = {
    ("GET", r"/_control/applications"): _get_applications,
    ("POST", rf"/_control/applications/{_APP}/state"): _set_state,
    ("GET", rf"/_control/otp/{_APP}"): _get_otp,
    ("POST", r"/_control/kiosks"): _post_kiosk,
    ("POST", r"/_control/vneid"): _post_vneid,
    ("GET", r"/_control/faults"): _get_faults,
    ("POST", r"/_control/faults"): _post_faults,
    ("DELETE", r"/_control/faults"): _delete_faults,
    ("POST", rf"/_control/uploads/{_APP}/(?P<doc>[A-Za-z0-9][A-Za-z0-9_.-]{{0,63}})/expire"): _expire,
    ("GET", r"/_control/keys"): _get_keys,
}
