"""The kiosk's keys and what it knows of its gateway (`kiosk provision`).

Layout under `<data_dir>/keys/`: `kiosk.ed25519` (this kiosk's private signing key, 0600) and
`gateway.json` (the gateway's URL and its two public keys). In the embedded default, the
reference gateway lives in `<data_dir>/gateway/` on loopback and the kiosk registers itself there.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config import NOT_PROVISIONED, KioskConfig
from kiosk.store.files import atomic_write
from sync.api import (
    decode_key,
    generate_signing_key,
    load_signing_key,
    public_key_b64,
    save_private_key,
)

KEY_FILE = "kiosk.ed25519"
GATEWAY_FILE = "gateway.json"


class ProvisioningError(Exception):
    """The kiosk cannot talk to a gateway yet; the message says what is missing."""


@dataclass(frozen=True)
class GatewayRecord:
    url: str
    signing_public_key: str
    encryption_public_key: str


def keys_dir(config: KioskConfig) -> Path:
    return config.data_dir / "keys"


def kiosk_key_path(config: KioskConfig) -> Path:
    return keys_dir(config) / KEY_FILE


def ensure_kiosk_key(config: KioskConfig) -> Ed25519PrivateKey:
    """Load this kiosk's signing key, making it on first use."""
    path = kiosk_key_path(config)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        save_private_key(path, generate_signing_key())
    return load_signing_key(path)


def kiosk_public_key(config: KioskConfig) -> str:
    return public_key_b64(ensure_kiosk_key(config))


def write_gateway_record(config: KioskConfig, record: GatewayRecord) -> None:
    for key in (record.signing_public_key, record.encryption_public_key):
        decode_key(key)  # refuses anything that is not base64 of 32 bytes
    atomic_write(keys_dir(config), GATEWAY_FILE, json.dumps(asdict(record), indent=2).encode("utf-8"))


def read_gateway_record(config: KioskConfig) -> GatewayRecord:
    """The gateway to use: the config's (remote mode) or the provisioned record."""
    gw = config.gateway
    if gw.unprovisioned:
        raise ProvisioningError(NOT_PROVISIONED)
    if gw.mode == "remote":
        return GatewayRecord(gw.url, gw.signing_public_key, gw.encryption_public_key)
    path = keys_dir(config) / GATEWAY_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
        return GatewayRecord(str(data["url"]), str(data["signing_public_key"]),
                             str(data["encryption_public_key"]))
    except FileNotFoundError as exc:
        raise ProvisioningError(
            f"not provisioned: {path} is missing (run `kiosk provision`, or start the kiosk, which "
            "provisions the embedded gateway)") from exc
    except (ValueError, KeyError) as exc:
        raise ProvisioningError(f"{path} is damaged: {exc}") from exc
