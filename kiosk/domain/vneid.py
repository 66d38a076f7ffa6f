"""The identity the gateway returns for a VNeID token, checked exactly like a card's QR.

The gateway answers the CCCD QR's fields with ISO dates. They are put back into the card's line
and read by :func:`parse_cccd`, so a VNeID login and a card login give the same ``Identity`` and
pass the same checks (ID digits against birth date and gender, a plausible name and address).
"""

from collections.abc import Mapping
from datetime import date

from kiosk.domain.cccd import QrRejected, RejectCode, parse_cccd
from kiosk.domain.identity import Identity


def _card_date(iso: str) -> str:
    """``1975-03-08`` -> ``08031975``; anything else is passed on for the parser to refuse."""
    try:
        return date.fromisoformat(iso.strip()).strftime("%d%m%Y")
    except ValueError:
        return iso


def identity_from_vneid(fields: Mapping[str, str], *, today: date | None = None) -> Identity | QrRejected:
    """An ``Identity`` from the gateway's answer, or a ``QrRejected`` when it does not hold up."""
    try:
        line = "|".join([
            fields["citizen_id"], "", fields["full_name"], _card_date(fields["date_of_birth"]),
            fields["gender"], fields["address"], "",
        ])
    except KeyError:
        return QrRejected.of(RejectCode.TOO_FEW_FIELDS)
    if any("|" in v for v in fields.values()):
        return QrRejected.of(RejectCode.NOT_CCCD)
    return parse_cccd(line, today=today)
