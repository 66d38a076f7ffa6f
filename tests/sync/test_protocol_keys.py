"""Key encodings and private key files."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol.keys import (
    KeyFormatError,
    decode_key,
    ed25519_public_from_b64,
    generate_encryption_key,
    generate_signing_key,
    load_encryption_key,
    load_signing_key,
    public_key_b64,
    save_private_key,
    x25519_public_from_b64,
)


def test_public_keys_are_padded_standard_base64_of_32_bytes() -> None:
    key = generate_signing_key()
    text = public_key_b64(key)
    assert len(text) == 44
    assert text.endswith("=")
    assert base64.b64decode(text) == key.public_key().public_bytes_raw()
    assert ed25519_public_from_b64(text).public_bytes_raw() == base64.b64decode(text)
    enc = generate_encryption_key()
    assert x25519_public_from_b64(public_key_b64(enc)).public_bytes_raw() == (
        enc.public_key().public_bytes_raw()
    )


@pytest.mark.parametrize("bad", ["", "AAAA", "not base64 at all", base64.b64encode(b"x" * 31)
                                 .decode(), base64.b64encode(b"x" * 32).decode().rstrip("=")])
def test_decode_refuses_malformed_keys(bad: str) -> None:
    with pytest.raises(KeyFormatError):
        decode_key(bad)


def test_private_key_files_roundtrip_with_0600(tmp_path: Path) -> None:
    sign_path, enc_path = tmp_path / "keys" / "kiosk.ed25519", tmp_path / "keys" / "gw.x25519"
    key, enc = generate_signing_key(), generate_encryption_key()
    save_private_key(sign_path, key)
    save_private_key(enc_path, enc)
    assert stat.S_IMODE(sign_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(enc_path.stat().st_mode) == 0o600
    loaded = load_signing_key(sign_path)
    assert loaded.sign(b"m") == key.sign(b"m")  # Ed25519 is deterministic
    assert load_encryption_key(enc_path).public_key().public_bytes_raw() == (
        enc.public_key().public_bytes_raw()
    )
    replacement = Ed25519PrivateKey.generate()
    save_private_key(sign_path, replacement)  # overwrite is atomic and keeps the mode
    assert public_key_b64(load_signing_key(sign_path)) == public_key_b64(replacement)
    assert sorted(p.name for p in sign_path.parent.iterdir()) == ["gw.x25519", "kiosk.ed25519"]


def test_rfc8032_ed25519_vector_through_our_encodings() -> None:
    from sync.protocol.keys import ed25519_private_from_b64

    secret = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701"
        "cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    key = ed25519_private_from_b64(base64.b64encode(secret).decode())
    assert public_key_b64(key) == base64.b64encode(public).decode()
    assert key.sign(b"") == signature


def test_rfc7748_x25519_vector_through_our_encodings() -> None:
    from sync.protocol.keys import x25519_private_from_b64

    alice = x25519_private_from_b64(base64.b64encode(bytes.fromhex(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")).decode())
    bob_pub = x25519_public_from_b64(base64.b64encode(bytes.fromhex(
        "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")).decode())
    assert public_key_b64(alice) == base64.b64encode(bytes.fromhex(
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")).decode()
    assert alice.exchange(bob_pub).hex() == (
        "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
