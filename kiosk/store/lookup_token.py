"""The random lookup token each application gets at sealing (printed only in the slip's QR)."""

from __future__ import annotations

import secrets
from typing import Final

TOKEN_BYTES: Final = 12
"""96 random bits: guessing one, even with every code known, is out of reach."""


def new_lookup_token() -> str:
    """A fresh URL-safe token (16 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)
