"""Issue 10 item 6 (reference gateway): a signed request counts once, an OTP belongs to the
application's own kiosk, the 5-try lock survives a new code, a bundle belongs to its kiosk."""

from __future__ import annotations

import hashlib
import io
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sync.gateway import RunningGateway
from sync.gateway.limits import GatewayLimits
from sync.protocol.bundle import bundle_dir_name
from sync.protocol.signing import sign_request
from sync.protocol.tus import checksum_header_from_hex
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    TestKiosk,
    push,
    registered_kiosk,
    running_gateway,
    seal_application,
)

CITIZEN = "001090001234"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def gateway(tmp_path: Path, clock: FakeClock) -> Iterator[RunningGateway]:
    with running_gateway(tmp_path / "gw", clock) as gw:
        yield gw


@pytest.fixture
def kiosk_a(gateway: RunningGateway, clock: FakeClock) -> Iterator[TestKiosk]:
    with registered_kiosk(gateway, clock, "KX-001") as k:
        yield k


@pytest.fixture
def kiosk_b(gateway: RunningGateway, clock: FakeClock) -> Iterator[TestKiosk]:
    with registered_kiosk(gateway, clock, "KX-002") as k:
        yield k


def _otp(kiosk: TestKiosk, app_id: str) -> int:
    return kiosk.json_call("POST", "/v1/otp", {"application_id": app_id,
                                               "citizen_id": CITIZEN}).status


def _verify(kiosk: TestKiosk, app_id: str, code: str) -> tuple[int, object]:
    r = kiosk.json_call("POST", "/v1/otp/verify", {"application_id": app_id, "code": code})
    return r.status, r.code


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_same_signed_request_is_accepted_once(
    gateway: RunningGateway, kiosk_a: TestKiosk, clock: FakeClock
) -> None:
    app_id = str(uuid.uuid4())
    body = f'{{"application_id":"{app_id}","citizen_id":"{CITIZEN}"}}'.encode()
    headers = {**sign_request(kiosk_a.key, kiosk_a.kiosk_id, "POST", "/v1/otp", body,
                              now=clock()), "Content-Type": "application/json"}
    first = requests.post(gateway.url + "/v1/otp", data=body, headers=headers, timeout=10)
    assert first.status_code == 202
    code = gateway.control.otp_code(app_id)
    # recorded on the way and sent again two minutes later (inside the 15-minute window)
    clock.advance(120)
    again = requests.post(gateway.url + "/v1/otp", data=body, headers=headers, timeout=10)
    assert again.status_code == 401
    assert again.json()["code"] == "replayed"
    assert again.json()["retryable"] is True
    assert gateway.control.otp_code(app_id) == code  # no new code, no new SMS
    # a wrong code replayed cannot walk the citizen into the lock
    wrong = f'{{"application_id":"{app_id}","code":"{_wrong(code or "0")}"}}'.encode()
    signed = {**sign_request(kiosk_a.key, kiosk_a.kiosk_id, "POST", "/v1/otp/verify", wrong,
                             now=clock()), "Content-Type": "application/json"}
    statuses = [requests.post(gateway.url + "/v1/otp/verify", data=wrong, headers=signed,
                              timeout=10).status_code for _ in range(6)]
    assert statuses == [422] + [401] * 5
    assert _verify(kiosk_a, app_id, code or "") == (200, None)


def test_another_kiosk_can_neither_ask_nor_check_an_applications_code(
    gateway: RunningGateway, kiosk_a: TestKiosk, kiosk_b: TestKiosk
) -> None:
    app_id = str(uuid.uuid4())
    assert _otp(kiosk_a, app_id) == 202
    code = gateway.control.otp_code(app_id)
    assert code is not None
    assert _otp(kiosk_b, app_id) == 403  # would replace A's code (and send the SMS again)
    assert gateway.control.otp_code(app_id) == code
    for _ in range(6):  # nor burn A's tries
        assert _verify(kiosk_b, app_id, _wrong(code)) == (403, "forbidden")
    assert _verify(kiosk_b, app_id, code) == (403, "forbidden")
    assert _verify(kiosk_a, app_id, code) == (200, None)


def test_an_application_already_pushed_is_its_kiosks(
    gateway: RunningGateway, kiosk_a: TestKiosk, kiosk_b: TestKiosk
) -> None:
    app = seal_application(gateway.public_keys.encryption_b64, kiosk_a.kiosk_id, 1)
    assert push(kiosk_a, app).status == 202
    assert _otp(kiosk_b, app.id) == 403
    assert _otp(kiosk_a, app.id) == 202


def test_a_new_code_does_not_lift_the_five_try_lock(
    gateway: RunningGateway, kiosk_a: TestKiosk, clock: FakeClock
) -> None:
    app_id = str(uuid.uuid4())
    tries = 0
    for _round in range(3):  # before: each new code gave five more tries
        if _otp(kiosk_a, app_id) != 202:
            break
        code = gateway.control.otp_code(app_id)
        assert code is not None
        while _verify(kiosk_a, app_id, _wrong(code))[1] == "otp_invalid":
            tries += 1
        tries += 1
    assert tries == 5
    assert _otp(kiosk_a, app_id) == 429
    clock.advance(GatewayLimits().otp_lock_s)
    assert _otp(kiosk_a, app_id) == 202


def _tar(name: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        data = b'{"kiosk_id":"KX-001","applications":[]}'
        info = tarfile.TarInfo(f"{name}/manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_a_bundle_is_its_kiosks(kiosk_a: TestKiosk, kiosk_b: TestKiosk) -> None:
    name = bundle_dir_name(kiosk_a.kiosk_id, 1, 2)
    data = _tar(name)
    full = checksum_header_from_hex(hashlib.sha256(data).hexdigest())
    create = {"Upload-Length": str(len(data)), "Upload-Checksum-Full": full}
    # B cannot start a bundle named for A, nor anything A started
    assert kiosk_b.call("POST", f"/v1/bundles/{name}", headers=create).status == 403
    assert kiosk_a.call("POST", f"/v1/bundles/{name}", headers=create).status == 201
    assert kiosk_b.call("HEAD", f"/v1/bundles/{name}").status == 403
    patch = kiosk_b.call("PATCH", f"/v1/bundles/{name}", data, {
        "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0",
        "Upload-Checksum": "sha256 " + full.split(" ", 1)[1]})
    assert patch.status == 403
    assert kiosk_b.call("POST", f"/v1/bundles/{name}/import").status == 403
    assert kiosk_b.call("GET", f"/v1/bundles/{name}/ack").status == 403
    assert kiosk_a.call("HEAD", f"/v1/bundles/{name}").status == 200
