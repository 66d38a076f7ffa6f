"""The gateway's request dispatch: faults, authentication, routing. No sockets here.

``GatewayApp.dispatch`` turns a Request into a Response; the HTTP server only reads, signs and
writes. Keeping the protocol logic free of the socket layer lets the scripted faults sit at one
place in front of it.
"""

from __future__ import annotations

import collections
import hmac
import ipaddress
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from sync.gateway.applications import ApplicationDesk
from sync.gateway.bundles import BundleDesk
from sync.gateway.citizen import CitizenDesk
from sync.gateway.control_token import (
    CONTROL_TOKEN_FILE,
    CONTROL_TOKEN_HEADER,
    load_or_create_control_token,
)
from sync.gateway.datadesk import DataDesk
from sync.gateway.faults import CANNED, Fault, FaultKind, FaultScript
from sync.gateway.heartbeat import HeartbeatDesk
from sync.gateway.keys import GatewayKeys, load_or_create_keys
from sync.gateway.limits import GatewayLimits
from sync.gateway.metrics import FleetMetrics
from sync.gateway.replay import ReplayCache, SeenSignatures, SharedReplayCache
from sync.gateway.request import Request
from sync.gateway.responses import Refusal, Response, Signing, empty, problem, refuse, unavailable
from sync.gateway.storage import StorageConfig, StorageUnavailableError, open_storage
from sync.gateway.store import DEFAULT_POOL_SIZE, DatabaseUnavailableError, GatewayStore
from sync.gateway.uploads import UploadArea, doc_key
from sync.protocol import headers as h
from sync.protocol.keys import KeyFormatError, ed25519_public_from_b64
from sync.protocol.messages import MessageError, is_application_id, is_safe_id, parse_json_object
from sync.protocol.problem import ProblemCode
from sync.protocol.signing import SignatureError, parse_http_date, verify_request, within_skew

log = logging.getLogger(__name__)

GATEWAY_VERSION = "dvc-kiosk-gateway/1"
CAPTIVE_PORTAL_HTML = (
    b"<!DOCTYPE html><html><head><title>Wi-Fi</title></head>"
    b"<body><h1>\xc4\x90\xc4\x83ng nh\xe1\xba\xadp Wi-Fi</h1>"
    b"<form><input name=phone></form></body></html>"
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})
REQUEST_LOG_SIZE = 10_000

APP = r"(?P<app>[0-9a-f-]{36})"
DOC = r"(?P<doc>[A-Za-z0-9][A-Za-z0-9_.-]{0,63})"
KIOSK = r"(?P<kiosk>[A-Za-z0-9][A-Za-z0-9_.-]{0,63})"
BUNDLE = r"(?P<bundle>[A-Za-z0-9][A-Za-z0-9_.-]{0,199})"

@dataclass(frozen=True)
class Call:
    """A routed request: who signed it and the path parameters."""

    req: Request
    kiosk_id: str
    p: Mapping[str, str]


