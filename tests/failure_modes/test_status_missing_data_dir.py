"""``kiosk sync status`` with a data folder that does not exist (a typo in paths.data_dir, an
unmounted disk): one line saying so and what to check, exit 2, and no folder is created.

Before the fix: a ``sqlite3.OperationalError: unable to open database file`` traceback.
"""

from __future__ import annotations

from pathlib import Path

from tests.failure_modes.store_cli import kiosk, one_line, write_config


def test_status_on_a_missing_data_folder_says_what_to_check(tmp_path: Path) -> None:
    config = write_config(tmp_path, "no-such-folder")

    done = kiosk(config, "sync", "status")

    assert done.returncode == 2, done.stdout + done.stderr
    line = one_line(done.stderr)
    assert "does not exist" in line
    assert "paths.data_dir" in line
    assert not (tmp_path / "no-such-folder").exists()


def test_retry_on_a_missing_store_is_refused_in_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    (tmp_path / "data").mkdir()

    done = kiosk(config, "sync", "retry", "K01-000001-9")

    assert done.returncode == 2, done.stdout + done.stderr
    assert "retry refused" in one_line(done.stdout)
    assert list((tmp_path / "data").iterdir()) == []
