"""sync.otp against the real reference gateway over loopback: request, verify, lock, no link."""

from __future__ import annotations

import re
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.agent.config import AgentConfig
from sync.gateway import RunningGateway
from sync.otp import OtpCheck, OtpSent, request_otp, verify_otp
from sync.protocol.keys import ed25519_public_from_b64, generate_signing_key, public_key_b64
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    running_gateway,
)

KIOSK_ID = "KX-OTP"
CITIZEN = "001090001234"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_795_000_000.0)


@pytest.fixture
def gateway(tmp_path: Path, clock: FakeClock) -> Iterator[RunningGateway]:
    with running_gateway(tmp_path / "gw", clock) as gw:
        yield gw


def _config(tmp_path: Path, gateway: RunningGateway, url: str | None = None) -> AgentConfig:
    key = generate_signing_key()
    gateway.control.register_kiosk(KIOSK_ID, public_key_b64(key))
    return AgentConfig(
        db_path=tmp_path / "unused.db", gateway_url=url or gateway.url, kiosk_id=KIOSK_ID,
        kiosk_key=key,
        gateway_signing_key=ed25519_public_from_b64(gateway.public_keys.signing_b64),
    )


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_request_then_verify(tmp_path: Path, gateway: RunningGateway, clock: FakeClock) -> None:
    config = _config(tmp_path, gateway)
    app_id = str(uuid.uuid4())
    sent = request_otp(config, app_id, CITIZEN, clock=clock)
    assert sent.kind is OtpSent.SENT
    assert sent.sent
    assert sent.expires_at.endswith("Z")
    assert re.fullmatch(r"09\*{5}\d{3}", sent.phone_masked)  # where it went, masked
    again = request_otp(config, str(uuid.uuid4()), CITIZEN, clock=clock)
    assert again.phone_masked == sent.phone_masked  # the citizen's one registered phone
    code = gateway.control.otp_code(app_id)
    assert code is not None
    assert len(code) == 6
    verdict = verify_otp(config, app_id, code, clock=clock)
    assert verdict.kind is OtpCheck.VERIFIED
    assert verdict.verified_at.endswith("Z")


def test_wrong_code_is_invalid(tmp_path: Path, gateway: RunningGateway, clock: FakeClock) -> None:
    config = _config(tmp_path, gateway)
    app_id = str(uuid.uuid4())
    assert request_otp(config, app_id, CITIZEN, clock=clock).sent
    code = gateway.control.otp_code(app_id)
    assert code is not None
    assert verify_otp(config, app_id, _wrong(code), clock=clock).kind is OtpCheck.INVALID
    # a wrong try does not spoil the right code
    assert verify_otp(config, app_id, code, clock=clock).kind is OtpCheck.VERIFIED


def test_five_wrong_codes_lock(tmp_path: Path, gateway: RunningGateway, clock: FakeClock) -> None:
    config = _config(tmp_path, gateway)
    app_id = str(uuid.uuid4())
    assert request_otp(config, app_id, CITIZEN, clock=clock).sent
    code = gateway.control.otp_code(app_id)
    assert code is not None
    kinds = [verify_otp(config, app_id, _wrong(code), clock=clock).kind for _ in range(5)]
    assert kinds == [OtpCheck.INVALID] * 4 + [OtpCheck.LOCKED]
    assert verify_otp(config, app_id, code, clock=clock).kind is OtpCheck.LOCKED


def test_refused_request(tmp_path: Path, gateway: RunningGateway, clock: FakeClock) -> None:
    config = _config(tmp_path, gateway)
    sent = request_otp(config, "not-a-uuid", CITIZEN, clock=clock)
    assert sent.kind is OtpSent.REFUSED
    assert "validation" in sent.reason


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gateway_down_is_no_link(tmp_path: Path, gateway: RunningGateway,
                                 clock: FakeClock) -> None:
    config = _config(tmp_path, gateway, url=f"http://127.0.0.1:{_closed_port()}")
    app_id = str(uuid.uuid4())
    assert request_otp(config, app_id, CITIZEN, clock=clock).kind is OtpSent.NO_LINK
    assert verify_otp(config, app_id, "123456", clock=clock).kind is OtpCheck.NO_LINK


def test_stopped_gateway_is_no_link(tmp_path: Path, clock: FakeClock) -> None:
    with running_gateway(tmp_path / "gw2", clock) as gw:
        config = _config(tmp_path, gw)
    assert request_otp(config, str(uuid.uuid4()), CITIZEN, clock=clock).kind is OtpSent.NO_LINK
