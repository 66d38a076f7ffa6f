"""Key pairs and their encodings: base64 (standard, padded) of the raw 32 bytes.

Private keys are stored the same way, one line in a file readable by the owner only, written
atomically so a power cut never leaves a half key behind.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

KEY_BYTES = 32
PRIVATE_FILE_MODE = 0o600


class KeyFormatError(ValueError):
    """A key string or file is not a 32-byte base64 key."""


def b64encode(raw: bytes) -> str:
    """Standard, padded base64 as text."""
    return base64.b64encode(raw).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict standard base64 (padding required, no stray characters)."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise KeyFormatError("not valid base64") from exc


def decode_key(text: str) -> bytes:
    """The raw 32 bytes of a base64 key."""
    raw = b64decode(text.strip())
    if len(raw) != KEY_BYTES:
        raise KeyFormatError(f"a key is {KEY_BYTES} bytes, got {len(raw)}")
    return raw


def generate_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def generate_encryption_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def private_raw(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def public_raw(
    key: Ed25519PrivateKey | X25519PrivateKey | Ed25519PublicKey | X25519PublicKey,
) -> bytes:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey | X25519PrivateKey) else key
    return pub.public_bytes_raw()


def public_key_b64(
    key: Ed25519PrivateKey | X25519PrivateKey | Ed25519PublicKey | X25519PublicKey,
) -> str:
    """The base64 public key as it travels in provisioning and the gateway's kiosk table."""
    return b64encode(public_raw(key))


def ed25519_public_from_b64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(decode_key(text))


def x25519_public_from_b64(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(decode_key(text))


def ed25519_private_from_b64(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(decode_key(text))


def x25519_private_from_b64(text: str) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(decode_key(text))


def save_private_key(path: Path, key: Ed25519PrivateKey | X25519PrivateKey) -> None:
    """Write the key atomically with mode 0600 (temp file, fsync, rename, fsync the directory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        os.write(fd, (b64encode(private_raw(key)) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    tmp.replace(path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _read_private(path: Path) -> str:
    return path.read_text(encoding="ascii").strip()


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    return ed25519_private_from_b64(_read_private(path))


def load_encryption_key(path: Path) -> X25519PrivateKey:
    return x25519_private_from_b64(_read_private(path))
