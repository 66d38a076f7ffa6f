"""The embedded default: the reference gateway on loopback, provisioned for this kiosk.

`make run` and a fresh `kiosk run --simulate` need a gateway to sync to; running the project's own
reference gateway in a thread of the kiosk process, on 127.0.0.1, makes the whole path (seal →
agent → gateway → status back) work out of the box with no network and no setup.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig, check_can_start
from kiosk.layout import gateway_dir
from kiosk.provision import (
    GatewayRecord,
    ProvisioningError,
    kiosk_public_key,
    read_gateway_record,
    write_gateway_record,
)
from sync.gateway.db import register_kiosk
from sync.gateway.keys import gateway_public_keys

if TYPE_CHECKING:
    from sync.gateway.server import RunningGateway
    from sync.netsim import FaultProxy


def provision_embedded(config: KioskConfig, url: str = "") -> GatewayRecord:
    """Register this kiosk with the embedded gateway's store and record its keys.

    Without a URL (the gateway is not running in this process) a URL already on record is kept,
    so a running agent is never pointed away from a running gateway.
    """
    check_can_start(config)  # never make gateway keys on a kiosk with real devices
    gw_dir = gateway_dir(config)
    keys = gateway_public_keys(gw_dir)
    register_kiosk(gw_dir, config.kiosk.id, kiosk_public_key(config))
    if not url:
        try:
            url = read_gateway_record(config).url
        except ProvisioningError:
            url = f"http://127.0.0.1:{config.gateway.embedded_port or 8780}"
    record = GatewayRecord(url, keys.signing_b64, keys.encryption_b64)
    write_gateway_record(config, record)
    return record


def start_embedded(config: KioskConfig, *, link: FaultProxy | None = None) -> RunningGateway:
    """Start the reference gateway on loopback and point this kiosk's record at it.

    With `link` (simulated kiosks), the agent reaches the gateway through that proxy, so testers
    can take the link down, slow it to 2G, and bring it back.
    """
    from sync.gateway.server import start_gateway

    check_can_start(config)
    running = start_gateway(gateway_dir(config), host="127.0.0.1", port=config.gateway.embedded_port)
    if link is not None:
        link.retarget("127.0.0.1", running.port)
    provision_embedded(config, link.url if link is not None else running.url)
    return running


def serve_reference_gateway(port: int, data: Path, host: str, *, database: str | None = None,
                            documents: str | None = None, s3_endpoint: str | None = None,
                            pool_size: int | None = None, database_file: Path | None = None) -> int:
    """`kiosk gateway serve`: the reference gateway as its own program (testers, tests, or a
    province's processes, as `python -m sync.gateway`: the same options and the same defaults,
    None taking $DVC_GATEWAY_DOCUMENTS, $DVC_GATEWAY_S3_ENDPOINT, $DVC_GATEWAY_DB_POOL)."""
    import os

    from sync.gateway.server import main_serve
    from sync.gateway.storage import ENV_DOCUMENTS, ENV_S3_ENDPOINT, StorageConfig
    from sync.gateway.store import DEFAULT_POOL_SIZE, ENV_POOL_SIZE

    storage = StorageConfig(documents or os.environ.get(ENV_DOCUMENTS) or "folder",
                            s3_endpoint or os.environ.get(ENV_S3_ENDPOINT) or None)
    if pool_size is None:
        pool_size = int(os.environ.get(ENV_POOL_SIZE) or DEFAULT_POOL_SIZE)
    return main_serve(port, data, host, database, storage=storage, pool_size=pool_size,
                      database_file=database_file)
