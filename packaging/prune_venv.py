"""Uninstall from a virtualenv every distribution its lock file does not name.

pip installs what a lock names but never removes what an older lock named, so a venv that lived
through a lock change (a dropped stub package, say) type-checks and tests differently from CI's
fresh one. ``make setup`` runs this after installing, so the venv is exactly the lock.
Usage: python packaging/prune_venv.py requirements/dev.txt
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

KEEP = {"pip", "setuptools", "wheel", "dvc-kiosk"}
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_names(lock: Path) -> set[str]:
    names = set()
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = _NAME.match(line)
        if match:
            names.add(canonical(match.group(1)))
    return names


def main(argv: list[str]) -> int:
    locked = locked_names(Path(argv[1]))
    installed = {canonical(d.metadata["Name"]) for d in metadata.distributions()}
    extra = sorted(installed - locked - KEEP)
    if extra:
        print("Removing from the venv what the lock no longer names:", " ".join(extra))
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", *extra], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
