"""Login with the VNeID app's QR: the gateway checks the token and answers who it is (no Qt here).

The VNeID QR has no public format and is short-lived: only the gateway can say whose it is. One
signed exchange with short timeouts (the citizen is standing at the screen); the answer's
signature is verified like any other, so a captive portal, an unsigned answer, a timeout or a
refusal that is not about the token is "no link", and the kiosk asks for the card's QR instead.
The identity comes back as the CCCD QR's fields (dates ISO); the kiosk checks them exactly as it
checks a card (``kiosk.domain.vneid``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sync.agent.config import AgentConfig
from sync.client.failure import GatewayError
from sync.client.gateway import GatewayClient
from sync.protocol import headers as h
from sync.protocol.canonical import canonical_json

CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 8.0
FIELDS = ("citizen_id", "full_name", "date_of_birth", "gender", "address")


class VneidCheck(StrEnum):
    VERIFIED = "verified"
    REFUSED = "refused"    # signed 422 token_invalid: expired, already used, or not a VNeID QR
    NO_LINK = "no_link"    # no trustworthy answer (down, timeout, unsigned), or another refusal


@dataclass(frozen=True)
class VneidVerdict:
    kind: VneidCheck
    fields: Mapping[str, str] = field(default_factory=dict)  # FIELDS, when verified
    reason: str = ""

    @property
    def verified(self) -> bool:
        return self.kind is VneidCheck.VERIFIED


def _client(config: AgentConfig, clock: Callable[[], float]) -> GatewayClient:
    return GatewayClient(
        config.gateway_url, config.kiosk_id, config.kiosk_key, config.gateway_signing_key,
        clock=clock,
        timeout=(min(config.connect_timeout_s, CONNECT_TIMEOUT_S),
                 min(config.read_timeout_s, READ_TIMEOUT_S)),
        min_rate_bps=config.min_rate_bps,
    )


def verify_vneid(config: AgentConfig, token: str, *,
                 clock: Callable[[], float] = time.time) -> VneidVerdict:
    """Ask the gateway whose VNeID token this is."""
    body = canonical_json({"token": token})
    with _client(config, clock) as client:
        try:
            answer = client.exchange("POST", "/v1/identity/vneid", body=body,
                                     extra={"Content-Type": h.JSON}, ok=(200,))
            data = answer.json()
        except GatewayError as exc:
            f = exc.failure
            if f.status == 422 and f.code == "token_invalid":
                return VneidVerdict(VneidCheck.REFUSED, reason=f.detail)
            return VneidVerdict(VneidCheck.NO_LINK, reason=f.describe())
        except ValueError as exc:  # a signed answer that is not JSON
            return VneidVerdict(VneidCheck.NO_LINK, reason=f"answer is not JSON: {exc}")
    missing = [k for k in FIELDS if not isinstance(data.get(k), str)]
    if missing:
        return VneidVerdict(VneidCheck.NO_LINK, reason=f"answer lacks {', '.join(missing)}")
    return VneidVerdict(VneidCheck.VERIFIED, fields={k: str(data[k]) for k in FIELDS})
