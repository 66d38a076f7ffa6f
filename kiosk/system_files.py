"""System configuration files the kiosk writes for other daemons (apt, systemd-journal-upload)."""

from __future__ import annotations

from pathlib import Path


def write_if_changed(path: Path, text: str) -> bool:
    """Replace ``path`` with ``text`` (0644: read by another daemon, holds no secret) when it differs.

    Returns True when the file changed. The rename makes the switch atomic for the reader.
    """
    if path.exists() and path.read_text("utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, "utf-8")
    temp.chmod(0o644)
    temp.replace(path)
    return True
