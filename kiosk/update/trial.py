"""The package on trial: the last-good idea of `kiosk.admin.config_keeper` applied to the `.deb`.

The cache folder (root's, `/var/cache/dvc-kiosk/debs`) keeps the `.deb` of the version known to
start, so going back needs no link. Installing a new version writes `trial.json` (new version,
previous version and its `.deb`, when); the trial ends when the UI proves it reached Welcome
(`gate.started_at` after the trial began) or, failing that, by a rollback to the previous `.deb`.
A version that failed is remembered in `refused.json` and not tried again.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

KEEP_GOOD = 2  # the running version's .deb and the one before


@dataclass(frozen=True)
class Trial:
    version: str
    previous_version: str
    previous_deb: str
    since: float


class PackageKeeper:
    def __init__(self, cache_dir: Path) -> None:
        self.dir = cache_dir
        self.trial_file = cache_dir / "trial.json"
        self.refused_file = cache_dir / "refused.json"

    def _write(self, path: Path, data: object) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(data), "utf-8")
        temp.replace(path)

    # -- the .debs known to start ------------------------------------------------------------
    def deb_for(self, version: str) -> Path | None:
        for deb in self.dir.glob("*.deb"):
            if deb.name.split("_")[1:2] == [version.replace(":", "%3a")]:
                return deb
        return None

    def keep(self, deb: Path, version: str) -> Path:
        """Copy a `.deb` that started into the cache (named as apt names it); prune old ones."""
        self.dir.mkdir(parents=True, exist_ok=True)
        parts = deb.name.split("_")
        arch = parts[2] if len(parts) == 3 else "all.deb"
        target = self.dir / f"{parts[0]}_{version.replace(':', '%3a')}_{arch}"
        if deb.resolve().parent == (self.dir / "incoming").resolve():
            deb.replace(target)  # downloaded by apt for us: moved, not copied
        elif deb.resolve() != target.resolve():  # a USB stick, a technician's copy
            shutil.copyfile(deb, target.with_suffix(".part"))
            target.with_suffix(".part").replace(target)
        debs = sorted(self.dir.glob("*.deb"), key=lambda p: p.stat().st_mtime, reverse=True)
        target.touch()
        for old in [p for p in debs if p != target][KEEP_GOOD - 1:]:
            old.unlink()
        return target

    # -- the trial ----------------------------------------------------------------------------
    def begin(self, trial: Trial) -> None:
        self._write(self.trial_file, asdict(trial))

    def pending(self) -> Trial | None:
        try:
            return Trial(**json.loads(self.trial_file.read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def end(self) -> None:
        self.trial_file.unlink(missing_ok=True)

    # -- versions that failed to start ----------------------------------------------------------
    def refused(self) -> set[str]:
        try:
            return set(json.loads(self.refused_file.read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            return set()

    def refuse(self, version: str) -> None:
        self._write(self.refused_file, sorted(self.refused() | {version}))
