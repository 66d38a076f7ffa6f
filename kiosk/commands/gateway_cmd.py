"""`kiosk gateway serve`: the reference gateway as its own program (for testers and tests)."""

from __future__ import annotations

import argparse

from kiosk.config import KioskConfig


def serve(args: argparse.Namespace, config: KioskConfig) -> int:
    del config
    from sync.gateway.server import main_serve

    return main_serve(args.port, args.data, args.host)
