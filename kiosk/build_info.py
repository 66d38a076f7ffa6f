"""When this copy of the kiosk software was built: a moment known to have passed.

The kiosk refuses to seal while its clock says a time more than a day before it (see
``kiosk.clock_trust``). ``make deb`` stamps ``BUILD_TIME`` in the staged copy of this file:

    python -m kiosk.build_info --stamp <staged>/kiosk/build_info.py   # SOURCE_DATE_EPOCH honoured

A checkout keeps ``BUILD_TIME`` empty and falls back on ``SOURCE_DATE``, the day this file was
last edited by hand, which is never after a real build of that source.
"""

from __future__ import annotations

import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

SOURCE_DATE = "2026-11-01T00:00:00Z"
BUILD_TIME = ""


def _epoch(text: str) -> float | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def build_time() -> float | None:
    """Epoch seconds of the build (or the source date in a checkout)."""
    times = [t for t in (_epoch(BUILD_TIME), _epoch(SOURCE_DATE)) if t is not None]
    return max(times) if times else None


def stamp(path: Path, when: float | None = None) -> str:
    """Write the build time into ``path`` (a copy of this file); returns the ISO time written."""
    if when is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        when = float(epoch) if epoch.isdigit() else time.time()
    iso = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = path.read_text("utf-8")
    new, count = re.subn(r'^BUILD_TIME = ".*"$', f'BUILD_TIME = "{iso}"', text, count=1, flags=re.M)
    if count != 1:
        raise ValueError(f"{path}: no BUILD_TIME line")
    path.write_text(new, "utf-8")
    return iso


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--stamp":
        print("usage: python -m kiosk.build_info --stamp FILE", file=sys.stderr)
        sys.exit(2)
    print(stamp(Path(sys.argv[2])))
