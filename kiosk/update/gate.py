"""Between sessions only: the UI publishes whether it is idle at Welcome and yields to an update.

Files in the kiosk's `run/` folder (the kiosk user writes its own, root only the hold request):

- `ui-state.json`, written by the UI on its GUI thread when its state changes:
  `{"state": "idle" | "session" | "yielded", "since": epoch, "pid": n}`. "idle" means the
  Welcome screen with no citizen's session (the lookup and queue screens count as a session).
- `update-hold.json`, written by the updater: an update is waiting.
- `started.json`, written by the UI when Welcome is first shown: the package trial's proof.

The decision to step aside is taken by the UI itself, between two events of its own thread, so a
tap can never start a session the update then cuts: seeing a hold while idle at Welcome for at
least `min_idle_s`, it writes "yielded" and quits; the updater stops the unit and installs.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UI_STATE = "ui-state.json"
HOLD = "update-hold.json"
STARTED = "started.json"
HOLD_STALE_S = 3600.0
_log = logging.getLogger("kiosk.update")  # a hold left by an updater that died is ignored after an hour


MAX_FILE_BYTES = 64 * 1024  # these files are a line of JSON


def _write_json(path: Path, data: dict[str, Any], mode: int = 0o644) -> None:
    """Atomic, readable by the other side (the UI runs as `kiosk`, the updater as root).

    The folder is the kiosk user's, and root writes here too: the temporary file is a new one
    (mkstemp's O_EXCL never follows a link planted in its place) and its mode is set on the
    descriptor; the rename replaces whatever is at ``path`` (a link too) without following it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), mode)
            out.write(json.dumps(data))
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> dict[str, Any] | None:
    """The file's JSON object, or None. Root reads these files of the kiosk user's: a link is
    not followed, only a regular file is read (a FIFO would block open() for ever), and at
    most ``MAX_FILE_BYTES``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        raw = os.read(fd, MAX_FILE_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class UiState:
    state: str
    since: float
    pid: int


def read_ui_state(run_dir: Path) -> UiState | None:
    data = _read_json(run_dir / UI_STATE)
    if data is None:
        return None
    try:
        return UiState(str(data["state"]), float(data["since"]), int(data["pid"]))
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Hold:
    at: float
    target: str


def request_hold(run_dir: Path, target: str, now: float) -> Hold:
    hold = Hold(now, target)
    _write_json(run_dir / HOLD, {"at": now, "target": target})
    return hold


def read_hold(run_dir: Path, now: float) -> Hold | None:
    data = _read_json(run_dir / HOLD)
    if data is None:
        return None
    try:
        hold = Hold(float(data["at"]), str(data["target"]))
    except (KeyError, TypeError, ValueError):
        return None
    return hold if now - hold.at < HOLD_STALE_S else None


def release_hold(run_dir: Path) -> None:
    (run_dir / HOLD).unlink(missing_ok=True)


def confirm_started(run_dir: Path, now: float | None = None) -> None:
    """Called by the UI once Welcome is shown: the installed package starts (trial proof).

    Unwritable (full disk): no proof, so an update on trial is rolled back; the kiosk runs on.
    """
    with contextlib.suppress(OSError):
        _write_json(run_dir / STARTED, {"at": time.time() if now is None else now,
                                        "pid": os.getpid()})


def started_at(run_dir: Path) -> float | None:
    data = _read_json(run_dir / STARTED)
    try:
        return float(data["at"]) if data is not None else None
    except (KeyError, TypeError, ValueError):
        return None


class Gate:
    """The UI's side: call `tick(screen)` from the GUI thread (every second and on each change).

    Returns True exactly when the UI must quit now for an update (it has written "yielded").
    """

    def __init__(self, run_dir: Path, *, min_idle_s: float = 60.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.run_dir = run_dir
        self.min_idle_s = min_idle_s
        self._clock = clock
        self._state = ""
        self._since = 0.0
        self._told: Hold | None = None

    def _set(self, state: str) -> None:
        if state != self._state:
            self._state, self._since = state, self._clock()
            # A full disk must not break a citizen's session (no state file: no update).
            with contextlib.suppress(OSError):
                _write_json(self.run_dir / UI_STATE,
                            {"state": state, "since": self._since, "pid": os.getpid()})

    def tick(self, screen: str) -> bool:
        if self._state == "yielded":
            return True
        idle = screen == "welcome"
        self._set("idle" if idle else "session")
        hold = read_hold(self.run_dir, self._clock())
        if hold is not None and hold != self._told:
            self._told = hold
            _log.info("software update %s waiting for the kiosk to be idle at Welcome", hold.target)
        if hold is None or not idle or self._clock() - self._since < self.min_idle_s:
            return False
        self._set("yielded")
        _log.info("idle at Welcome: leaving for software update %s", hold.target)
        return True
