"""``python -m sync.gateway --port P --data DIR``: the reference gateway without the kiosk CLI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sync.gateway.server import main_serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.gateway", description=__doc__)
    parser.add_argument("--port", type=int, default=8780, help="0 picks a free port")
    parser.add_argument("--data", type=Path, required=True, help="the gateway's data directory")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default loopback)")
    parser.add_argument("--database", default=None,
                        help="postgresql://... to keep the rows in PostgreSQL, shared by several "
                             "gateway processes (default: SQLite in --data)")
    args = parser.parse_args(argv)
    return main_serve(args.port, args.data, args.host, args.database)


if __name__ == "__main__":
    sys.exit(main())
