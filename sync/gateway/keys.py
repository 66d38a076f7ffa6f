"""The gateway's own key pairs, made in its data directory on first start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.gateway.private import private_dir
from sync.protocol.keys import (
    generate_encryption_key,
    generate_signing_key,
    load_encryption_key,
    load_signing_key,
    public_key_b64,
    save_private_key,
)

SIGNING_KEY_FILE = "gateway-signing.ed25519"
ENCRYPTION_KEY_FILE = "gateway-encryption.x25519"


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
    return GatewayKeys(signing=load_signing_key(sign_path), encryption=load_encryption_key(enc_path))


def gateway_public_keys(data_dir: Path) -> GatewayPublicKeys:
    """The public keys of the gateway living in ``data_dir`` (made if it has none yet)."""
    return load_or_create_keys(data_dir).public
