"""``python -m sync.gateway --port P --data DIR``: the reference gateway without the kiosk CLI."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sync.gateway.server import main_serve
from sync.gateway.storage import ENV_DOCUMENTS, ENV_S3_ENDPOINT, StorageConfig
from sync.gateway.store import DEFAULT_POOL_SIZE, ENV_POOL_SIZE


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.gateway", description=__doc__)
    parser.add_argument("--port", type=int, default=8780, help="0 picks a free port")
    parser.add_argument("--data", type=Path, required=True, help="the gateway's data directory")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default loopback)")
    database = parser.add_mutually_exclusive_group()
    database.add_argument("--database", default=None,
                          help="postgresql://... to keep the rows in PostgreSQL, shared by "
                               "several gateway processes (default: $DVC_GATEWAY_DATABASE_FILE, "
                               "$DVC_GATEWAY_DATABASE, else SQLite in --data); a password here "
                               "shows in the process list: use PGPASSFILE or --database-file")
    database.add_argument("--database-file", type=Path, default=None,
                          help="a file holding the postgresql://... URL (systemd LoadCredential=)")
    parser.add_argument("--documents", default=os.environ.get(ENV_DOCUMENTS) or "folder",
                        help="where uploaded documents are kept: 'folder' (under --data, shared "
                             "by the processes) or s3://bucket[/prefix] (S3-compatible storage; "
                             f"credentials as boto3 finds them); default ${ENV_DOCUMENTS} or folder")
    parser.add_argument("--s3-endpoint", default=os.environ.get(ENV_S3_ENDPOINT) or None,
                        help="URL of an S3-compatible store that is not AWS (MinIO, Ceph...); "
                             f"default ${ENV_S3_ENDPOINT}")
    parser.add_argument("--pool-size", type=_positive_int,
                        default=int(os.environ.get(ENV_POOL_SIZE) or DEFAULT_POOL_SIZE),
                        help="most PostgreSQL connections this process opens "
                             f"(default ${ENV_POOL_SIZE} or {DEFAULT_POOL_SIZE})")
    args = parser.parse_args(argv)
    return main_serve(args.port, args.data, args.host, args.database,
                      storage=StorageConfig(args.documents, args.s3_endpoint),
                      pool_size=args.pool_size, database_file=args.database_file)


if __name__ == "__main__":
    sys.exit(main())
