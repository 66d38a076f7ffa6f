"""OTP, VNeID login and ratings against the real gateway."""

from __future__ import annotations

import uuid

from sync.gateway import RunningGateway
from sync.protocol.times import format_utc
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    TestKiosk,
)

IDENTITY = {"citizen_id": "001090001234", "full_name": "Lê Thị Hồng",
            "date_of_birth": "1990-02-28", "gender": "Nữ", "address": "Xã Yên Sở, Hà Nội"}


def _request(kiosk: TestKiosk, app_id: str) -> None:
    r = kiosk.json_call("POST", "/v1/otp", {"application_id": app_id, "citizen_id": "001090001234"})
    assert (r.status, r.signed) == (202, True)
    assert r.obj()["expires_at"] == format_utc(kiosk.clock() + 300)


def _verify(kiosk: TestKiosk, app_id: str, code: str):  # type: ignore[no-untyped-def]
    return kiosk.json_call("POST", "/v1/otp/verify", {"application_id": app_id, "code": code})


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_otp_round_trip(gateway: RunningGateway, kiosk: TestKiosk, clock: FakeClock) -> None:
    app_id = str(uuid.uuid4())
    _request(kiosk, app_id)
    code = gateway.control.otp_code(app_id)
    assert code is not None
    assert len(code) == 6
    assert code.isdigit()
    clock.advance(30)
    ok = _verify(kiosk, app_id, code)
    assert (ok.status, ok.obj()) == (200, {"verified_at": format_utc(clock())})
    clock.advance(5)
    assert _verify(kiosk, app_id, code).obj() == ok.obj()  # a lost answer can be asked again


def test_wrong_codes_then_lock(
    gateway: RunningGateway, kiosk: TestKiosk, clock: FakeClock
) -> None:
    app_id = str(uuid.uuid4())
    _request(kiosk, app_id)
    code = gateway.control.otp_code(app_id)
    assert code is not None
    for _ in range(4):
        r = _verify(kiosk, app_id, _wrong(code))
        assert (r.status, r.code) == (422, "otp_invalid")
    fifth = _verify(kiosk, app_id, _wrong(code))
    assert (fifth.status, fifth.code, fifth.signed) == (429, "otp_locked", True)
    assert _verify(kiosk, app_id, code).code == "otp_locked"
    # a new request does not lift the lock (it would give five more tries each time)
    again = kiosk.json_call("POST", "/v1/otp", {"application_id": app_id,
                                                "citizen_id": "001090001234"})
    assert (again.status, again.code) == (429, "otp_locked")
    assert again.headers["Retry-After"] == "1800"
    clock.advance(30 * 60)  # the lock runs out: a fresh code, a fresh count
    _request(kiosk, app_id)
    fresh = gateway.control.otp_code(app_id)
    assert fresh is not None
    assert _verify(kiosk, app_id, fresh).status == 200


def test_otp_expires_after_five_minutes(
    gateway: RunningGateway, kiosk: TestKiosk, clock: FakeClock
) -> None:
    app_id = str(uuid.uuid4())
    _request(kiosk, app_id)
    code = gateway.control.otp_code(app_id)
    assert code is not None
    clock.advance(301)
    assert _verify(kiosk, app_id, code).code == "otp_invalid"
    assert _verify(kiosk, str(uuid.uuid4()), "123456").code == "otp_invalid"
    bad = kiosk.json_call("POST", "/v1/otp", {"application_id": "x", "citizen_id": "1"})
    assert (bad.status, bad.code) == (422, "validation")


def test_vneid_tokens(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    r = kiosk.json_call("POST", "/v1/identity/vneid", {"token": "tok-1"})
    assert (r.status, r.code, r.signed) == (422, "token_invalid", True)
    gateway.control.register_vneid("tok-1", IDENTITY)
    r = kiosk.json_call("POST", "/v1/identity/vneid", {"token": "tok-1"})
    assert (r.status, r.obj()) == (200, IDENTITY)
    assert "Lê Thị Hồng".encode() in r.body
    not_json = kiosk.call("POST", "/v1/identity/vneid", b"[1")
    assert (not_json.status, not_json.code) == (400, "validation")


def test_ratings_are_idempotent(gateway: RunningGateway, kiosk: TestKiosk) -> None:
    items = [{"rating_id": f"r{i}", "at": "2026-11-18T08:00:00Z", "procedure_code": "1.001",
              "score": 1 + i % 3} for i in range(5)]
    body = {"kiosk_id": "KX-001", "items": items}
    first = kiosk.json_call("POST", "/v1/ratings", body)
    assert (first.status, first.obj()) == (200, {"accepted": [f"r{i}" for i in range(5)]})
    again = kiosk.json_call("POST", "/v1/ratings", {"kiosk_id": "KX-001", "items": items[:2]})
    assert again.obj() == {"accepted": ["r0", "r1"]}
    assert gateway.control.rating_count() == 5
    bad = kiosk.json_call("POST", "/v1/ratings", {"kiosk_id": "KX-001",
                                                  "items": [{**items[0], "score": 4}]})
    assert (bad.status, bad.code) == (422, "validation")
    other = kiosk.json_call("POST", "/v1/ratings", {"kiosk_id": "KX-002", "items": []})
    assert (other.status, other.code) == (403, "forbidden")
