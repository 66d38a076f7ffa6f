"""`kiosk import-ack FILE` (and the staff screen's "Nhập ACK", the same ``sync.api.import_ack``)
on a file from a USB stick that is not a gateway ACK: a deeply nested JSON file or a huge one.

Before: a file of 100 000 nested brackets ended in an uncaught RecursionError (exit 1, no
message for staff); a 300 MB file was read whole into memory (and decoded: over 300 MB of RSS)
before it was refused. An ACK is small: the kiosk refuses a file over
``sync.bundles.ack.MAX_ACK_BYTES`` before reading it, and any JSON it cannot decode, in one line,
exit 2, nothing changed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sync.bundles.ack import MAX_ACK_BYTES
from tests.failure_modes.store_cli import kiosk_with_applications, store_file

KIOSK = [sys.executable, "-m", "kiosk.cli"]


def _states(db: Path) -> list[tuple[str, str]]:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return sorted(conn.execute("SELECT application_code, state FROM applications"))


# A small interpreter starts the CLI and reports its child's peak RSS (measured from this large
# test process, the figure would include this process's own pages; as tests/security/test_qr_bomb).
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:], check=False).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "open(sys.argv[1], 'w').write(str(peak))\n"
    "sys.exit(code)\n"
)


def _import_ack(config: Path, ack: Path) -> tuple[int, str, str, float]:
    """Run the real CLI: exit code, stdout, stderr and its own peak resident memory in MiB."""
    peak_file = config.parent / "peak"
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(peak_file), *KIOSK, "--config", str(config),
         "import-ack", str(ack)],
        capture_output=True, text=True, timeout=120, check=False)
    return proc.returncode, proc.stdout, proc.stderr, int(peak_file.read_text()) / 1024


def _provisioned(tmp_path: Path) -> Path:
    """A kiosk with one sealed application (`kiosk sim submit` also records the gateway's key)."""
    return kiosk_with_applications(tmp_path, 1)


def test_a_deeply_nested_file_is_refused_in_one_line(tmp_path: Path) -> None:
    config = _provisioned(tmp_path)
    before = _states(store_file(config))
    ack = tmp_path / "stick" / "dvc-ack-K01-1-1.json"
    ack.parent.mkdir()
    ack.write_text("[" * 100_000 + "]" * 100_000, "ascii")
    code, out, err, _ = _import_ack(config, ack)
    assert code == 2, (code, out, err)
    assert "Traceback" not in err
    assert "RecursionError" not in out + err
    assert "ACK refused" in out
    assert ack.name in out
    assert len((out + err).strip().splitlines()) == 1
    assert _states(store_file(config)) == before


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    config = _provisioned(tmp_path)
    before = _states(store_file(config))
    ack = tmp_path / "stick" / "dvc-ack-K01-1-1.json"
    ack.parent.mkdir()
    with ack.open("wb") as f:  # 300 MB of spaces: sparse would be NULs, spaces are valid JSON
        block = b" " * (1 << 20)
        for _ in range(300):
            f.write(block)
    assert ack.stat().st_size > MAX_ACK_BYTES
    code, out, err, peak = _import_ack(config, ack)
    assert peak < 200, f"the kiosk grew to {peak:.0f} MiB reading a file it refuses"
    assert code == 2, (code, out, err)
    assert "Traceback" not in err
    assert "ACK refused" in out
    assert "too large" in out
    assert _states(store_file(config)) == before
