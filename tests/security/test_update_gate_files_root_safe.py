"""Root's updater and the kiosk's `run/` folder: the kiosk user cannot make root write, chmod or
hang through a file it planted there.

`kiosk system update` runs as root (kiosk-update.service) and talks to the UI through files in
the kiosk's own `run/` folder (kiosk.update.gate): it writes `update-hold.json` and reads
`ui-state.json` and `started.json`. Before:
- root wrote the hold through a temporary file of a predictable name (`.update-hold.json.<its
  pid>.tmp`) with open(O_CREAT|O_TRUNC) and chmod by path, both of which follow a symbolic link:
  a link planted there by the kiosk user (the folder is its own) made root truncate any file of
  the system, write the hold's JSON into it and make it world-readable;
- root read the UI's files by path: a FIFO planted as `ui-state.json` kept the updater waiting
  on open() for ever (no update, no rollback).
Now root's writes go through a new file made with O_EXCL (mkstemp: a link is never followed)
and chmod on its descriptor, and reads open with O_NOFOLLOW|O_NONBLOCK, take only a regular
file and at most 64 KiB.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

from kiosk.update import gate

SHADOW = "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n"


def test_a_planted_link_never_makes_root_write_or_chmod_another_file(tmp_path: Path) -> None:
    run_dir = tmp_path / "var-lib-dvc-kiosk" / "run"  # the kiosk user's folder
    run_dir.mkdir(parents=True)
    victim = tmp_path / "etc-shadow"  # a file only root may read
    victim.write_text(SHADOW, "utf-8")
    victim.chmod(0o600)
    # the kiosk user plants links where root will write (here: this process is the updater)
    (run_dir / f".{gate.HOLD}.{os.getpid()}.tmp").symlink_to(victim)

    hold = gate.request_hold(run_dir, "1.1", time.time())

    assert victim.read_text("utf-8") == SHADOW, "root wrote through the kiosk user's link"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600, "root chmodded the link's target"
    assert gate.read_hold(run_dir, time.time()) == hold  # the hold itself is still written
    written = run_dir / gate.HOLD
    assert not written.is_symlink()
    assert stat.S_IMODE(written.stat().st_mode) == 0o644  # the UI (another user) must read it


def test_a_planted_link_as_the_hold_itself_is_replaced_not_followed(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    victim = tmp_path / "etc-shadow"
    victim.write_text(SHADOW, "utf-8")
    victim.chmod(0o600)
    (run_dir / gate.HOLD).symlink_to(victim)
    gate.request_hold(run_dir, "1.1", time.time())
    assert victim.read_text("utf-8") == SHADOW
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert not (run_dir / gate.HOLD).is_symlink()


def test_a_planted_fifo_or_link_is_not_read_and_never_blocks(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    os.mkfifo(run_dir / gate.UI_STATE)  # open() of a FIFO waits for a writer that never comes
    secret = tmp_path / "root-only.json"
    secret.write_text('{"at": 1e12, "pid": 1}', "utf-8")
    (run_dir / gate.STARTED).symlink_to(secret)
    code = ("import sys; from pathlib import Path; from kiosk.update import gate; "
            "d = Path(sys.argv[1]); print(gate.read_ui_state(d), gate.started_at(d))")
    try:
        done = subprocess.run([sys.executable, "-c", code, str(run_dir)], capture_output=True,
                              text=True, timeout=20, check=False)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError("root's updater hung opening a FIFO the kiosk user planted") from exc
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "None"]  # neither the FIFO nor the link is believed


def test_a_huge_state_file_is_not_read_whole(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    with (run_dir / gate.UI_STATE).open("wb") as f:
        f.truncate(1 << 30)  # 1 GiB (sparse): the updater would hold it all in memory
    # VmHWM: this process's own peak since its exec. (ru_maxrss would also carry the peak of the
    # memory it had before exec, a copy of this large test process's, in a whole-suite run.)
    code = ("import re, sys; from pathlib import Path; from kiosk.update import gate; "
            "state = gate.read_ui_state(Path(sys.argv[1])); "
            "status = Path('/proc/self/status').read_text(); "
            "print(state, int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)) // 1024)")
    done = subprocess.run([sys.executable, "-c", code, str(run_dir)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    state, peak_mib = done.stdout.split()
    assert state == "None"
    assert int(peak_mib) < 200, f"the updater grew to {peak_mib} MiB reading ui-state.json"
