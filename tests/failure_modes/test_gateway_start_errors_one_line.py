"""The gateway programs that cannot start say why in one line, exit 2, and touch nothing.

Before (`python -m sync.gateway`, `kiosk gateway serve`):
- ``--port 99999``: OverflowError, the "uncaught exception" crash line, exit 1;
- ``--data`` naming a file: "cannot listen on 127.0.0.1:0: File exists" (it was the data
  folder, not the address);
- a ``gateway.sqlite3`` that is not a database: sqlite3.DatabaseError crash line, exit 1;
- PostgreSQL that does not answer: psycopg_pool.PoolTimeout crash line, exit 1;
- a damaged key file (gateway-signing.ed25519 emptied or overwritten): KeyFormatError crash
  line, exit 1, saying neither which file nor what to do. (The key is kept as it is: a new one
  would make every kiosk refuse the gateway, or no sealed application open.)

Real parts: the two programs as processes; a PostgreSQL URL whose socket folder has no server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULE = [sys.executable, "-m", "sync.gateway"]
KIOSK = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())",
         "gateway", "serve"]
ENTRY_POINTS = {"python-m": MODULE, "kiosk": KIOSK}
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if not k.startswith(("DVC_GATEWAY_", "PGPASS"))}
NOT_SQLITE = b"these bytes are not an SQLite database " * 200


def _run(entry: str, *args: str) -> tuple[int, list[str], str]:
    """Exit code, the lines that are not JSON log lines, all the output."""
    try:
        done = subprocess.run([*ENTRY_POINTS[entry], *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=90, env=CLEAN_ENV, check=False)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the gateway started: {exc.stdout!r}")
    out = done.stdout + done.stderr
    return done.returncode, [line for line in out.splitlines() if not line.startswith("{")], out


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_port_out_of_range_is_one_line(tmp_path: Path, entry: str) -> None:
    code, lines, out = _run(entry, "--port", "99999", "--data", str(tmp_path / "gw"))
    assert code == 2, out
    assert lines == [lines[0]], out
    assert lines[0].startswith("gateway: cannot listen on 127.0.0.1:99999"), lines


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_data_folder_that_is_a_file_is_named_as_such(tmp_path: Path, entry: str) -> None:
    data = tmp_path / "gw"
    data.write_bytes(b"not a folder")
    code, lines, out = _run(entry, "--port", "0", "--data", str(data))
    assert code == 2, out
    assert lines == [lines[0]], out
    assert lines[0].startswith(f"gateway: cannot use the data folder {data}"), lines
    assert data.read_bytes() == b"not a folder"


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_gateway_database_that_is_not_sqlite_is_one_line_and_kept(
        tmp_path: Path, entry: str) -> None:
    data = tmp_path / "gw"
    data.mkdir()
    (data / "gateway.sqlite3").write_bytes(NOT_SQLITE)
    code, lines, out = _run(entry, "--port", "0", "--data", str(data))
    assert code == 2, out
    assert lines == [lines[0]], out
    assert lines[0].startswith(f"gateway: cannot open the database {data / 'gateway.sqlite3'}")
    assert (data / "gateway.sqlite3").read_bytes() == NOT_SQLITE  # nothing touched


@pytest.mark.slow
def test_postgresql_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    """(about 10 s: the pool tries for its whole timeout, as it would for a server starting)"""
    no_server = tmp_path / "no-server"
    no_server.mkdir()
    code, lines, out = _run("python-m", "--port", "0", "--data", str(tmp_path / "gw"),
                            "--database", f"postgresql://dvc@/dvc?host={no_server}")
    assert code == 2, out
    assert "uncaught exception" not in out
    assert lines == [lines[0]], out
    assert lines[0].startswith("gateway: cannot use the PostgreSQL database"), lines


@pytest.mark.parametrize("damage", [b"", b"garbage\n", b"QUJD\n", b"\xff\xfe\x00 not text"])
@pytest.mark.parametrize("key_file", ["gateway-signing.ed25519", "gateway-encryption.x25519"])
def test_a_damaged_key_file_is_named_and_kept(tmp_path: Path, key_file: str,
                                              damage: bytes) -> None:
    data = tmp_path / "gw"
    code, _, out = _run("python-m", "--port", "99999", "--data", str(data))  # makes the keys
    assert code == 2, out
    (data / key_file).write_bytes(damage)
    code, lines, out = _run("python-m", "--port", "0", "--data", str(data))
    assert code == 2, out
    assert lines == [lines[0]], out
    assert lines[0].startswith(f"gateway: the key file {data / key_file} is damaged"), lines
    assert "backup" in lines[0]
    assert (data / key_file).read_bytes() == damage  # never replaced by a new key
