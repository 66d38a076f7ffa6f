"""Structured JSON logs with no personal data.

structlog renders every record (ours and the libraries' stdlib logging) as one JSON object per
line, which journald keeps and any log shipper reads; a scrubbing processor drops fields that can
hold personal data and masks anything shaped like a citizen ID in free text, so a careless log
call cannot leak a citizen into the journal.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

from kiosk.events import Event

PERSONAL_KEYS = frozenset({
    "citizen_id", "old_id", "full_name", "name", "date_of_birth", "dob", "address", "identity",
    "answers", "payload", "phone", "otp", "code_typed",
})
_ID_LIKE = re.compile(r"(?<!\d)\d{9}(?:\d{3})?(?!\d)")


def scrub(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Remove personal fields and mask 9/12-digit numbers (CMND/CCCD shaped) anywhere in text."""
    for key in list(event_dict):
        if key in PERSONAL_KEYS:
            event_dict[key] = "[removed]"
        elif isinstance(event_dict[key], str):
            event_dict[key] = _ID_LIKE.sub("[id]", event_dict[key])
    return event_dict


def _processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        scrub,
    ]


def configure(stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """Route stdlib logging and structlog to JSON lines on `stream` (stderr → journald)."""
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_processors(),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_dvc_kiosk", False):
            root.removeHandler(old)
    handler._dvc_kiosk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    structlog.configure(
        processors=[*_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def log_event(event: Event, **fields: Any) -> None:
    """Log one typed event; `fields` must be ids, counts and states, never personal data."""
    structlog.get_logger("kiosk").info(event.value, **fields)
