"""Body timestamps: ISO 8601 UTC with ``Z``, to the second."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_UTC_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def format_utc(moment: datetime | float) -> str:
    """``2026-11-22T13:02:43Z`` from an aware datetime or epoch seconds (truncated)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: protocol times are UTC")
        dt = moment.astimezone(UTC)
    else:
        dt = datetime.fromtimestamp(moment, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def is_utc(text: str) -> bool:
    if not _UTC_RE.match(text):
        return False
    try:
        parse_utc(text)
    except ValueError:
        return False
    return True


def parse_utc(text: str) -> datetime:
    """Parse the protocol's form only; anything else raises ValueError."""
    if not _UTC_RE.match(text):
        raise ValueError(f"not an ISO 8601 UTC second: {text!r}")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
