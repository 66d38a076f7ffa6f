"""Issue 10 item 6 (client): an old signed answer replayed today does not make the link online.

The gateway's signature binds the request's method, target and body hash: a GET ping is the same
request every day, so its answer recorded long ago still verifies. The client now believes a
signed answer only when its Date is within the gateway's own 15-minute window of our clock
(plus the skew learnt from the gateway's signed ``clock_skew`` refusal).
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
import requests

from sync.agent.link import LinkState
from sync.client.failure import GatewayError
from sync.client.gateway import GatewayClient
from sync.gateway.server import start_gateway
from sync.protocol.keys import ed25519_public_from_b64, generate_signing_key, public_key_b64
from tests.fakes import FakeClock
from tests.security.hostile_http import Tally, hostile_server
from tests.sync.rig import KIOSK_ID, Rig
from tests.sync.sealed_store import create_store

THREE_DAYS = 3 * 86400.0


def _record(url: str) -> bytes:
    """A genuine signed ping answer, byte for byte, as an attacker on the path records it."""
    r = requests.get(url + "/v1/ping", timeout=10)
    head = f"HTTP/1.1 {r.status_code} {r.reason}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in r.headers.items() if k.lower() != "connection")
    return head.encode("latin-1") + b"\r\n" + r.content


def _recorded_ping(tmp_path: Path) -> tuple[bytes, str]:
    """A ping answer recorded three days ago, and the gateway's signing key."""
    with start_gateway(tmp_path / "old-gw", clock=lambda: time.time() - THREE_DAYS) as gw:
        return _record(gw.url), gw.public_keys.signing_b64


def test_a_replayed_old_ping_is_not_a_link(tmp_path: Path) -> None:
    raw, gw_key = _recorded_ping(tmp_path)

    def replay(sock: socket.socket, tally: Tally) -> None:
        sock.sendall(raw)
        tally.add(len(raw))

    with hostile_server(replay) as (url, _):
        client = GatewayClient(url, KIOSK_ID, generate_signing_key(),
                               ed25519_public_from_b64(gw_key), clock=time.time)
        with client, pytest.raises(GatewayError) as refused:
            client.ping()
    failure = refused.value.failure
    assert failure.status is None
    assert "stale or replayed" in failure.detail
    assert client.skew_s == 0.0  # nothing learnt from it


def test_the_agent_stays_offline_on_a_replayed_ping(tmp_path: Path) -> None:
    shift = [-THREE_DAYS]
    gateway = start_gateway(tmp_path / "gw", clock=lambda: time.time() + shift[0])
    try:
        raw = _record(gateway.url)  # three days ago, by this very gateway
        shift[0] = 0.0
        key = generate_signing_key()
        gateway.control.register_kiosk(KIOSK_ID, public_key_b64(key))
        rig = Rig(tmp_path, gateway, create_store(tmp_path / "kiosk"), key)
        rig.seal(1, page_bytes=1000)

        def replay(sock: socket.socket, tally: Tally) -> None:
            sock.sendall(raw)

        with hostile_server(replay) as (url, _), rig.agent(FakeClock.from_real_time(), url=url) as agent:
            report = agent.run_pass()
        assert report.link is LinkState.OFFLINE
        assert report.retry is not None
        assert "stale or replayed" in report.retry.detail
        with rig.agent(FakeClock.from_real_time()) as agent:  # the real gateway today: online, delivered
            assert agent.run_once(budget_s=3600).drained
        rig.assert_on_gateway(rig.apps)
    finally:
        gateway.stop()


def test_a_kiosk_whose_clock_is_wrong_still_gets_online_by_the_ping(tmp_path: Path) -> None:
    key = generate_signing_key()
    with start_gateway(tmp_path / "gw", clock=lambda: time.time() + 3600) as gw:
        gw.control.register_kiosk(KIOSK_ID, public_key_b64(key))
        gw_key = ed25519_public_from_b64(gw.public_keys.signing_b64)
        with GatewayClient(gw.url, KIOSK_ID, key, gw_key, clock=time.time) as client:
            limits = client.ping()  # stale-looking ping, signed probe, 401 clock_skew, ping again
            assert limits.clock_skew_s == pytest.approx(3600, abs=5)
            assert client.ack()["highest_contiguous_seq"] == 0
