"""`kiosk system install`."""

from __future__ import annotations

import argparse

from kiosk.config import KioskConfig
from kiosk.system_install import install as do_install


def install(args: argparse.Namespace, config: KioskConfig) -> int:
    del config
    result = do_install(args.root)
    for path in result.files:
        print(f"wrote {path}")
    for command in result.commands_run:
        print(f"ran   {command}")
    return 0
