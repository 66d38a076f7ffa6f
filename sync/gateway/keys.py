"""The gateway's own key pairs, made in its data directory on first start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.gateway.private import private_dir
from sync.protocol.keys import (
    KeyFormatError,
    generate_encryption_key,
    generate_signing_key,
    load_encryption_key,
    load_signing_key,
    public_key_b64,
    save_private_key,
)

SIGNING_KEY_FILE = "gateway-signing.ed25519"
ENCRYPTION_KEY_FILE = "gateway-encryption.x25519"
T = TypeVar("T")


class DamagedKeyError(KeyFormatError):
    """A key file is there but holds no key: it is kept as it is (a new signing key would make
    every kiosk refuse the gateway; a new encryption key, no sealed application open)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"the key file {path} is damaged ({reason}): put it back from a "
                         "backup; a new key would make every kiosk refuse this gateway, or no "
                         "sealed application open")
        self.path = path


def _load(path: Path, loader: Callable[[Path], T]) -> T:
    try:
        return loader(path)
    except ValueError as exc:  # KeyFormatError, or bytes that are not even ASCII
        raise DamagedKeyError(path, str(exc).split("\n", 1)[0][:120]) from exc


@dataclass(frozen=True)
class GatewayKeys:
    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey

    @property
    def public(self) -> GatewayPublicKeys:
        return GatewayPublicKeys(
            signing_b64=public_key_b64(self.signing),
            encryption_b64=public_key_b64(self.encryption),
        )


@dataclass(frozen=True)
class GatewayPublicKeys:
    """What a kiosk is provisioned with (base64 of the raw 32 bytes)."""

    signing_b64: str  # Ed25519: verifies X-Gateway-Signature and ACK files
    encryption_b64: str  # X25519: payloads are sealed to it


def load_or_create_keys(data_dir: Path) -> GatewayKeys:
    """Load the key pairs, generating each one that is missing (first start)."""
    private_dir(data_dir)
    sign_path, enc_path = data_dir / SIGNING_KEY_FILE, data_dir / ENCRYPTION_KEY_FILE
    if not sign_path.exists():
        save_private_key(sign_path, generate_signing_key())
    if not enc_path.exists():
        save_private_key(enc_path, generate_encryption_key())
    return GatewayKeys(signing=_load(sign_path, load_signing_key),
                       encryption=_load(enc_path, load_encryption_key))


def gateway_public_keys(data_dir: Path) -> GatewayPublicKeys:
    """The public keys of the gateway living in ``data_dir`` (made if it has none yet)."""
    return load_or_create_keys(data_dir).public
