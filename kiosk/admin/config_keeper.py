"""Changing the configuration safely: validated, written atomically, last good kept.

A technician's change is validated before it is written. The file it replaces is kept as
`<name>.last-good`, and a trial marker stands until the kiosk reaches its Welcome screen with the
new file. If the kiosk starts again while the marker still stands, the new configuration never
got the kiosk running: the last good one is put back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.config import ConfigError, KioskConfig, parse_config
from kiosk.store.files import atomic_write


class StartDecision(StrEnum):
    NORMAL = "normal"
    TRIAL = "trial"  # first start with a new configuration
    RESTORED = "restored"  # the new one failed to start; the last good one is back


@dataclass(frozen=True)
class Proposal:
    accepted: bool
    message: str
    config: KioskConfig | None = None


def _write_atomic(path: Path, text: str) -> None:
    atomic_write(path.parent, path.name, text.encode("utf-8"))


class ConfigKeeper:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.last_good = path.with_name(path.name + ".last-good")
        self.trial = path.with_name(path.name + ".trial")

    def propose(self, text: str) -> Proposal:
        """Validate and, if valid, install `text` as the configuration (on trial)."""
        try:
            config = parse_config(text, source=self.path.name, base_dir=self.path.parent)
        except ConfigError as exc:
            return Proposal(False, str(exc))
        if self.path.exists():
            _write_atomic(self.last_good, self.path.read_text("utf-8"))
        _write_atomic(self.path, text)
        _write_atomic(self.trial, "0")
        return Proposal(True, "saved; it is kept if the kiosk starts with it", config)

    def on_start(self) -> StartDecision:
        """Call first thing at start-up, before reading the configuration."""
        if not self.trial.exists():
            return StartDecision.NORMAL
        starts = int(self.trial.read_text("utf-8").strip() or "0")
        if starts >= 1 and self.last_good.exists():
            _write_atomic(self.path, self.last_good.read_text("utf-8"))
            self.trial.unlink()
            return StartDecision.RESTORED
        _write_atomic(self.trial, str(starts + 1))
        return StartDecision.TRIAL

    def confirm_good(self) -> None:
        """Call when the kiosk is up (Welcome shown): the current file becomes the last good."""
        if self.path.exists():
            _write_atomic(self.last_good, self.path.read_text("utf-8"))
        self.trial.unlink(missing_ok=True)
