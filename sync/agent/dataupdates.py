"""Catalog and holiday updates: the agent pulls and stages them, the kiosk validates and applies.

The agent (this module's ``DataUpdater``) asks the gateway about once an hour, ``GET
/v1/data/{kind}?have=<serial>`` (204 when up to date), checks the gateway's signature and that
the serial is newer than anything applied or refused, and writes the envelope atomically to
``<data>/data-updates/pending/<kind>.json``. It never loads the content: checking a catalog
needs the kiosk's domain, which sync may not import.

The kiosk (kiosk.data_updates) applies pending updates between sessions through
``UpdateLayout``: the envelope is verified again, its content staged in ``<kind>-<serial>/``
and loaded by the kiosk's own loader; only if that succeeds does the symlink ``current-<kind>``
switch to it (one atomic rename), the previous directory kept for rollback. A refused update
is recorded in ``rejected-<kind>.json`` (serial and reason) so it is neither applied nor pulled
again; a later serial is.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sync.client.failure import Action, Failure, GatewayError
from sync.client.gateway import GatewayClient
from sync.protocol.dataupdate import KINDS, DataUpdate, UpdateError, verify_update

log = logging.getLogger(__name__)

UPDATES_DIR = "data-updates"
CHECK_INTERVAL_S = 3600.0
CONTENT_NAMES = {"catalog": "procedures.json", "holidays": "vn.json"}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
    _fsync_dir(path.parent)


class UpdateLayout:
    """The files under ``<data>/data-updates``; shared by the agent and the kiosk."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / UPDATES_DIR

    def pending(self, kind: str) -> Path:
        return self.root / "pending" / f"{kind}.json"

    def current(self, kind: str) -> Path:
        """The symlink to the applied version's directory (absent: none applied yet)."""
        return self.root / f"current-{kind}"

    @staticmethod
    def staged_content(staged: Path, kind: str) -> Path:
        return staged / CONTENT_NAMES[kind]

    def current_content(self, kind: str) -> Path | None:
        path = self.current(kind) / CONTENT_NAMES[kind]
        return path if path.exists() else None

    def applied(self, kind: str) -> DataUpdate | None:
        """The applied update's envelope facts (content included), or None."""
        envelope = self.current(kind) / "update.json"
        try:
            raw = json.loads(envelope.read_bytes())
        except (OSError, ValueError):
            return None
        content = self.current(kind) / CONTENT_NAMES[kind]
        try:
            data = content.read_bytes()
        except OSError:
            return None
        return DataUpdate(kind, int(raw["serial"]), str(raw["version"]),
                          str(raw["published_at"]), data)

    def applied_serial(self, kind: str) -> int:
        target = self._target(kind)
        return 0 if target is None else _serial(target)

    def _target(self, kind: str) -> Path | None:
        link = self.current(kind)
        if not link.is_symlink():
            return None
        return self.root / link.readlink()

    def rejected_serial(self, kind: str) -> int:
        try:
            raw = json.loads((self.root / f"rejected-{kind}.json").read_bytes())
            return int(raw["serial"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def pending_serial(self, kind: str) -> int:
        try:
            raw = json.loads(self.pending(kind).read_bytes())
            return int(raw["serial"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def known_serial(self, kind: str) -> int:
        """The newest serial this kiosk has: applied, refused or waiting to be applied."""
        return max(self.applied_serial(kind), self.rejected_serial(kind),
                   self.pending_serial(kind))

    def stage(self, update: DataUpdate, envelope: bytes) -> Path:
        """Write the update's content and envelope to ``<kind>-<serial>/`` (fsynced)."""
        staged = self.root / f"{update.kind}-{update.serial}"
        if staged.exists():
            shutil.rmtree(staged)
        staged.mkdir(parents=True)
        _write_atomic(staged / CONTENT_NAMES[update.kind], update.content)
        _write_atomic(staged / "update.json", envelope)
        _fsync_dir(self.root)
        return staged

    def activate(self, kind: str, staged: Path) -> None:
        """Point ``current-<kind>`` at ``staged`` in one rename; keep only the previous one."""
        previous = self._target(kind)
        self._point(kind, staged)
        for old in self.root.glob(f"{kind}-*"):
            if old not in (staged, previous) and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)

    def rollback(self, kind: str) -> bool:
        """Point ``current-<kind>`` back at the newest older version kept; False if none (then
        nothing is applied: the kiosk uses its packaged file)."""
        current = self.applied_serial(kind)
        older = sorted((p for p in self.root.glob(f"{kind}-*")
                        if p.is_dir() and 0 < _serial(p) < current), key=_serial)
        if not older:
            self.current(kind).unlink(missing_ok=True)
            return False
        self._point(kind, older[-1])
        return True

    def _point(self, kind: str, target: Path) -> None:
        tmp = self.root / f".current-{kind}.tmp"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(target.name)
        tmp.replace(self.current(kind))
        _fsync_dir(self.root)

    def reject(self, kind: str, serial: int, reason: str) -> None:
        _write_atomic(self.root / f"rejected-{kind}.json",
                      json.dumps({"serial": serial, "reason": reason[:300]}).encode("utf-8"))
        with contextlib.suppress(OSError):
            shutil.rmtree(self.root / f"{kind}-{serial}")
        self.drop_pending(kind)

    def drop_pending(self, kind: str) -> None:
        self.pending(kind).unlink(missing_ok=True)


class DataUpdater:
    """The agent's side: pull, verify, stage as pending. Not thread-safe."""

    def __init__(self, client: GatewayClient, data_dir: Path, gateway_key: Ed25519PublicKey,
                 *, clock: Callable[[], float] = time.time,
                 interval_s: float = CHECK_INTERVAL_S) -> None:
        self._client = client
        self.layout = UpdateLayout(data_dir)
        self._key = gateway_key
        self._clock = clock
        self.interval_s = interval_s
        self._last_check: float | None = None

    def maybe_pull(self) -> str:
        """Ask for newer updates if an interval has passed; a note for the pass report.
        Raises GatewayError like any exchange."""
        now = self._clock()
        if self._last_check is not None and now - self._last_check < self.interval_s:
            return "not due"
        notes = [f"{kind} {self._pull(kind)}" for kind in KINDS]
        self._last_check = now
        return ", ".join(notes)

    def _pull(self, kind: str) -> str:
        have = self.layout.known_serial(kind)
        answer = self._client.exchange("GET", f"/v1/data/{kind}", query={"have": str(have)},
                                       ok=(200, 204, 404))
        if answer.status != 200:
            return "up to date" if answer.status == 204 else "none published"
        try:
            update = verify_update(answer.body, self._key)
        except UpdateError as exc:
            raise GatewayError(_refused(f"{kind} update refused: {exc}")) from exc
        if update.kind != kind or update.serial <= have:
            raise GatewayError(_refused(f"{kind} update serial {update.serial} is not newer "
                                        f"than {have}"))
        _write_atomic(self.layout.pending(kind), answer.body)
        log.info("%s update %s (serial %d) staged; the kiosk applies it between sessions",
                 kind, update.version, update.serial)
        return f"{update.version} (serial {update.serial}) pending"


def _serial(path: Path) -> int:
    """The serial in a ``<kind>-<serial>`` directory name (0 if none)."""
    tail = path.name.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0


def _refused(detail: str) -> Failure:
    return Failure(Action.RETRY, None, "bad_update", detail)
