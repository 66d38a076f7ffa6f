"""Helpers for talking to the reference gateway as a real kiosk would, over loopback HTTP.

``TestKiosk`` signs every request with its own Ed25519 key and checks the gateway's signature
on every answer (``SignedResponse.signed``), so tests see exactly what the agent will see.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.gateway import RunningGateway, start_gateway
from sync.gateway.limits import GatewayLimits
from sync.gateway.storage import StorageConfig
from sync.protocol.canonical import canonical_json
from sync.protocol.envelope import new_application_key, seal_document, seal_payload
from sync.protocol.keys import (
    ed25519_public_from_b64,
    generate_signing_key,
    public_key_b64,
    x25519_public_from_b64,
)
from sync.protocol.messages import (
    ApplicationManifest,
    DocumentEntry,
    OtpConfirmation,
    SealedPayload,
)
from sync.protocol.signing import response_is_signed, sign_request
from sync.protocol.tus import checksum_header, checksum_header_from_hex
from tests.fakes import FakeClock

START = 1_795_000_000.0  # 2026-11-18, a fixed start for injected clocks
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class SignedResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes
    signed: bool

    def json(self) -> object:
        return json.loads(self.body)

    def obj(self) -> dict[str, Any]:
        """The JSON object body (Any: tests index into it freely)."""
        value = self.json()
        assert isinstance(value, dict)
        return value

    @property
    def code(self) -> object:
        return self.obj().get("code")


_DATES_LOCK = threading.Lock()  # a repeat's later Date, also across threads


@dataclass
class TestKiosk:
    base_url: str
    gateway_signing_b64: str
    clock: FakeClock
    kiosk_id: str = "KX-001"
    key: Ed25519PrivateKey = field(default_factory=generate_signing_key)
    session: requests.Session = field(default_factory=requests.Session)
    last_dates: dict[tuple[str, str, str], float] = field(default_factory=dict)

    __test__ = False  # not a pytest class

    @property
    def public_b64(self) -> str:
        return public_key_b64(self.key)

    def close(self) -> None:
        self.session.close()

    def call(
        self,
        method: str,
        target: str,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        *,
        sign: bool = True,
        skew_s: float = 0.0,
    ) -> SignedResponse:
        all_headers: dict[str, str] = {}
        if sign:
            # a repeat of the same request is dated a second later, as the real client does
            # (the gateway refuses a signed request it has already seen)
            # (two TestKiosks sharing ``last_dates`` are one kiosk talking to two processes)
            key = (method, target, hashlib.sha256(body).hexdigest())
            with _DATES_LOCK:
                now = float(int(self.clock() + skew_s))
                if key in self.last_dates and now <= self.last_dates[key]:
                    now = self.last_dates[key] + 1
                self.last_dates[key] = now
            all_headers.update(
                sign_request(self.key, self.kiosk_id, method, target, body, now=now)
            )
        all_headers.update(headers or {})
        r = self.session.request(
            method, self.base_url + target, data=body, headers=all_headers, timeout=TIMEOUT_S
        )
        content = r.content
        signed = response_is_signed(
            ed25519_public_from_b64(self.gateway_signing_b64),
            status=r.status_code,
            method=method,
            target=target,
            request_body=body,
            headers=r.headers,
            body=content,
        )
        return SignedResponse(r.status_code, dict(r.headers), content, signed)

    def json_call(self, method: str, target: str, obj: object) -> SignedResponse:
        return self.call(method, target, canonical_json(obj),
                         {"Content-Type": "application/json"})


@dataclass(frozen=True)
class SealedApplication:
    manifest: ApplicationManifest
    documents: dict[str, bytes]  # doc_id -> encrypted bytes
    plain_documents: dict[str, bytes]
    plaintext: dict[str, object]

    @property
    def id(self) -> str:
        return self.manifest.application_id

    @property
    def body(self) -> bytes:
        return self.manifest.to_json()


def seal_application(
    gateway_encryption_b64: str,
    kiosk_id: str,
    seq: int,
    docs: Mapping[str, bytes] | None = None,
    *,
    application_id: str | None = None,
    procedure_code: str = "1.001",
) -> SealedApplication:
    """Seal an application as the kiosk does, with fake PDF documents."""
    app_id = application_id or str(uuid.uuid4())
    docs = docs if docs is not None else {"cccd": b"%PDF-1.4 CCCD " * 50,
                                          "birth": b"%PDF-1.4 birth " * 300}
    k = new_application_key()
    sealed = {doc_id: seal_document(k, app_id, doc_id, pdf) for doc_id, pdf in docs.items()}
    plaintext: dict[str, object] = {
        "identity": {"citizen_id": "001090001234", "full_name": "Nguyễn Văn An"},
        "answers": {"reason": "Đăng ký khai sinh"},
        "documents_meta": [{"doc_id": d, "pages": 1} for d in docs],
    }
    payload = seal_payload(k, app_id, plaintext, x25519_public_from_b64(gateway_encryption_b64))
    manifest = ApplicationManifest(
        application_id=app_id,
        kiosk_id=kiosk_id,
        kiosk_seq=seq,
        application_code=f"HN01-{seq:06d}",
        procedure_code=procedure_code,
        catalog_version="2026.1",
        confirmed_at="2026-11-18T08:00:00Z",
        confirmation=OtpConfirmation("2026-11-18T07:59:30Z"),
        payload=SealedPayload(**payload),
        documents=tuple(
            DocumentEntry(doc_id, "scan", 1, len(data), hashlib.sha256(data).hexdigest())
            for doc_id, data in sealed.items()
        ),
    )
    return SealedApplication(manifest, sealed, dict(docs), plaintext)


def doc_target(app_id: str, doc_id: str) -> str:
    return f"/v1/applications/{app_id}/documents/{doc_id}"


def create_upload(kiosk: TestKiosk, app: SealedApplication, doc_id: str) -> SignedResponse:
    entry = app.manifest.document(doc_id)
    assert entry is not None
    return kiosk.call("POST", doc_target(app.id, doc_id), headers={
        "Upload-Length": str(entry.size),
        "Upload-Checksum-Full": checksum_header_from_hex(entry.sha256),
    })


def patch_chunk(
    kiosk: TestKiosk, target: str, offset: int, chunk: bytes, checksum: str | None = None
) -> SignedResponse:
    return kiosk.call("PATCH", target, chunk, headers={
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": str(offset),
        "Upload-Checksum": checksum or checksum_header(chunk),
    })


def upload_all(
    kiosk: TestKiosk, app: SealedApplication, chunk_size: int = 4096
) -> list[SignedResponse]:
    """Create (or resume) and upload every document; returns the last answer of each."""
    last = []
    for doc_id, data in app.documents.items():
        created = create_upload(kiosk, app, doc_id)
        assert created.status == 201
        response = created
        for offset in range(int(created.headers["Upload-Offset"]), len(data), chunk_size):
            response = patch_chunk(kiosk, doc_target(app.id, doc_id), offset,
                                   data[offset:offset + chunk_size])
            assert response.status == 204, response.body
        last.append(response)
    return last


def push(kiosk: TestKiosk, app: SealedApplication) -> SignedResponse:
    """PUT, upload everything, commit: the happy path of one application."""
    assert kiosk.call("PUT", f"/v1/applications/{app.id}", app.body).status in (200, 201)
    upload_all(kiosk, app)
    return kiosk.call("POST", f"/v1/applications/{app.id}/commit")


@contextmanager
def running_gateway(
    data_dir: Path, clock: FakeClock, limits: GatewayLimits | None = None,
    storage: StorageConfig | None = None,
) -> Iterator[RunningGateway]:
    gateway = start_gateway(data_dir, clock=clock, limits=limits, storage=storage)
    try:
        yield gateway
    finally:
        gateway.stop()


@contextmanager
def registered_kiosk(
    gateway: RunningGateway, clock: FakeClock, kiosk_id: str = "KX-001"
) -> Iterator[TestKiosk]:
    kiosk = TestKiosk(gateway.url, gateway.public_keys.signing_b64, clock, kiosk_id)
    gateway.control.register_kiosk(kiosk_id, kiosk.public_b64)
    try:
        yield kiosk
    finally:
        kiosk.close()
