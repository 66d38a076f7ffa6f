"""`kiosk provision`, `kiosk sync ...`, `kiosk export`, `kiosk import-ack`: field staff's tools.

Each builds the agent's configuration from the kiosk's and calls `sync.cli`; the kiosk never
sends anything itself (the agent is the only sender).
"""

from __future__ import annotations

import argparse
import sys

from kiosk.config import KioskConfig
from kiosk.layout import store_path
from kiosk.provision import (
    GatewayRecord,
    ProvisioningError,
    ensure_kiosk_key,
    kiosk_public_key,
    read_gateway_record,
    write_gateway_record,
)
from kiosk.wiring.gateway import agent_config
from sync import cli as sync_cli
from sync.api import AgentConfig
from sync.protocol.keys import KeyFormatError, ed25519_public_from_b64


def provision(args: argparse.Namespace, config: KioskConfig) -> int:
    public = kiosk_public_key(config)
    given = (args.gateway_url, args.gateway_signing_key, args.gateway_encryption_key)
    if any(given):
        if not all(given):
            print("give all three: --gateway-url, --gateway-signing-key, --gateway-encryption-key",
                  file=sys.stderr)
            return 2
        try:
            write_gateway_record(config, GatewayRecord(args.gateway_url, args.gateway_signing_key,
                                                       args.gateway_encryption_key))
        except KeyFormatError as exc:
            print(f"gateway key refused: {exc}", file=sys.stderr)
            return 2
    if config.gateway.mode == "embedded":
        from kiosk.wiring.embedded import provision_embedded

        provision_embedded(config)
    print(f"kiosk_id {config.kiosk.id}")
    print(f"kiosk public key (give it to the gateway operator): {public}")
    return 0


def _with_agent(config: KioskConfig) -> AgentConfig | None:
    try:
        return agent_config(config)
    except ProvisioningError as exc:
        print(exc, file=sys.stderr)
        return None


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    del args
    agent = _with_agent(config)
    return 2 if agent is None else sync_cli.run_forever(agent)


def once(args: argparse.Namespace, config: KioskConfig) -> int:
    del args
    agent = _with_agent(config)
    return 2 if agent is None else sync_cli.run_once(agent)


def now(args: argparse.Namespace, config: KioskConfig) -> int:
    del args
    return sync_cli.send_now(store_path(config))


def status(args: argparse.Namespace, config: KioskConfig) -> int:
    return sync_cli.status(store_path(config), as_json=args.json)


def export(args: argparse.Namespace, config: KioskConfig) -> int:
    return sync_cli.export_to(store_path(config), args.to, config.kiosk.id, ensure_kiosk_key(config))


def import_ack(args: argparse.Namespace, config: KioskConfig) -> int:
    try:
        record = read_gateway_record(config)
        key = ed25519_public_from_b64(record.signing_public_key)
    except (ProvisioningError, KeyFormatError) as exc:
        print(exc, file=sys.stderr)
        return 2
    return sync_cli.import_ack(store_path(config), args.file, config.kiosk.id, key)


def retry(args: argparse.Namespace, config: KioskConfig) -> int:
    from sync.staff_actions import retry_cli

    return retry_cli(store_path(config), args.code)
