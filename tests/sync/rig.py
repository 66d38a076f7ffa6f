"""Test rig for the agent: a real reference gateway on loopback, a real kiosk store, keys.

``Rig.assert_on_gateway`` is the must-show check: every expected application is on the
gateway exactly once (one row, its kiosk_seq, committed), its manifest hash and every document's
bytes equal what the kiosk sealed, and nothing else from this kiosk is there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.agent.config import AgentConfig
from sync.agent.loop import Agent
from sync.gateway.limits import GatewayLimits
from sync.gateway.server import RunningGateway, start_gateway
from sync.protocol.keys import (
    ed25519_public_from_b64,
    generate_signing_key,
    public_key_b64,
    x25519_public_from_b64,
)
from tests.fakes import FakeClock
from tests.sync.sealed_store import SealedApp, create_store, seal_applications, states

KIOSK_ID = "KIOSK-T1"


@dataclass
class Rig:
    tmp: Path
    gateway: RunningGateway
    db: Path
    kiosk_key: Ed25519PrivateKey
    apps: list[SealedApp] = field(default_factory=list)

    def seal(self, count: int, **kw: Any) -> list[SealedApp]:
        enc = x25519_public_from_b64(self.gateway.public_keys.encryption_b64)
        made = seal_applications(self.db, KIOSK_ID, enc, count, seed=len(self.apps) + 1, **kw)
        self.apps += made
        return made

    def config(self, url: str | None = None, **kw: Any) -> AgentConfig:
        base: dict[str, Any] = {"connect_timeout_s": 2.0, "read_timeout_s": 5.0,
                                "min_rate_bps": 1024.0, "lease_term_s": 30.0}
        base.update(kw)
        return AgentConfig(
            db_path=self.db, gateway_url=url or self.gateway.url, kiosk_id=KIOSK_ID,
            kiosk_key=self.kiosk_key,
            gateway_signing_key=ed25519_public_from_b64(self.gateway.public_keys.signing_b64),
            **base)

    def agent(self, clock: FakeClock, url: str | None = None, **kw: Any) -> Agent:
        return Agent(self.config(url, **kw), clock=clock, wait=clock.wait, rand=lambda: 0.5)

    def assert_on_gateway(self, expected: Iterable[SealedApp], *,
                          quarantined: Iterable[SealedApp] = ()) -> None:
        expected = list(expected)
        bad = {a.application_id for a in quarantined}
        control = self.gateway.control
        on_gateway = control.applications(KIOSK_ID)
        committed = [r for r in on_gateway if r.committed]
        assert sorted(r.application_id for r in committed) == sorted(
            a.application_id for a in expected), "exactly the expected applications, once each"
        assert len({r.kiosk_seq for r in committed}) == len(committed)
        for app in expected:
            rec = control.application(app.application_id)
            assert rec is not None
            assert rec.kiosk_seq == app.kiosk_seq
            assert rec.manifest_sha256 == app.manifest_sha256
            assert rec.missing_documents == ()
            for doc_id, (size, sha) in app.documents.items():
                data = control.document_bytes(app.application_id, doc_id)
                assert data is not None, f"{app.application_id}/{doc_id} missing"
                assert len(data) == size
                assert hashlib.sha256(data).hexdigest() == sha
        kiosk = states(self.db)
        for app in expected:
            assert kiosk[app.application_id] in ("received", "acked"), kiosk[app.application_id]
        assert {a for a, s in kiosk.items() if s == "quarantined"} == bad


@contextmanager
def make_rig(tmp: Path, limits: GatewayLimits | None = None) -> Iterator[Rig]:
    gateway = start_gateway(tmp / "gateway", limits=limits)
    try:
        key = generate_signing_key()
        gateway.control.register_kiosk(KIOSK_ID, public_key_b64(key))
        yield Rig(tmp, gateway, create_store(tmp / "kiosk"), key)
    finally:
        gateway.stop()
