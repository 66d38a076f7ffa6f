"""The slip's content, generic: the kiosk fills it, the device layer only lays it out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Receipt:
    """A slip: centred header lines, label/value rows, an optional big code, QR and footer."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]
    big_text: str | None
    qr_text: str | None
    footer: tuple[str, ...]