Handler = Callable[[Call], Response]


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    status: int
    kiosk_id: str | None


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class GatewayApp:
    def __init__(
        self,
        data_dir: Path,
        clock: Callable[[], float],
        limits: GatewayLimits,
        database_url: str | None = None,
        *,
        storage: StorageConfig | None = None,
        pool_size: int = DEFAULT_POOL_SIZE,
    ) -> None:
        self.data_dir = data_dir
        self.clock = clock
        self.limits = limits
        self.keys: GatewayKeys = load_or_create_keys(data_dir)
        self.store = GatewayStore(data_dir, database_url, pool_size)
        self.faults = FaultScript()
        self.storage_config = storage or StorageConfig()
        self.uploads = UploadArea(self.store, clock, limits,
                                  open_storage(self.storage_config, self.store, data_dir))
        self.applications = ApplicationDesk(
            self.store, self.uploads, self.keys.encryption, clock, limits
        )
        self.citizens = CitizenDesk(self.store, clock, limits, pepper=_derived_secret(
            self.keys.signing, b"dvc-kiosk/v1 otp citizen hash"))
        # several processes share a PostgreSQL database: the signatures seen live there too
        self.replays: SeenSignatures = (
            SharedReplayCache(self.store, limits.max_clock_skew_s) if self.store.postgres
            else ReplayCache(limits.max_clock_skew_s))
        self.bundles = BundleDesk(
            self.store,
            self.uploads,
            self.applications,
            signing_key=self.keys.signing,
            clock=clock,
            limits=limits,
        )
        self.heartbeats = HeartbeatDesk(self.store, clock)
        self.data = DataDesk(self.store, self.keys.signing, clock)
        self.metrics = FleetMetrics(self.heartbeats, clock)
        self._log: collections.deque[LoggedRequest] = collections.deque(maxlen=REQUEST_LOG_SIZE)
        self._log_lock = threading.Lock()
        self._routes = self._build_routes()
        self.control_handler: Callable[[Request], Response] | None = None
        # /_control/ reads OTPs, registers kiosk keys and VNeID tokens: loopback is not enough
        # (any local process, any browser page's fetch to 127.0.0.1), it needs this token too.
        self.control_token = load_or_create_control_token(data_dir)

    def close(self) -> None:
        self.store.close()

    # -- dispatch ---------------------------------------------------------------------------

    def dispatch(self, req: Request) -> Response:
        if req.path.startswith("/_control/"):
            return self._control(req)
        if req.path == "/metrics":
            return self._metrics(req)
        fault = self.faults.take(req.method, req.path)
        response = self._apply(req, fault.kind if fault else FaultKind.PASSTHROUGH, fault)
        with self._log_lock:
            self._log.append(LoggedRequest(req.method, req.path, response.status, _kiosk(req)))
        return response

    def _apply(self, req: Request, kind: FaultKind, fault: Fault | None) -> Response:
        match kind:
            case FaultKind.STATUS:
                assert fault is not None
                code, retryable = CANNED[fault.status]
                extra = {h.RETRY_AFTER: str(fault.retry_after)} if fault.retry_after else {}
                return problem(fault.status, fault.code or code, retryable, "scripted fault",
                               headers=extra)
            case FaultKind.CAPTIVE_PORTAL:
                return Response(200, {h.CONTENT_TYPE: "text/html; charset=utf-8"},
                                CAPTIVE_PORTAL_HTML, signing=Signing.NONE)
            case FaultKind.PASSTHROUGH:
                return self.handle(req)
            case FaultKind.REPLAY:  # the network delivers it twice: the handlers' idempotency
                self.handle(req)
                return self.handle(req, replay_check=False)
            case FaultKind.DROP_RESPONSE:
                response = self.handle(req)
                return replace(response, drop=True)
            case FaultKind.BAD_SIGNATURE:
                response = self.handle(req)
                return replace(response, signing=Signing.FORGED)

    def requests(self) -> tuple[LoggedRequest, ...]:
        with self._log_lock:
            return tuple(self._log)

    def handle(self, req: Request, *, replay_check: bool = True) -> Response:
        """Route and run a request, turning refusals and bugs into problem answers."""
        try:
            with self.store.session():
                return self._route(req, replay_check=replay_check)
        except Refusal as refusal:
            return refusal.response
        except StorageUnavailableError as exc:
            return unavailable(str(exc))
        except DatabaseUnavailableError:
            log.error("gateway: no database connection for %s %s", req.method, req.path)
            return unavailable("the gateway's database is unavailable")
        except Exception:
            log.exception("gateway handler failed for %s %s", req.method, req.path)
            return problem(500, ProblemCode.INTERNAL, True, "internal error")

    def _route(self, req: Request, *, replay_check: bool = True) -> Response:
        allowed: list[str] = []
        for route in self._routes:
            match = route.pattern.fullmatch(req.path)
            if match is None:
                continue
            if route.method != req.method:
                allowed.append(route.method)
                continue
            if route.method == "GET" and req.path == "/v1/ping":
                return route.handler(Call(req, "", match.groupdict()))
            kiosk_id = self.authenticate(req, replay_check=replay_check)
            return route.handler(Call(req, kiosk_id, match.groupdict()))
        if allowed:
            return problem(405, ProblemCode.METHOD_NOT_ALLOWED, False,
                           headers={"Allow": ", ".join(allowed)})
        return problem(404, ProblemCode.NOT_FOUND, False, "no such endpoint")

    def authenticate(self, req: Request, *, replay_check: bool = True) -> str:
        """The signing kiosk's id, or a 401 refusal."""
        kiosk_id = req.header(h.KIOSK_ID)
        if not kiosk_id:
            refuse(401, ProblemCode.BAD_SIGNATURE, False, "signature headers missing")
        pub_b64 = self.store.kiosk_key(kiosk_id)
        if pub_b64 is None:
            refuse(401, ProblemCode.KIOSK_UNKNOWN, False, f"kiosk {kiosk_id} is not registered")
        try:
            signed = verify_request(
                ed25519_public_from_b64(pub_b64), req.method, req.target, req.headers, req.body
            )
        except (SignatureError, KeyFormatError) as exc:
            refuse(401, ProblemCode.BAD_SIGNATURE, False, str(exc))
        try:
            date = parse_http_date(signed.date)
        except SignatureError:
            refuse(401, ProblemCode.BAD_SIGNATURE, False, "Date is not an HTTP-date")
        now = self.clock()
        if not within_skew(signed.date, now, self.limits.max_clock_skew_s):
            refuse(401, ProblemCode.CLOCK_SKEW, True,
                   "the request's Date is more than 15 minutes off; see this response's Date")
        if replay_check and not self.replays.first_time(signed.signature, now, date):
            refuse(401, ProblemCode.REPLAYED, True,
                   "this signed request was already received: sign it again with a new Date")
        return kiosk_id

    def _control(self, req: Request) -> Response:
        if req.client_host not in LOOPBACK_HOSTS:
            return problem(403, ProblemCode.FORBIDDEN, False, "control is loopback-only")
        given = req.header(CONTROL_TOKEN_HEADER) or ""
        if not hmac.compare_digest(given.encode("utf-8", "replace"),
                                   self.control_token.encode("ascii")):
            return problem(401, ProblemCode.FORBIDDEN, False,
                           f"control needs {CONTROL_TOKEN_HEADER} (the gateway's "
                           f"{CONTROL_TOKEN_FILE} file)")
        if self.control_handler is None:
            return problem(404, ProblemCode.NOT_FOUND, False, "no control surface")
        try:
            return self.control_handler(req)
        except Refusal as refusal:
            return refusal.response

    # -- routes -----------------------------------------------------------------------------

    def _build_routes(self) -> list[Route]:
        def r(method: str, pattern: str, handler: Handler) -> Route:
            return Route(method, re.compile(pattern), handler)

        app_path = rf"/v1/applications/{APP}"
        doc_path = rf"{app_path}/documents/{DOC}"
        bundle_path = rf"/v1/bundles/{BUNDLE}"
        return [
            r("GET", r"/v1/ping", self._ping),
            r("PUT", app_path, self._put),
            r("GET", app_path, self._status),
            r("POST", doc_path, self._doc_create),
            r("HEAD", doc_path, self._doc_head),
            r("PATCH", doc_path, self._doc_patch),
            r("POST", rf"{app_path}/commit", self._commit),
            r("GET", rf"/v1/kiosks/{KIOSK}/applications", self._pull),
            r("GET", rf"/v1/kiosks/{KIOSK}/ack", self._ack),
            r("POST", rf"/v1/kiosks/{KIOSK}/heartbeat", self._heartbeat),
            r("GET", r"/v1/data/(?P<kind>[a-z]{1,32})", self._data),
            r("POST", r"/v1/otp", self._otp),
            r("POST", r"/v1/otp/verify", self._otp_verify),
            r("POST", r"/v1/identity/vneid", self._vneid),
            r("POST", r"/v1/ratings", self._ratings),
            r("POST", bundle_path, self._bundle_create),
            r("HEAD", bundle_path, self._bundle_head),
            r("PATCH", bundle_path, self._bundle_patch),
            r("POST", rf"{bundle_path}/import", self._bundle_import),
            r("GET", rf"{bundle_path}/ack", self._bundle_ack),
        ]

    def _ping(self, _call: Call) -> Response:
        return empty(204, {
            h.GATEWAY_VERSION: GATEWAY_VERSION,
            h.MAX_CHUNK: str(self.limits.max_chunk),
            h.MAX_DOCUMENT: str(self.limits.max_document),
            h.TUS_EXTENSION: (f"creation,{h.CREATION_WITH_UPLOAD},checksum"
                              if self.limits.creation_with_upload else "creation,checksum"),
        })

    def _own_application(self, kiosk_id: str, application_id: str) -> None:
        if not is_application_id(application_id):
            refuse(404, ProblemCode.NOT_FOUND, False, "not an application id")
        owner = self.applications.owner(application_id)
        if owner is None:
            refuse(404, ProblemCode.NOT_FOUND, False, "no such application")
        if owner != kiosk_id:
            refuse(403, ProblemCode.FORBIDDEN, False, "another kiosk's application")

    def _put(self, c: Call) -> Response:
        if not is_application_id(c.p["app"]):
            refuse(404, ProblemCode.NOT_FOUND, False, "not an application id")
        owner = self.applications.owner(c.p["app"])
        if owner is not None and owner != c.kiosk_id:
            refuse(403, ProblemCode.FORBIDDEN, False, "another kiosk's application")
        return self.applications.put(c.kiosk_id, c.p["app"], c.req.body)

    def _status(self, c: Call) -> Response:
        self._own_application(c.kiosk_id, c.p["app"])
        return self.applications.status(c.p["app"])

    def _commit(self, c: Call) -> Response:
        self._own_application(c.kiosk_id, c.p["app"])
        return self.applications.commit(c.p["app"])

    def _doc_create(self, c: Call) -> Response:
        self._own_application(c.kiosk_id, c.p["app"])
        return self.uploads.create(
            c.req, doc_key(c.p["app"], c.p["doc"]), self.limits.max_document, declare=False,
            verify=self._doc_verifier(c.p["app"], c.p["doc"]),
        )

    def _doc_head(self, c: Call) -> Response:
        self._own_application(c.kiosk_id, c.p["app"])
        return self.uploads.head(doc_key(c.p["app"], c.p["doc"]))

    def _doc_patch(self, c: Call) -> Response:
        self._own_application(c.kiosk_id, c.p["app"])
        app, doc = c.p["app"], c.p["doc"]
        return self.uploads.patch(c.req, doc_key(app, doc), self._doc_verifier(app, doc))

    def _doc_verifier(self, app: str, doc: str) -> Callable[[Path], Response | None]:
        def verify(path: Path) -> Response | None:
            why = self.applications.verify_document(app, doc, path.read_bytes())
            return None if why is None else problem(422, ProblemCode.VALIDATION, False, why)

        return verify

    def _own_kiosk(self, kiosk_id: str, p: Mapping[str, str]) -> None:
        if p["kiosk"] != kiosk_id:
            refuse(403, ProblemCode.FORBIDDEN, False, "another kiosk's list")

    def _pull(self, c: Call) -> Response:
        self._own_kiosk(c.kiosk_id, c.p)
        return self.applications.pull(c.kiosk_id, c.req.query.get("cursor"), c.req.query.get("limit"))

    def _ack(self, c: Call) -> Response:
        self._own_kiosk(c.kiosk_id, c.p)
        return self.applications.ack(c.kiosk_id)

    def _heartbeat(self, c: Call) -> Response:
        self._own_kiosk(c.kiosk_id, c.p)
        response = self.heartbeats.receive(c.kiosk_id, c.req.body)
        self.metrics.heartbeats.inc()
        return response

    def _data(self, c: Call) -> Response:
        return self.data.get(c.p["kind"], c.req.query.get("have"))

    def _metrics(self, req: Request) -> Response:
        """Prometheus scrapes without a kiosk's signature: loopback and private networks only
        (a province's Prometheus sits beside the gateway or behind its reverse proxy)."""
        if req.method != "GET":
            return problem(405, ProblemCode.METHOD_NOT_ALLOWED, False, headers={"Allow": "GET"})
        try:
            client = ipaddress.ip_address(req.client_host.removeprefix("::ffff:"))
        except ValueError:
            client = None
        if client is None or not (client.is_loopback or client.is_private):
            return problem(403, ProblemCode.FORBIDDEN, False, "metrics are for the province's "
                           "own network")
        return self.metrics.response()

    def _otp(self, c: Call) -> Response:
        return self.citizens.request_otp(c.kiosk_id, _json(c.req))

    def _otp_verify(self, c: Call) -> Response:
        return self.citizens.verify_otp(c.kiosk_id, _json(c.req))

    def _vneid(self, c: Call) -> Response:
        return self.citizens.vneid(_json(c.req))

    def _ratings(self, c: Call) -> Response:
        return self.citizens.ratings(c.kiosk_id, _json(c.req))

    def _bundle_create(self, c: Call) -> Response:
        return self.bundles.create(c.req, c.p["bundle"], c.kiosk_id)

    def _bundle_head(self, c: Call) -> Response:
        return self.bundles.head(c.p["bundle"], c.kiosk_id)

    def _bundle_patch(self, c: Call) -> Response:
        return self.bundles.patch(c.req, c.p["bundle"], c.kiosk_id)

    def _bundle_import(self, c: Call) -> Response:
        return self.bundles.import_bundle(c.p["bundle"], c.kiosk_id)

    def _bundle_ack(self, c: Call) -> Response:
        return self.bundles.ack(c.p["bundle"], c.kiosk_id)


def _derived_secret(key: Ed25519PrivateKey, info: bytes) -> bytes:
    """A secret for one purpose, derived from the gateway's signing key (nothing new to keep)."""
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw)


def _json(req: Request) -> Mapping[str, object]:
    try:
        return parse_json_object(req.body)
    except MessageError as exc:
        refuse(400, ProblemCode.VALIDATION, False, str(exc))


def _kiosk(req: Request) -> str | None:
    kiosk_id = req.header(h.KIOSK_ID)
    return kiosk_id if kiosk_id and is_safe_id(kiosk_id) else None
