"""sync.vneid against the real reference gateway over loopback: accepted, refused, no link."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.agent.config import AgentConfig
from sync.api import VneidCheck, verify_vneid
from sync.gateway import RunningGateway
from sync.gateway.faults import Fault
from sync.protocol.keys import ed25519_public_from_b64, generate_signing_key, public_key_b64
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    running_gateway,
)

KIOSK_ID = "KX-VNEID"
IDENTITY = {
    "citizen_id": "049175001234", "full_name": "Huỳnh Thị Ánh Tuyết", "date_of_birth": "1975-03-08",
    "gender": "Nữ", "address": "Thôn Lý Trường, xã Bình Phú, tỉnh Quảng Nam",
}


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


def test_registered_token_answers_the_identity(tmp_path: Path, gateway: RunningGateway,
                                               clock: FakeClock) -> None:
    gateway.control.register_vneid("VNEID:tok-1", IDENTITY)
    verdict = verify_vneid(_config(tmp_path, gateway), "VNEID:tok-1", clock=clock)
    assert verdict.kind is VneidCheck.VERIFIED
    assert verdict.verified
    assert dict(verdict.fields) == IDENTITY


def test_unknown_token_is_refused(tmp_path: Path, gateway: RunningGateway, clock: FakeClock) -> None:
    gateway.control.register_vneid("VNEID:tok-1", IDENTITY)
    verdict = verify_vneid(_config(tmp_path, gateway), "VNEID:someone-else", clock=clock)
    assert verdict.kind is VneidCheck.REFUSED
    assert verdict.fields == {}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gateway_down_is_no_link(tmp_path: Path, gateway: RunningGateway, clock: FakeClock) -> None:
    config = _config(tmp_path, gateway, url=f"http://127.0.0.1:{_closed_port()}")
    assert verify_vneid(config, "VNEID:tok-1", clock=clock).kind is VneidCheck.NO_LINK


@pytest.mark.parametrize("kind", ["captive_portal", "bad_signature"])
def test_untrusted_answer_is_no_link(tmp_path: Path, gateway: RunningGateway, clock: FakeClock,
                                     kind: str) -> None:
    """A captive portal's 200 or a wrongly signed identity is never believed."""
    gateway.control.register_vneid("VNEID:tok-1", IDENTITY)
    config = _config(tmp_path, gateway)
    make = Fault.captive_portal if kind == "captive_portal" else Fault.bad_signature
    gateway.control.script(make(path="/v1/identity/vneid"))
    verdict = verify_vneid(config, "VNEID:tok-1", clock=clock)
    assert verdict.kind is VneidCheck.NO_LINK
    assert verdict.fields == {}
