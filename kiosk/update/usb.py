"""Finding an update bundle on a mounted staff USB stick (`<stick>/dvc-kiosk-update/`).

udisks mounts sticks under /media/<user>/<label> or /run/media/<user>/<label>; a fixed mount is
often /media/<label>. kiosk-update.timer runs every hour, so a stick left in is used within the
hour (a .path unit would re-trigger the service for as long as the stick stays in).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

BUNDLE_DIR = "dvc-kiosk-update"
MEDIA_ROOTS = (Path("/media"), Path("/run/media"), Path("/mnt"))


def find_bundles(roots: Sequence[Path] = MEDIA_ROOTS) -> list[Path]:
    """Every `dvc-kiosk-update` folder one or two levels under the media roots."""
    found: list[Path] = []
    for root in roots:
        for pattern in (f"*/{BUNDLE_DIR}", f"*/*/{BUNDLE_DIR}"):
            try:
                found += [p for p in sorted(root.glob(pattern)) if p.is_dir()]
            except OSError:
                continue  # a stick pulled out while we looked
    return found
