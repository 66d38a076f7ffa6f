"""Listing the scanners SANE can see, for the technician screens and for first setup.

``scanimage -f`` prints one line per device in a format we choose, which is sturdier to parse
than the prose of ``scanimage -L``. Network backends (airscan, escl) can take seconds to look
around, so the call is bounded like every other.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

_SEP = "\x1f"  # unit separator: never part of a device name or model
_FORMAT = _SEP.join(["%d", "%v", "%m", "%t"]) + "%n"


@dataclass(frozen=True)
class SaneDevice:
    """One device as SANE names it; ``name`` is what ``SaneSettings.device`` takes."""

    name: str
    vendor: str
    model: str
    kind: str


def list_sane_devices(
    scanimage: str = "scanimage",
    *,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 30.0,
) -> tuple[SaneDevice, ...]:
    """Every device SANE finds; empty when there is none, when scanimage is missing or when the
    search does not finish in time (a technician screen says so rather than hang)."""
    try:
        done = subprocess.run(
            [scanimage, "-f", _FORMAT],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            env={**os.environ, **(env or {})},
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ()
    devices = []
    for line in done.stdout.splitlines():
        fields = line.split(_SEP)
        if len(fields) == 4 and fields[0]:
            devices.append(SaneDevice(*fields))
    return tuple(devices)
