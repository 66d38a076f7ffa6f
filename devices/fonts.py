"""The one place that says where the kiosk's font files are.

Noto Sans covers every Vietnamese diacritic; it comes from the Debian package ``fonts-noto-core``
(see the Makefile's system packages). The slip renderer, the simulated scanner's sample pages
and the admin printer self-test all draw with these files; the Qt UI asks fontconfig for the
same family ("Noto Sans") by name.
"""

from __future__ import annotations

from pathlib import Path

NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
REGULAR_FONT = NOTO_DIR / "NotoSans-Regular.ttf"
BOLD_FONT = NOTO_DIR / "NotoSans-Bold.ttf"


def installed(path: Path = REGULAR_FONT) -> Path | None:
    """``path`` when the file is there, else None (renderers then fall back to their default)."""
    return path if path.is_file() else None
