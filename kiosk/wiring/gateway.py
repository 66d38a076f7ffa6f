"""The sync side of the wiring: the agent's configuration and the ports the UI gets for it.

Every call here blocks on the network or the store; the UI runs them on its workers.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.config import KioskConfig
from kiosk.layout import store_path
from kiosk.provision import ProvisioningError, ensure_kiosk_key, kiosk_key_path, read_gateway_record
from sync.api import (
    AgentConfig,
    OtpCheck,
    OtpRequest,
    OtpSent,
    OtpVerdict,
    VneidCheck,
    VneidVerdict,
    read_status,
    request_otp,
    verify_otp,
    verify_vneid,
)
from sync.protocol.keys import KeyFormatError, ed25519_public_from_b64


def agent_config(config: KioskConfig) -> AgentConfig:
    """The sync agent's configuration from the kiosk's (raises ProvisioningError when not provisioned)."""
    record = read_gateway_record(config)
    ensure_kiosk_key(config)
    return AgentConfig.from_files(store_path(config), record.url, config.kiosk.id,
                                  kiosk_key_path(config), record.signing_public_key,
                                  retention_days=config.store.retention_days)


def provisioned_agent(config: KioskConfig) -> AgentConfig | None:
    """The agent's configuration, or None when the kiosk is not (or badly) provisioned."""
    try:
        return agent_config(config)
    except (ProvisioningError, KeyFormatError):
        return None


def kiosk_key(config: KioskConfig) -> Callable[[], Ed25519PrivateKey]:
    return lambda: ensure_kiosk_key(config)


def gateway_signing_key(config: KioskConfig) -> Callable[[], Ed25519PublicKey]:
    return lambda: ed25519_public_from_b64(read_gateway_record(config).signing_public_key)


class GatewayOtp:
    """The UI's OtpPort: the citizen's OTP through ``sync.api`` (blocking; off the GUI thread)."""

    def __init__(self, config: KioskConfig) -> None:
        self._config = config

    def request(self, application_id: str, citizen_id: str) -> OtpRequest:
        agent = provisioned_agent(self._config)
        if agent is None:
            return OtpRequest(OtpSent.NO_LINK, reason="kiosk not provisioned for the gateway")
        return request_otp(agent, application_id, citizen_id)

    def verify(self, application_id: str, code: str) -> OtpVerdict:
        agent = provisioned_agent(self._config)
        if agent is None:
            return OtpVerdict(OtpCheck.NO_LINK, reason="kiosk not provisioned for the gateway")
        return verify_otp(agent, application_id, code)


class GatewayVneid:
    """The UI's VneidPort: ``sync.api.verify_vneid`` (blocking; off the GUI thread)."""

    def __init__(self, config: KioskConfig) -> None:
        self._config = config

    def verify(self, token: str) -> VneidVerdict:
        agent = provisioned_agent(self._config)
        if agent is None:
            return VneidVerdict(VneidCheck.NO_LINK, reason="kiosk not provisioned for the gateway")
        return verify_vneid(agent, token)


def link_online(db_path: Path) -> Callable[[], bool]:
    """What the sync agent last saw of the link (the UI offers OTP only when it is up)."""

    def online() -> bool:
        try:
            return read_status(db_path).link.state == "online"
        except Exception:  # a status read must never break a citizen's session
            return False

    return online


def run_agent(config: KioskConfig) -> int:
    """The sync agent's process (``kiosk sync run``; systemd kiosk-sync.service)."""
    agent = _agent_or_say(config)
    if agent is None:
        return 2
    from sync import cli

    return cli.run_forever(agent)


def run_agent_once(config: KioskConfig, out: TextIO = sys.stdout) -> int:
    """Drain what can be sent now, then exit (``kiosk sync once``, ``kiosk demo``)."""
    agent = _agent_or_say(config)
    if agent is None:
        return 2
    from sync import cli

    return cli.run_once(agent, out=out)


def _agent_or_say(config: KioskConfig) -> AgentConfig | None:
    try:
        return agent_config(config)
    except ProvisioningError as exc:
        print(exc, file=sys.stderr)
        return None
