"""The citizen's OTP through the gateway: ask for one, check what was typed (no Qt here).

Both calls are one signed exchange each with short timeouts (the citizen is waiting at the
screen); every answer's signature is verified by the client as for any other exchange, so a
captive portal or an unsigned answer is "no link", and the kiosk falls back to its own code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sync.agent.config import AgentConfig
from sync.client.failure import GatewayError
from sync.client.gateway import GatewayClient
from sync.protocol import headers as h
from sync.protocol.canonical import canonical_json

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 10.0


class OtpSent(StrEnum):
    SENT = "sent"
    NO_LINK = "no_link"    # no trustworthy answer: network down, timeout, unsigned answer
    REFUSED = "refused"    # the gateway answered (signed) and said no


@dataclass(frozen=True)
class OtpRequest:
    kind: OtpSent
    expires_at: str = ""  # ISO 8601 UTC, when sent
    reason: str = ""      # the problem code / detail, when not sent
    phone_masked: str = ""  # where it was sent, e.g. "09*****678" (empty if the gateway does not say)

    @property
    def sent(self) -> bool:
        return self.kind is OtpSent.SENT


class OtpCheck(StrEnum):
    VERIFIED = "verified"
    INVALID = "invalid"    # wrong or expired code; the gateway does not say how many tries are left
    LOCKED = "locked"      # too many wrong codes: a new code (or the kiosk code) is needed
    NO_LINK = "no_link"    # no trustworthy answer, or a refusal that is not about the code


@dataclass(frozen=True)
class OtpVerdict:
    kind: OtpCheck
    verified_at: str = ""  # ISO 8601 UTC, when verified
    reason: str = ""


def _client(config: AgentConfig, clock: Callable[[], float]) -> GatewayClient:
    return GatewayClient(
        config.gateway_url, config.kiosk_id, config.kiosk_key, config.gateway_signing_key,
        clock=clock,
        timeout=(min(config.connect_timeout_s, CONNECT_TIMEOUT_S),
                 min(config.read_timeout_s, READ_TIMEOUT_S)),
        min_rate_bps=config.min_rate_bps,
    )


def request_otp(config: AgentConfig, application_id: str, citizen_id: str, *,
                clock: Callable[[], float] = time.time) -> OtpRequest:
    """Ask the gateway to send a code to the citizen's registered phone."""
    body = canonical_json({"application_id": application_id, "citizen_id": citizen_id})
    with _client(config, clock) as client:
        try:
            answer = client.exchange("POST", "/v1/otp", body=body,
                                     extra={"Content-Type": h.JSON}, ok=(200, 202))
            data = answer.json()
            expires = data.get("expires_at")
            phone = data.get("phone_masked")
        except GatewayError as exc:
            f = exc.failure
            if f.status is None:
                return OtpRequest(OtpSent.NO_LINK, reason=f.detail)
            return OtpRequest(OtpSent.REFUSED, reason=f"{f.code}: {f.detail}".strip(": "))
    return OtpRequest(OtpSent.SENT, expires_at=expires if isinstance(expires, str) else "",
                      phone_masked=phone if isinstance(phone, str) else "")


def verify_otp(config: AgentConfig, application_id: str, code: str, *,
               clock: Callable[[], float] = time.time) -> OtpVerdict:
    """Check the code the citizen typed."""
    body = canonical_json({"application_id": application_id, "code": code})
    with _client(config, clock) as client:
        try:
            answer = client.exchange("POST", "/v1/otp/verify", body=body,
                                     extra={"Content-Type": h.JSON}, ok=(200,))
            at = answer.json().get("verified_at")
        except GatewayError as exc:
            f = exc.failure
            if f.status == 422 and f.code == "otp_invalid":
                return OtpVerdict(OtpCheck.INVALID, reason=f.detail)
            if f.status == 429 and f.code == "otp_locked":
                return OtpVerdict(OtpCheck.LOCKED, reason=f.detail)
            return OtpVerdict(OtpCheck.NO_LINK, reason=f.describe())
    if not isinstance(at, str) or not at:
        return OtpVerdict(OtpCheck.NO_LINK, reason="verified answer without verified_at")
    return OtpVerdict(OtpCheck.VERIFIED, verified_at=at)
