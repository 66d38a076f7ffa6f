"""Crash test: the sync agent is SIGKILLed at random moments while it syncs.

20 applications of 3 scanned pages each are sealed; agent processes are started one after
another against the real reference gateway (through a shaped loopback link so a drain lasts
long enough to be interrupted) and each is killed at a random instant: during start-up, mid
PUT, mid chunk, between the chunk and the offset write, mid commit. At least 50 kills land
while applications are still waiting. Then one agent runs to the end (over the link at full
speed): every application is on the gateway exactly once, with every document intact.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sync.netsim import FaultProxy
from sync.protocol.keys import save_private_key
from tests.sync.rig import KIOSK_ID, make_rig

REPO = Path(__file__).resolve().parents[2]
KILLS_WANTED = 50
MAX_LIVES = 400
LINK_BPS = 40_000  # slow enough that 50 lives cannot drain 1.2 MB even with instant start-ups

CHILD = """
import sys
from pathlib import Path
from sync import cli
from sync.agent.config import AgentConfig
db, url, kiosk_id, key_path, gw_pub = sys.argv[1:6]
cfg = AgentConfig.from_files(Path(db), url, kiosk_id, Path(key_path), gw_pub)
sys.exit(cli.run_once(cfg, budget_s=300))
"""


def _waiting(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM applications "
                                "WHERE state NOT IN ('received', 'acked')").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.slow
def test_agent_killed_at_random_moments(tmp_path: Path) -> None:
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    with make_rig(tmp_path) as rig:
        apps = rig.seal(20, page_bytes=20_000, docs=(("don", 1), ("cccd", 1), ("giay-to", 1)))
        key_path = tmp_path / "kiosk.key"
        save_private_key(key_path, rig.kiosk_key)
        port = urlsplit(rig.gateway.url).port
        assert port is not None
        with FaultProxy("127.0.0.1", port) as proxy:
            proxy.limit_rate(LINK_BPS)
            argv = [sys.executable, "-c", CHILD, str(rig.db), proxy.url, KIOSK_ID,
                    str(key_path), rig.gateway.public_keys.signing_b64]

            def spawn() -> subprocess.Popen[bytes]:
                return subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

            kills = 0
            for _ in range(MAX_LIVES):
                if kills >= KILLS_WANTED or _waiting(rig.db) == 0:
                    break
                child = spawn()
                try:
                    child.wait(timeout=rng.uniform(0.05, 0.8))
                except subprocess.TimeoutExpired:
                    child.send_signal(signal.SIGKILL)
                    child.wait(timeout=30)
                    kills += 1
            assert kills >= KILLS_WANTED, f"seed {seed}: only {kills} kills while syncing"
            waiting = _waiting(rig.db)
            assert waiting > 0, f"seed {seed}: drained before the last kill"
            print(f"seed {seed}: {kills} kills, {waiting}/20 applications still waiting")

            # the last agent needs no slow link (the kills above did): it drains at full speed
            # (15 s less over the 40 kB/s link; what it must leave on the gateway is the same)
            proxy.limit_rate(None)
            survivor = spawn()
            assert survivor.wait(timeout=300) == 0, f"seed {seed}"
        rig.assert_on_gateway(apps)
