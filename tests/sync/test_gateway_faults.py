"""Scripted fault mode and the loopback control surface."""

from __future__ import annotations

import pytest
import requests

from sync.gateway import Fault, FaultKind, RunningGateway
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    TestKiosk,
    push,
    seal_application,
)


@pytest.mark.parametrize(
    ("status", "code", "retryable", "retry_after"),
    [
        (409, "in_progress", True, None),
        (422, "validation", False, None),
        (429, "rate_limited", True, "1"),
        (500, "internal", True, None),
        (503, "unavailable", True, "1"),
        (413, "chunk_too_large", True, None),
        (460, "checksum_mismatch", True, None),
        (404, "not_found", False, None),
        (410, "upload_gone", False, None),
    ],
)
def test_canned_answers_are_signed_problems_and_do_nothing(  # noqa: PLR0917
    gateway: RunningGateway,
    kiosk: TestKiosk,
    status: int,
    code: str,
    retryable: bool,
    retry_after: str | None,
) -> None:
    app = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1)
    gateway.control.script(Fault.answer(status, method="PUT"))
    r = kiosk.call("PUT", f"/v1/applications/{app.id}", app.body)
    assert (r.status, r.code, r.obj()["retryable"], r.signed) == (status, code, retryable, True)
    assert r.headers.get("Retry-After") == retry_after
    assert gateway.control.applications() == []
    assert kiosk.call("PUT", f"/v1/applications/{app.id}", app.body).status == 201
    assert gateway.control.pending_faults() == ()


def test_retry_after_and_code_can_be_chosen(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    gateway.control.script(Fault.answer(503, retry_after=120),
                           Fault.answer(422, code="manifest_conflict"))
    r = kiosk.call("GET", "/v1/kiosks/KX-001/ack")
    assert (r.status, r.headers["Retry-After"]) == (503, "120")
    r = kiosk.call("GET", "/v1/kiosks/KX-001/ack")
    assert (r.status, r.code) == (422, "manifest_conflict")
    assert kiosk.call("GET", "/v1/kiosks/KX-001/ack").status == 200


def test_script_of_201_then_200_replay(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    a = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1)
    b = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 2)
    gateway.control.script(Fault.passthrough(method="PUT"), Fault.replay(method="PUT"))
    assert kiosk.call("PUT", f"/v1/applications/{a.id}", a.body).status == 201
    replayed = kiosk.call("PUT", f"/v1/applications/{b.id}", b.body)
    assert (replayed.status, replayed.signed) == (200, True)  # first arrival answered as replay
    assert len(gateway.control.applications()) == 2


def test_lost_answer_then_replay_is_exactly_once(
    gateway: RunningGateway, kiosk: TestKiosk
) -> None:
    app = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1)
    gateway.control.script(Fault.drop_response(method="PUT"))
    with pytest.raises(requests.ConnectionError):
        kiosk.call("PUT", f"/v1/applications/{app.id}", app.body)
    assert len(gateway.control.applications()) == 1  # it was handled
    assert kiosk.call("PUT", f"/v1/applications/{app.id}", app.body).status == 200
    gateway.control.script(Fault.drop_response(path="/commit$"))
    with pytest.raises(requests.ConnectionError):
        push(kiosk, app)
    assert push(kiosk, app).status == 202
    assert [a.committed for a in gateway.control.applications()] == [True]


