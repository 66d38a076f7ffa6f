"""Unicode normalisation at the edges.

The same Vietnamese name can arrive precomposed (NFC) from a CCCD QR and decomposed (NFD) from a
keyboard or a file written on another system; unless both are normalised they do not compare,
sort or print alike. Every string that enters the domain passes through `nfc`.
"""

import unicodedata


def nfc(text: str) -> str:
    """The NFC form of `text` (idempotent, cheap when already NFC)."""
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, with runs of whitespace folded to one space and the ends trimmed.

    Used for names and free-text answers, where a doubled space typed on a touch keyboard must not
    make two otherwise equal answers differ.
    """
    return " ".join(nfc(text).split())
