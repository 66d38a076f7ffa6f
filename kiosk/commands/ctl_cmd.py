"""`kiosk ctl CMD [ARGS...]`: one command to a running simulated kiosk; prints its JSON answer."""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.config import KioskConfig
from kiosk.ctl.client import call
from kiosk.ctl.protocol import CtlError
from kiosk.layout import ctl_socket


def ctl(args: argparse.Namespace, config: KioskConfig) -> int:
    try:
        result = call(ctl_socket(config), args.cmd, list(args.argv), timeout_s=args.timeout)
    except CtlError as exc:
        print(f"kiosk ctl {args.cmd}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False))
    return 0
