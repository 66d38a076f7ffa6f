"""Closed status types shared by every device.

One small vocabulary lets the UI and the technician screens react to any device the same way,
and keeps "we do not know" (UNKNOWN) apart from "fine" (READY).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DeviceStatus(StrEnum):
    """What a device can be; values are stable strings for logs and the technician screens."""

    READY = "ready"
    BUSY = "busy"
    NO_PAPER = "no_paper"
    COVER_OPEN = "cover_open"
    JAMMED = "jammed"
    FEEDER_EMPTY = "feeder_empty"
    DISCONNECTED = "disconnected"
    ERROR = "error"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Health:
    """A device's status with a technician-facing English detail (never personal data)."""

    status: DeviceStatus
    detail: str = ""
