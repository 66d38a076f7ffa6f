"""Helpers for the store-fault tests: a kiosk data folder with sealed applications, the real CLI.

The faults are reproduced as a technician met them: through ``python -m kiosk.cli`` in a child
process, on a data folder the kiosk itself filled with ``kiosk sim submit``.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

KIOSK = [sys.executable, "-m", "kiosk.cli"]


def kiosk(config: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run ``kiosk --config CONFIG ARGS...`` and return what it did (never raises on exit code)."""
    return subprocess.run([*KIOSK, "--config", str(config), *args], input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def kiosk_with_applications(tmp_path: Path, count: int) -> Path:
    """A config whose data folder holds ``count`` sealed applications; returns the config path."""
    config = tmp_path / "kiosk.toml"
    config.write_text('[paths]\ndata_dir = "data"\n', "utf-8")
    done = kiosk(config, "sim", "submit", "--count", str(count))
    assert done.returncode == 0, done.stderr
    return config


def data_dir(config: Path) -> Path:
    return config.parent / "data"


def store_file(config: Path) -> Path:
    return data_dir(config) / "kiosk.sqlite3"


def checkpoint(db: Path) -> None:
    """Fold the WAL into the main file so the file alone is the whole database."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def documents_snapshot(config: Path) -> dict[str, str]:
    """Every file under docs/ (relative path -> sha256): what must survive any refusal."""
    docs = data_dir(config) / "docs"
    return {str(p.relative_to(docs)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(docs.rglob("*")) if p.is_file()}


def one_line(text: str) -> str:
    """The single non-empty line of ``text`` (fails when there are more, or a traceback)."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text, text
    return lines[0]


def write_config(folder: Path, data_dir: str = "data") -> Path:
    """A minimal configuration in ``folder`` whose data folder is ``data_dir`` (relative)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "kiosk.toml"
    config.write_text(f'[paths]\ndata_dir = "{data_dir}"\n', "utf-8")
    return config


@contextmanager
def small_disk(where: Path, size: str = "4m") -> Iterator[Path]:
    """A real, small filesystem (tmpfs) mounted at ``where``; skips when mounting is not allowed."""
    import os

    import pytest

    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
                             capture_output=True, text=True, check=False, timeout=30)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False, timeout=30)


def fill(disk: Path) -> None:
    """Fill ``disk`` to the last byte (a file of zeros written until ENOSPC)."""
    import errno

    for name, block in (("filler", b"\0" * 65536), ("filler-tail", b"\0")):
        with (disk / name).open("wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(block)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
