"""`kiosk provision`, `kiosk sync ...`, `kiosk export`, `kiosk import-ack`: field staff's tools.

The agent's own process comes from the composition root (``kiosk.wiring.gateway``); the staff
tools call ``sync.api`` and print its results. The kiosk never sends anything itself (the agent
is the only sender).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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
from kiosk.wiring.gateway import run_agent, run_agent_once
from sync import api


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
        except api.KeyFormatError as exc:
            print(f"gateway key refused: {exc}", file=sys.stderr)
            return 2
    if config.gateway.mode == "embedded":
        from kiosk.wiring.embedded import provision_embedded

        provision_embedded(config)
    print(f"kiosk_id {config.kiosk.id}")
    print(f"kiosk public key (give it to the gateway operator): {public}")
    return 0


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    del args
    return run_agent(config)


def once(args: argparse.Namespace, config: KioskConfig) -> int:
    del args
    return run_agent_once(config)


def now(args: argparse.Namespace, config: KioskConfig) -> int:
    del args
    api.request_send_now(store_path(config))
    print("send-now requested; the agent wakes within a second")
    return 0


def status(args: argparse.Namespace, config: KioskConfig) -> int:
    st = api.read_status(store_path(config))
    if args.json:
        print(json.dumps(st.to_dict(), ensure_ascii=False, sort_keys=True, indent=2))
    else:
        print(api.format_status(st))
    return 0


def _not_a_stick(dest: Path, data_dir: Path, *, same_disk: bool) -> str:
    """Why ``dest`` cannot be the USB stick staff carry away ("" when it can): it must exist
    (never made here: a mistyped path would land on the kiosk's disk) and, unless the caller
    says so, be on another disk than the kiosk's data: an empty mount point with no stick in it
    is a folder on the kiosk's own disk, and a bundle written there leaves with nobody."""
    if not dest.is_dir():
        return (f"export refused: there is no folder {dest}: plug the USB stick in (on the "
                "appliance it appears at /media/usbstick) and try again; nothing was exported")
    if not same_disk and dest.stat().st_dev == data_dir.stat().st_dev:
        return (f"export refused: {dest} is on the kiosk's own disk (no USB stick mounted "
                "there?): plug the stick in and try again, or add --same-disk to write there "
                "anyway; nothing was exported")
    return ""


def export(args: argparse.Namespace, config: KioskConfig) -> int:
    data_dir = store_path(config).parent
    problem = _not_a_stick(args.to, data_dir if data_dir.is_dir() else data_dir.parent,
                           same_disk=args.same_disk)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    result = api.export_bundle(store_path(config), args.to, config.kiosk.id, ensure_kiosk_key(config))
    print(result.message)
    return 0 if result.ok else 2


def import_ack(args: argparse.Namespace, config: KioskConfig) -> int:
    try:
        record = read_gateway_record(config)
        key = api.ed25519_public_from_b64(record.signing_public_key)
    except (ProvisioningError, api.KeyFormatError) as exc:
        print(exc, file=sys.stderr)
        return 2
    result = api.import_ack(store_path(config), args.file, config.kiosk.id, key)
    print(result.message)
    return 0 if result.ok else 2


def retry(args: argparse.Namespace, config: KioskConfig) -> int:
    result = api.requeue(store_path(config), args.code, actor="staff-cli")
    print(result.message)
    return 0 if result.ok else 2
