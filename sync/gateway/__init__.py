"""The reference gateway: protocol v1 over real HTTP, for development, testers and tests.

Public entry points: ``start_gateway`` (in-process, for tests), ``main_serve`` (the CLI),
``register_kiosk`` and ``gateway_public_keys`` (for provisioning), ``GatewayControl`` and
``Fault`` (the test-control surface), ``StorageConfig`` (documents in the data folder or in
S3-compatible object storage: sync.gateway.storage).
"""

from sync.gateway.control import GatewayControl
from sync.gateway.db import register_kiosk
from sync.gateway.faults import Fault, FaultKind
from sync.gateway.keys import GatewayPublicKeys, gateway_public_keys
from sync.gateway.limits import GatewayLimits
from sync.gateway.server import RunningGateway, main_serve, start_gateway
from sync.gateway.storage import StorageConfig

__all__ = [
    "Fault",
    "FaultKind",
    "GatewayControl",
    "GatewayLimits",
    "GatewayPublicKeys",
    "RunningGateway",
    "StorageConfig",
    "gateway_public_keys",
    "main_serve",
    "register_kiosk",
    "start_gateway",
]
