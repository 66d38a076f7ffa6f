"""What the agent needs to run: paths, gateway, keys, and the knobs tests turn."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.protocol.keys import ed25519_public_from_b64, load_signing_key


@dataclass(frozen=True)
class AgentConfig:
    """Everything ``run_forever``/``run_once`` need; built by the kiosk CLI from its config.

    ``min_rate_bps`` sets how slow a link may be before a PATCH is given up as stalled: the
    read timeout of a chunk is ``read_timeout_s + chunk / min_rate_bps``.
    """

    db_path: Path
    gateway_url: str
    kiosk_id: str
    kiosk_key: Ed25519PrivateKey
    gateway_signing_key: Ed25519PublicKey
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    min_rate_bps: float = 1024.0
    request_deadline_s: float = 60.0  # a whole exchange, not one read (plus body / min_rate_bps)
    max_response_bytes: int = 1 << 20  # the gateway's answers are small: more is not the gateway
    poll_interval_s: float = 120.0  # status pull when idle; new work wakes the agent sooner
    lease_term_s: float = 60.0
    backoff_cap_s: float = 300.0
    status_page_limit: int = 100
    retention_days: float = 30.0  # acknowledged applications' content is purged after this

    @classmethod
    def from_files(cls, db_path: Path, gateway_url: str, kiosk_id: str, kiosk_key_path: Path,
                   gateway_signing_public_key_b64: str, *,
                   retention_days: float = 30.0) -> AgentConfig:
        return cls(db_path=db_path, gateway_url=gateway_url, kiosk_id=kiosk_id,
                   kiosk_key=load_signing_key(kiosk_key_path),
                   gateway_signing_key=ed25519_public_from_b64(gateway_signing_public_key_b64),
                   retention_days=retention_days)
