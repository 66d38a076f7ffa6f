"""PUT body building and strict parsing; problems; tus checksums; ACK signatures; times."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.protocol.bundle import bundle_dir_name, sign_ack, verify_ack
from sync.protocol.canonical import canonical_json
from sync.protocol.envelope import new_application_key, seal_document, seal_payload
from sync.protocol.messages import (
    ApplicationManifest,
    DocumentEntry,
    KioskCodeConfirmation,
    MessageError,
    OtpConfirmation,
    RatingItem,
    SealedPayload,
    parse_put_body,
)
from sync.protocol.problem import Problem, ProblemCode, ProblemFormatError
from sync.protocol.signing import SignatureError
from sync.protocol.times import format_utc, parse_utc
from sync.protocol.tus import checksum_header, checksum_header_from_hex, parse_checksum

APP = "0b7e6f4a-2c3d-4e5f-8a9b-0c1d2e3f4a5b"


def make_manifest() -> ApplicationManifest:
    k = new_application_key()
    gw = X25519PrivateKey.generate()
    sealed = seal_document(k, APP, "cccd", b"%PDF-1.4 x")
    payload = seal_payload(k, APP, {"identity": {}, "answers": {}, "documents_meta": []},
                           gw.public_key())
    return ApplicationManifest(
        application_id=APP, kiosk_id="KX-001", kiosk_seq=1, application_code="HN01-000017",
        procedure_code="1.001", catalog_version="2026.1",
        confirmed_at="2026-11-22T08:00:00Z",
        confirmation=OtpConfirmation("2026-11-22T07:59:40Z"),
        payload=SealedPayload(**payload),
        documents=(DocumentEntry("cccd", "identity_card", 2, len(sealed),
                                 hashlib.sha256(sealed).hexdigest()),),
    )


def test_body_hash_is_over_the_canonical_body_without_the_field() -> None:
    m = make_manifest()
    body = m.to_body()
    without = {k: v for k, v in body.items() if k != "manifest_sha256"}
    assert body["manifest_sha256"] == hashlib.sha256(canonical_json(without)).hexdigest()
    assert m.to_json() == canonical_json(body)
    assert parse_put_body(json.loads(m.to_json()), APP) == m


def test_kiosk_code_confirmation_roundtrips() -> None:
    m = make_manifest()
    body = m.to_body()
    body["confirmation"] = KioskCodeConfirmation("2026-11-22T08:00:01Z").to_dict()
    body["manifest_sha256"] = ApplicationManifest(
        **{**m.__dict__, "confirmation": KioskCodeConfirmation("2026-11-22T08:00:01Z")}
    ).manifest_sha256
    parsed = parse_put_body(body)
    assert parsed.confirmation == KioskCodeConfirmation("2026-11-22T08:00:01Z")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.update(extra=1), "$"),
        (lambda b: b.pop("kiosk_seq"), "$"),
        (lambda b: b.update(kiosk_seq=0), "kiosk_seq"),
        (lambda b: b.update(kiosk_seq=True), "kiosk_seq"),
        (lambda b: b.update(application_id=APP.upper()), "application_id"),
        (lambda b: b.update(kiosk_id="../etc"), "kiosk_id"),
        (lambda b: b.update(confirmed_at="2026-11-22 08:00:00"), "confirmed_at"),
        (lambda b: b.update(confirmation={"method": "sms"}), "confirmation.method"),
        (lambda b: b["payload"].update(alg="RSA"), "payload.alg"),
        (lambda b: b["documents"][0].update(sha256="AB" * 32), "documents[0].sha256"),
        (lambda b: b["documents"][0].update(doc_id="a/b"), "documents[0].doc_id"),
        (lambda b: b["documents"][0].update(size=3), "documents[0].size"),
        (lambda b: b["documents"].append(dict(b["documents"][0])), "documents"),
        (lambda b: b.update(procedure_code="1.002"), "manifest_sha256"),
    ],
)
def test_parser_names_the_bad_field(mutate: object, field: str) -> None:
    body = json.loads(make_manifest().to_json())
    mutate(body)  # type: ignore[operator]
    with pytest.raises(MessageError) as info:
        parse_put_body(body)
    assert info.value.field == field


def test_parser_checks_the_url_id() -> None:
    body = json.loads(make_manifest().to_json())
    with pytest.raises(MessageError, match="URL"):
        parse_put_body(body, "11111111-2222-4333-8444-555555555555")


def test_rating_items() -> None:
    item = RatingItem("r1", "2026-11-22T08:00:00Z", "1.001", 3)
    assert RatingItem.from_dict(item.to_dict()) == item
    with pytest.raises(MessageError):
        RatingItem.from_dict({**item.to_dict(), "score": 4})


def test_problem_json_roundtrip() -> None:
    p = Problem(409, ProblemCode.IN_PROGRESS, "In progress", retryable=True, detail="busy")
    raw = p.to_json()
    obj = json.loads(raw)
    assert obj == {"type": "urn:dvc-kiosk:problem:in_progress", "title": "In progress",
                   "status": 409, "code": "in_progress", "retryable": True, "detail": "busy"}
    assert Problem.from_json(raw) == p
    missing = Problem(409, "documents_missing", "Missing", retryable=True,
                      missing_documents=("cccd", "birth"))
    assert json.loads(missing.to_json())["missing_documents"] == ["cccd", "birth"]
    assert Problem.from_json(missing.to_json()) == missing
    with pytest.raises(ProblemFormatError):
        Problem.from_json(b"<html>")
    with pytest.raises(ProblemFormatError):
        Problem.from_json(b'{"status": 500}')


def test_tus_checksums() -> None:
    data = b"chunk of bytes"
    digest = hashlib.sha256(data).digest()
    assert checksum_header(data) == "sha256 " + base64.b64encode(digest).decode()
    assert checksum_header_from_hex(digest.hex()) == checksum_header(data)
    assert parse_checksum(checksum_header(data)) == digest
    for bad in ("md5 abc=", "sha256 !!!", "sha256 " + base64.b64encode(b"short").decode()):
        with pytest.raises(ValueError, match=r"."):
            parse_checksum(bad)


def test_ack_signature_is_over_canonical_json_without_signature() -> None:
    key = Ed25519PrivateKey.generate()
    ack = {"bundle_id": bundle_dir_name("KX-001", 1, 3), "kiosk_id": "KX-001",
           "signed_at": "2026-11-22T08:00:00Z", "items": []}
    signed = sign_ack(key, ack)
    assert signed["bundle_id"] == "dvc-bundle-KX-001-1-3"
    key.public_key().verify(base64.b64decode(str(signed["signature"])), canonical_json(ack))
    verify_ack(key.public_key(), signed)
    with pytest.raises(SignatureError):
        verify_ack(key.public_key(), {**signed, "kiosk_id": "KX-002"})
    with pytest.raises(SignatureError):
        verify_ack(key.public_key(), ack)


def test_times() -> None:
    moment = datetime(2026, 11, 22, 15, 4, 5, 999, tzinfo=timezone(timedelta(hours=7)))
    assert format_utc(moment) == "2026-11-22T08:04:05Z"
    assert format_utc(0) == "1970-01-01T00:00:00Z"
    assert parse_utc("2026-11-22T08:04:05Z") == datetime(2026, 11, 22, 8, 4, 5, tzinfo=UTC)
    for bad in ("2026-11-22T08:04:05+00:00", "2026-11-22T08:04:05.1Z", "2026-13-01T00:00:00Z"):
        with pytest.raises(ValueError, match=r"."):
            parse_utc(bad)
    with pytest.raises(ValueError, match="naive"):
        format_utc(datetime(2026, 1, 1))
