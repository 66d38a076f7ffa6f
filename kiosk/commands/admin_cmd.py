"""`kiosk admin set-pin technician|staff`: the PIN is read without echo, stored as a scrypt hash."""

from __future__ import annotations

import argparse
import getpass
import sys
import time

from kiosk.admin.audit import audit
from kiosk.admin.pin import PinGuard, Role
from kiosk.config import KioskConfig
from kiosk.layout import pins_path
from kiosk.store.errors import StoreUnavailable, classify
from kiosk.wiring.root import open_kiosk_store


def _read_pin(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()  # scripted provisioning: the PIN on standard input


def set_pin(args: argparse.Namespace, config: KioskConfig) -> int:
    role = Role(args.role)
    pin = _read_pin(f"new {role.value} PIN (6-12 digits): ")
    if sys.stdin.isatty() and _read_pin("again: ") != pin:
        print("the two PINs differ; nothing changed", file=sys.stderr)
        return 2
    store = open_kiosk_store(config)  # first: a lost or damaged store refuses before any write
    try:
        try:
            PinGuard(pins_path(config), time.time).set_pin(role, pin)
        except ValueError as exc:
            print(f"refused: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:  # the file is written atomically: the old PIN is still in force
            unavailable = classify(exc, pins_path(config).parent)
            what = str(unavailable) if unavailable is not None else f"{exc.strerror or exc}"
            print(f"the {role.value} PIN was not changed (the old one still works): {what}",
                  file=sys.stderr)
            return 2
        try:
            audit(store, "cli", "set_pin", role.value)
        except StoreUnavailable as exc:
            print(f"the {role.value} PIN is set, but the audit log could not record it: {exc}",
                  file=sys.stderr)
            return 2
    finally:
        store.close()
    print(f"{role.value} PIN set")
    return 0
