"""What the slip's QR carries for the status lookup: the code and a random lookup token.

``DVCK1:<application code>:<token>``. The token (made at sealing, kept in the store and on the
paper only) proves the reader holds the slip; a bare code (typed, or an older slip) proves nothing,
because codes are sequential and their check digit is public.
"""

from __future__ import annotations

from typing import Final

from kiosk.domain.appcode import parse_code

QR_SCHEME: Final = "DVCK1"


def slip_qr_text(application_code: str, lookup_token: str | None) -> str:
    """What the slip's QR carries for this application (the bare code when it has no token)."""
    if not lookup_token:
        return application_code
    return f"{QR_SCHEME}:{application_code}:{lookup_token}"


def parse_lookup_text(text: str) -> tuple[str, str | None] | None:
    """``(code, token or None)`` from a QR payload or a typed code; None when it is not a code
    (or a mistyped one: the check digit fails)."""
    text = text.strip()
    token: str | None = None
    if text.startswith(f"{QR_SCHEME}:"):
        parts = text.split(":")
        if len(parts) != 3 or not parts[2] or len(parts[2]) > 64:
            return None
        text, token = parts[1], parts[2]
    parsed = parse_code(text)
    return None if parsed is None else (str(parsed), token)
