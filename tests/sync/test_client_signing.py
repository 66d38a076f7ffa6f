"""The client against the real gateway: clock skew learnt from signed answers, signatures bound."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sync.client.failure import Action, GatewayError
from sync.client.gateway import GatewayClient
from sync.gateway.server import start_gateway
from sync.protocol.keys import ed25519_public_from_b64, generate_signing_key, public_key_b64
from tests.sync.rig import KIOSK_ID


def test_a_kiosk_clock_an_hour_late_still_talks_after_the_ping(tmp_path: Path) -> None:
    key = generate_signing_key()
    with start_gateway(tmp_path / "gw", clock=lambda: time.time() + 3600) as gw:
        gw.control.register_kiosk(KIOSK_ID, public_key_b64(key))
        gw_key = ed25519_public_from_b64(gw.public_keys.signing_b64)
        with GatewayClient(gw.url, KIOSK_ID, key, gw_key, clock=time.time) as client:
            with pytest.raises(GatewayError) as refused:
                client.ack()                       # signed with our wrong clock: 401
            assert refused.value.failure.code == "clock_skew"
            assert refused.value.failure.action is Action.RETRY
            assert client.skew_s == pytest.approx(3600, abs=5)   # learnt from the refusal
            assert client.ack()["highest_contiguous_seq"] == 0


def test_answers_signed_by_another_key_are_no_link(tmp_path: Path) -> None:
    key = generate_signing_key()
    with start_gateway(tmp_path / "gw") as gw:
        gw.control.register_kiosk(KIOSK_ID, public_key_b64(key))
        impostor = generate_signing_key().public_key()
        client = GatewayClient(gw.url, KIOSK_ID, key, impostor, clock=time.time)
        with client, pytest.raises(GatewayError) as refused:
            client.ping()
    assert refused.value.failure.status is None
    assert "not signed by the gateway" in refused.value.failure.detail


def test_unknown_kiosk_pauses_rather_than_quarantines(tmp_path: Path) -> None:
    with start_gateway(tmp_path / "gw") as gw:
        gw_key = ed25519_public_from_b64(gw.public_keys.signing_b64)
        client = GatewayClient(gw.url, "KIOSK-NOBODY", generate_signing_key(), gw_key,
                               clock=time.time)
        with client, pytest.raises(GatewayError) as refused:
            client.ack()
    assert refused.value.failure.status == 401
    assert refused.value.failure.action is Action.PAUSE_QUEUE