def test_captive_portal_answers_unsigned_html(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    gateway.control.script(Fault.captive_portal())
    r = kiosk.call("GET", "/v1/ping", sign=False)
    assert r.status == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert "X-Gateway-Signature" not in r.headers
    assert not r.signed
    assert kiosk.call("GET", "/v1/ping", sign=False).signed


def test_wrongly_signed_answer_is_detected(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    gateway.control.script(Fault.bad_signature(path="/ack$"))
    r = kiosk.call("GET", "/v1/kiosks/KX-001/ack")
    assert r.status == 200
    assert "X-Gateway-Signature" in r.headers
    assert not r.signed


def test_faults_match_method_and_path_and_wait_their_turn(
    gateway: RunningGateway, kiosk: TestKiosk
) -> None:
    gateway.control.script(Fault.answer(500, method="POST", path="/commit$"))
    assert kiosk.call("GET", "/v1/ping").status == 204
    assert kiosk.call("GET", "/v1/kiosks/KX-001/ack").status == 200
    assert len(gateway.control.pending_faults()) == 1
    app = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1, docs={})
    kiosk.call("PUT", f"/v1/applications/{app.id}", app.body)
    assert kiosk.call("POST", f"/v1/applications/{app.id}/commit").status == 500
    assert kiosk.call("POST", f"/v1/applications/{app.id}/commit").status == 202
    used = gateway.control.used_faults()
    assert [(m, p) for m, p, _ in used] == [("POST", f"/v1/applications/{app.id}/commit")]
    statuses = [(r.method, r.status) for r in gateway.control.requests()]
    assert statuses[-2:] == [("POST", 500), ("POST", 202)]


def test_control_over_http_is_loopback_json(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    with requests.Session() as s:
        s.headers["X-Control-Token"] = gateway.control_token
        r = s.post(f"{gateway.url}/_control/faults", json={"faults": [
            {"kind": "status", "status": 503, "retry_after": 9, "method": "GET"},
            {"kind": "captive_portal"},
        ]}, timeout=10)
        assert r.status_code == 200
        assert [f["kind"] for f in r.json()["faults"]] == ["status", "captive_portal"]
        assert kiosk.call("GET", "/v1/ping").headers["Retry-After"] == "9"
        assert not kiosk.call("GET", "/v1/ping").signed
        bad = s.post(f"{gateway.url}/_control/faults", json={"faults": [{"status": 299}]},
                     timeout=10)
        assert (bad.status_code, bad.json()["code"]) == (422, "validation")
        s.post(f"{gateway.url}/_control/faults", json={"faults": [{"kind": "drop_response"}]},
               timeout=10)
        assert s.delete(f"{gateway.url}/_control/faults", timeout=10).json() == {"faults": []}
        keys = s.get(f"{gateway.url}/_control/keys", timeout=10).json()
        assert keys == {"signing": gateway.public_keys.signing_b64,
                        "encryption": gateway.public_keys.encryption_b64}
        app = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, 1, docs={})
        assert push(kiosk, app).status == 202
        r = s.post(f"{gateway.url}/_control/applications/{app.id}/state",
                   json={"state": "ready_for_pickup", "note_vi": "Mời nhận kết quả"}, timeout=10)
        assert (r.status_code, r.json()["state"]) == (200, "ready_for_pickup")
        listed = s.get(f"{gateway.url}/_control/applications", timeout=10).json()["items"]
        assert [i["application_id"] for i in listed] == [app.id]
        bad_state = s.post(f"{gateway.url}/_control/applications/{app.id}/state",
                           json={"state": "teleported"}, timeout=10)
        assert bad_state.status_code == 422
        assert s.get(f"{gateway.url}/_control/nothing", timeout=10).status_code == 404


def test_fault_kinds_round_trip_through_json() -> None:
    for fault in (Fault.answer(429, method="PUT", path="x"), Fault.captive_portal(),
                  Fault.replay(), Fault.drop_response(), Fault.bad_signature(),
                  Fault.passthrough(method="GET")):
        assert Fault.from_dict(fault.to_dict()) == fault
    assert Fault.answer(503).retry_after == 1
    assert Fault.answer(500).retry_after is None
    assert {k.value for k in FaultKind} >= {"status", "captive_portal"}
    with pytest.raises(ValueError, match="status"):
        Fault.from_dict({"kind": "status", "status": 201})


def test_control_over_http_for_testers(gateway: RunningGateway, clock: FakeClock) -> None:
    from sync.protocol.keys import generate_signing_key, public_key_b64

    key = generate_signing_key()
    app_id = "0b7e6f4a-2c3d-4e5f-8a9b-0c1d2e3f4a5b"
    identity = {"citizen_id": "001090001234", "full_name": "Phạm Văn Đức",
                "date_of_birth": "1985-01-02", "gender": "Nam", "address": "Hà Nội"}
    with requests.Session() as s:
        s.headers["X-Control-Token"] = gateway.control_token
        base = f"{gateway.url}/_control"
        r = s.post(f"{base}/kiosks", json={"kiosk_id": "KX-050", "public_key": public_key_b64(key)},
                   timeout=10)
        assert r.status_code == 201
        bad = s.post(f"{base}/kiosks", json={"kiosk_id": "KX-051", "public_key": "AAAA"},
                     timeout=10)
        assert bad.status_code == 422
        assert s.post(f"{base}/vneid", json={"token": "t-9", "identity": identity},
                      timeout=10).status_code == 201
        assert s.get(f"{base}/otp/{app_id}", timeout=10).status_code == 404
    kiosk = TestKiosk(gateway.url, gateway.public_keys.signing_b64, clock, "KX-050", key)
    try:
        assert kiosk.json_call("POST", "/v1/identity/vneid", {"token": "t-9"}).obj() == identity
        kiosk.json_call("POST", "/v1/otp", {"application_id": app_id, "citizen_id": "1"})
        with requests.Session() as s:
            s.headers["X-Control-Token"] = gateway.control_token
            code = s.get(f"{gateway.url}/_control/otp/{app_id}", timeout=10).json()["code"]
        verified = kiosk.json_call("POST", "/v1/otp/verify", {"application_id": app_id,
                                                             "code": code})
        assert verified.status == 200
    finally:
        kiosk.close()
