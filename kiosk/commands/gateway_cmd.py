"""`kiosk gateway serve`: the reference gateway as its own program (for testers and tests, or a
province's gateway processes: the options of `python -m sync.gateway`)."""

from __future__ import annotations

import argparse

from kiosk.config import KioskConfig


def serve(args: argparse.Namespace, config: KioskConfig) -> int:
    del config
    from kiosk.wiring.embedded import serve_reference_gateway

    return serve_reference_gateway(args.port, args.data, args.host, database=args.database,
                                   documents=args.documents, s3_endpoint=args.s3_endpoint,
                                   pool_size=args.pool_size, database_file=args.database_file)
