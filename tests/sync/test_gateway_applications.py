"""PUT / commit / status / pull-back / ACK against the real gateway over loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from sync.gateway import RunningGateway
from sync.protocol.canonical import canonical_json
from sync.protocol.envelope import seal_payload
from sync.protocol.keys import b64encode, generate_encryption_key
from sync.protocol.messages import SealedPayload
from sync.protocol.signing import http_date, sign_request
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    SealedApplication,
    TestKiosk,
    push,
    registered_kiosk,
    seal_application,
    upload_all,
)


def _seal(
    gateway: RunningGateway,
    seq: int,
    kiosk_id: str = "KX-001",
    *,
    docs: Mapping[str, bytes] | None = None,
    application_id: str | None = None,
    procedure_code: str = "1.001",
) -> SealedApplication:
    return seal_application(gateway.public_keys.encryption_b64, kiosk_id, seq, docs,
                            application_id=application_id, procedure_code=procedure_code)


def test_ping_unsigned_is_answered_signed_with_limits(kiosk: TestKiosk, clock: FakeClock) -> None:
    r = kiosk.call("GET", "/v1/ping", sign=False)
    assert r.status == 204
    assert r.signed
    assert r.headers["X-Max-Chunk"] == str(1024 * 1024)
    assert int(r.headers["X-Max-Document"]) >= 1024 * 1024
    assert r.headers["X-Gateway-Version"]
    assert r.headers["Date"] == http_date(clock())
    assert r.headers["Content-Length"] == "0"


def test_requests_need_a_known_kiosk_and_a_good_signature(
    gateway: RunningGateway, kiosk: TestKiosk, clock: FakeClock
) -> None:
    target = "/v1/kiosks/KX-001/ack"
    unsigned = kiosk.call("GET", target, sign=False)
    assert (unsigned.status, unsigned.code, unsigned.signed) == (401, "bad_signature", True)
    assert unsigned.headers["Content-Type"] == "application/problem+json"
    stranger = TestKiosk(gateway.url, gateway.public_keys.signing_b64, clock, "KX-999")
    try:
        r = stranger.call("GET", "/v1/kiosks/KX-999/ack")
        assert (r.status, r.code, r.signed) == (401, "kiosk_unknown", True)
        assert r.obj()["retryable"] is False
    finally:
        stranger.close()
    forged = kiosk.call("GET", target, headers={"Content-SHA256": "0" * 64})
    assert (forged.status, forged.code) == (401, "bad_signature")
    # A Date that is no HTTP-date is the kiosk's bug, not its clock: not retryable.
    key_only = sign_request(kiosk.key, "KX-001", "GET", target, b"", now=clock())
    mangled = {**key_only, "Date": "yesterday"}
    mangled["X-Kiosk-Signature"] = b64encode(kiosk.key.sign(
        f"GET\n{target}\nyesterday\n{key_only['Content-SHA256']}".encode()))
    r = kiosk.call("GET", target, sign=False, headers=mangled)
    assert (r.status, r.code, r.obj()["retryable"]) == (401, "bad_signature", False)
    assert kiosk.call("GET", target).status == 200


@pytest.mark.parametrize("skew", [-901.0, 901.0, -7200.0])
def test_clock_skew_is_refused_retryably_and_tells_the_time(
    kiosk: TestKiosk, clock: FakeClock, skew: float
) -> None:
    r = kiosk.call("GET", "/v1/kiosks/KX-001/ack", skew_s=skew)
    assert (r.status, r.code, r.signed) == (401, "clock_skew", True)
    assert r.obj()["retryable"] is True
    assert r.headers["Date"] == http_date(clock())


@pytest.mark.parametrize("skew", [-899.0, 899.0])
def test_small_skew_is_accepted(kiosk: TestKiosk, skew: float) -> None:
    assert kiosk.call("GET", "/v1/kiosks/KX-001/ack", skew_s=skew).status == 200


def test_put_first_then_identical_replay_then_conflict(
    gateway: RunningGateway, kiosk: TestKiosk
) -> None:
    app = _seal(gateway, 1)
    first = kiosk.call("PUT", f"/v1/applications/{app.id}", app.body)
    assert (first.status, first.signed) == (201, True)
    body = first.obj()
    assert body["application_id"] == app.id
    assert body["state"] == "pending"
    assert sorted(body["missing_documents"]) == ["birth", "cccd"]
    replay = kiosk.call("PUT", f"/v1/applications/{app.id}", app.body)
    assert replay.status == 200
    assert replay.obj() == body
    other = _seal(gateway, 1, application_id=app.id, procedure_code="1.002")
    conflict = kiosk.call("PUT", f"/v1/applications/{app.id}", other.body)
    assert (conflict.status, conflict.code) == (422, "manifest_conflict")
    assert conflict.obj()["retryable"] is False
    assert [a.manifest_sha256 for a in gateway.control.applications()] == [
        app.manifest.manifest_sha256
    ]


def test_replay_answers_the_current_state_not_a_stale_copy(
    gateway: RunningGateway, kiosk: TestKiosk
) -> None:
    app = _seal(gateway, 1)
    assert push(kiosk, app).status == 202
    gateway.control.set_state(app.id, "processing", "Đang xử lý")
    replay = kiosk.call("PUT", f"/v1/applications/{app.id}", app.body)
    assert replay.status == 200
    assert replay.obj()["state"] == "processing"
    assert replay.obj()["missing_documents"] == []


def test_put_and_commit_while_the_application_is_busy_are_409_in_progress(
    gateway: RunningGateway, kiosk: TestKiosk
) -> None:
    app = _seal(gateway, 1, docs={})
    with gateway.control.hold_application(app.id):
        r = kiosk.call("PUT", f"/v1/applications/{app.id}", app.body)
        assert (r.status, r.code, r.obj()["retryable"], r.signed) == (
            409, "in_progress", True, True)
    assert gateway.control.applications() == []
    assert kiosk.call("PUT", f"/v1/applications/{app.id}", app.body).status == 201
    with gateway.control.hold_application(app.id):
        c = kiosk.call("POST", f"/v1/applications/{app.id}/commit")
        assert (c.status, c.code) == (409, "in_progress")
    assert kiosk.call("POST", f"/v1/applications/{app.id}/commit").status == 202


def test_put_validation(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    app = _seal(gateway, 1)
    url = f"/v1/applications/{app.id}"
    not_json = kiosk.call("PUT", url, b"{nope")
    assert (not_json.status, not_json.code) == (400, "validation")
    body = app.manifest.to_body()
    body["kiosk_seq"] = 0
    bad = kiosk.call("PUT", url, canonical_json(body))
    assert (bad.status, bad.code) == (422, "validation")
    assert "kiosk_seq" in str(bad.obj()["detail"])
    elsewhere = kiosk.call("PUT", "/v1/applications/00000000-0000-4000-8000-000000000000",
                           app.body)
    assert (elsewhere.status, elsewhere.code) == (422, "validation")
    foreign = _seal(gateway, 1, kiosk_id="KX-002")
    r = kiosk.call("PUT", f"/v1/applications/{foreign.id}", foreign.body)
    assert (r.status, r.code) == (403, "forbidden")
    assert gateway.control.applications() == []


def test_payload_that_does_not_open_is_422(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    app = _seal(gateway, 1)
    k = b"\x01" * 32
    alien = seal_payload(k, app.id, app.plaintext, generate_encryption_key().public_key())
    from dataclasses import replace

    manifest = replace(app.manifest, payload=SealedPayload(**alien))
    r = kiosk.call("PUT", f"/v1/applications/{app.id}", manifest.to_json())
    assert (r.status, r.code, r.obj()["retryable"]) == (422, "validation", False)
    assert "payload" in str(r.obj()["detail"])


def test_kiosk_seq_is_unique_per_kiosk(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    a, b = _seal(gateway, 5), _seal(gateway, 5)
    assert kiosk.call("PUT", f"/v1/applications/{a.id}", a.body).status == 201
    r = kiosk.call("PUT", f"/v1/applications/{b.id}", b.body)
    assert (r.status, r.code) == (422, "validation")


def test_commit_names_missing_documents_then_receives(
    gateway: RunningGateway, kiosk: TestKiosk, clock: FakeClock
) -> None:
    app = _seal(gateway, 1)
    commit = f"/v1/applications/{app.id}/commit"
    assert kiosk.call("POST", commit).status == 404
    assert kiosk.call("PUT", f"/v1/applications/{app.id}", app.body).status == 201
    missing = kiosk.call("POST", commit)
    assert (missing.status, missing.code, missing.obj()["retryable"]) == (
        409, "documents_missing", True)
    assert sorted(missing.obj()["missing_documents"]) == ["birth", "cccd"]
    record = gateway.control.application(app.id)
    assert record is not None
    assert record.state == "pending"
    upload_all(kiosk, app)
    clock.advance(60)
    done = kiosk.call("POST", commit)
    assert (done.status, done.signed) == (202, True)
    receipt = done.obj()
    assert receipt["state"] == "received"
    assert str(receipt["receipt_no"]).startswith("GW-")
    again = kiosk.call("POST", commit)
    assert (again.status, again.obj()) == (202, receipt)
    assert gateway.control.opened_payload(app.id) == app.plaintext
    for doc_id, pdf in app.plain_documents.items():
        assert gateway.control.open_document(app.id, doc_id) == pdf


def test_application_without_documents_commits(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    app = _seal(gateway, 1, docs={})
    assert push(kiosk, app).status == 202


def test_status_and_history_follow_the_back_office(
    gateway: RunningGateway, kiosk: TestKiosk, clock: FakeClock
) -> None:
    app = _seal(gateway, 1)
    assert push(kiosk, app).status == 202
    clock.advance(3600)
    gateway.control.set_state(app.id, "needs_more_documents", "Bổ sung giấy khai sinh")
    r = kiosk.call("GET", f"/v1/applications/{app.id}")
    assert r.status == 200
    body = r.obj()
    assert body["state"] == "needs_more_documents"
    assert [h["state"] for h in body["history"]] == [
        "received", "needs_more_documents"]
    assert body["history"][1]["note_vi"] == "Bổ sung giấy khai sinh"
    assert body["updated_at"] == body["history"][1]["at"]
    assert "Bổ sung".encode() in r.body  # raw UTF-8
    with pytest.raises(ValueError, match="received"):
        gateway.control.set_state(app.id, "pending")


def test_other_kiosks_cannot_read_or_commit(
    gateway: RunningGateway, kiosk: TestKiosk, clock: FakeClock
) -> None:
    app = _seal(gateway, 1)
    assert push(kiosk, app).status == 202
    with registered_kiosk(gateway, clock, "KX-002") as other:
        assert other.call("GET", f"/v1/applications/{app.id}").code == "forbidden"
        assert other.call("POST", f"/v1/applications/{app.id}/commit").code == "forbidden"
        assert other.call("PUT", f"/v1/applications/{app.id}", app.body).code == "forbidden"
        assert other.call("GET", "/v1/kiosks/KX-001/ack").code == "forbidden"
        assert other.call("GET", "/v1/kiosks/KX-002/ack").obj()["highest_contiguous_seq"] == 0


def test_pull_back_by_opaque_cursor(
    gateway: RunningGateway, kiosk: TestKiosk, clock: FakeClock
) -> None:
    apps = [_seal(gateway, seq, docs={}) for seq in range(1, 6)]
    for app in apps:
        assert push(kiosk, app).status == 202
    pending = _seal(gateway, 6, docs={"x": b"pdf"})
    kiosk.call("PUT", f"/v1/applications/{pending.id}", pending.body)  # not committed: unseen
    base = "/v1/kiosks/KX-001/applications"
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        target = f"{base}?limit=2" + (f"&cursor={cursor}" if cursor else "")
        r = kiosk.call("GET", target)
        assert (r.status, r.signed) == (200, True)
        items = r.obj()["items"]
        assert isinstance(items, list)
        assert r.obj()["next_cursor"]
        cursor = r.obj()["next_cursor"]
        if not items:
            break
        assert len(items) <= 2
        seen.extend(i["application_id"] for i in items)
    assert seen == [a.id for a in apps]
    assert "17" not in str(cursor)  # opaque: not a number, not a timestamp
    clock.advance(10)
    gateway.control.set_state(apps[2].id, "ready_for_pickup", "Mời đến nhận kết quả")
    r = kiosk.call("GET", f"{base}?cursor={cursor}")
    assert r.obj()["items"] == [{"application_id": apps[2].id, "state": "ready_for_pickup",
                                 "updated_at": r.obj()["items"][0]["updated_at"],
                                 "note_vi": "Mời đến nhận kết quả"}]
    end = kiosk.call("GET", f"{base}?cursor={r.obj()['next_cursor']}")
    assert end.obj()["items"] == []
    assert end.obj()["next_cursor"] == r.obj()["next_cursor"]
    assert kiosk.call("GET", f"{base}?cursor=garbage!").code == "validation"
    assert kiosk.call("GET", f"{base}?limit=0").code == "validation"
    assert kiosk.call("GET", f"{base}?limit=1001").code == "validation"


def test_ack_reports_highest_contiguous_and_gaps(
    gateway: RunningGateway, kiosk: TestKiosk
) -> None:
    target = "/v1/kiosks/KX-001/ack"
    assert kiosk.call("GET", target).obj() == {"highest_contiguous_seq": 0, "missing_seqs": []}
    for seq in (1, 2, 4, 7):
        assert push(kiosk, _seal(gateway, seq, docs={})).status == 202
    pending = _seal(gateway, 3, docs={"d": b"x"})
    kiosk.call("PUT", f"/v1/applications/{pending.id}", pending.body)  # not committed
    assert kiosk.call("GET", target).obj() == {"highest_contiguous_seq": 2,
                                               "missing_seqs": [3, 5, 6]}


def test_unknown_routes_and_methods(kiosk: TestKiosk) -> None:
    r = kiosk.call("GET", "/v1/nothing")
    assert (r.status, r.code, r.signed) == (404, "not_found", True)
    r = kiosk.call("DELETE", "/v1/ping")
    assert (r.status, r.signed) == (405, True)
    assert "GET" in r.headers["Allow"]
    r = kiosk.call("GET", "/v1/applications/not-a-uuid")
    assert r.status == 404
    assert json.loads(r.body)["type"] == "urn:dvc-kiosk:problem:not_found"
