"""Nothing about speech delays the kiosk's start or blocks its GUI thread (issue found by H11
under a real systemd: after one utterance failed on a sound card that cannot be opened, the next
start of kiosk.service hung until TimeoutStartSec=60, because Qt's speechd engine asked the wedged
speech-dispatcher for its voices on the GUI thread).

A real `kiosk run --simulate` process is timed from its start to READY=1 (sent once Welcome shows,
as under Type=notify), with speech-dispatcher absent, silent (accepts the connection and never
answers) or wedged (answers its own commands, never LIST SYNTHESIS_VOICES or SPEAK: what the real
daemon does after a failed utterance). The kiosk must be up well before the unit's 60 s, say that
the voice is unavailable, and its GUI thread must keep pinging the watchdog meanwhile.
"""

from __future__ import annotations

import itertools
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support.fake_speechd import fake_speechd

KIOSK = [sys.executable, "-m", "kiosk.cli"]
START_BOUND_S = 10.0  # kiosk.service has TimeoutStartSec=60; unloaded this takes 2 to 4 s
WATCHDOG_USEC = 1_000_000  # the GUI thread pings every 0.5 s

pytestmark = pytest.mark.gui  # a Qt process (offscreen)


def _stderr_lines(stream: object, lines: queue.Queue[str]) -> threading.Thread:
    def read() -> None:
        for raw in stream:  # type: ignore[attr-defined]
            lines.put(raw.decode("utf-8", "replace"))

    thread = threading.Thread(target=read, name="kiosk-stderr")
    thread.start()
    return thread


@pytest.mark.parametrize("daemon", ["absent", "silent", "wedged"])
def test_the_kiosk_reaches_welcome_fast_and_silent_when_speech_dispatcher_fails(
        tmp_path: Path, daemon: str) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[paths]\ndata_dir = "data"\n[voice]\nengine = "auto"\n', "utf-8")
    speechd_sock, notify_path = tmp_path / "speechd.sock", tmp_path / "notify.sock"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NOTIFY_SOCKET": str(notify_path),
           "WATCHDOG_USEC": str(WATCHDOG_USEC), "PYTHONUNBUFFERED": "1",
           "SPEECHD_ADDRESS": f"unix_socket:{speechd_sock}"}
    with ExitStack() as stack:
        fake = (stack.enter_context(fake_speechd(speechd_sock, daemon))
                if daemon != "absent" else None)
        notify = stack.enter_context(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM))
        notify.bind(str(notify_path))
        notify.settimeout(70)  # past the unit's TimeoutStartSec: a hang is measured, not cut
        started = time.monotonic()
        kiosk = subprocess.Popen([*KIOSK, "--config", str(config), "run", "--simulate",
                                  "--windowed"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        lines: queue.Queue[str] = queue.Queue()
        reader = _stderr_lines(kiosk.stderr, lines)
        try:
            try:
                message = notify.recv(4096)
            except TimeoutError:
                pytest.fail("no READY=1 within 70 s")
            to_welcome = time.monotonic() - started
            print(f"speech-dispatcher {daemon}: READY=1 (Welcome) after {to_welcome:.1f} s")
            assert message.startswith(b"READY=1"), message
            assert to_welcome < START_BOUND_S
            # The voice says it is unavailable, while the GUI thread keeps pinging.
            notify.settimeout(2.0)
            pings: list[float] = []
            seen: list[str] = []
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    if notify.recv(4096) == b"WATCHDOG=1":
                        pings.append(time.monotonic())
                except TimeoutError:
                    pytest.fail(f"the GUI thread stopped pinging the watchdog: {seen[-5:]}")
                while not lines.empty():
                    seen.append(lines.get_nowait())
                if any("voice unavailable" in line for line in seen) and len(pings) >= 4:
                    break
            else:
                pytest.fail(f"no 'voice unavailable' line within 20 s: {''.join(seen)[-3000:]}")
            said = next(line for line in seen if "voice unavailable" in line)
            expected = {"absent": "not running", "silent": "did not answer",
                        "wedged": "did not answer"}[daemon]
            assert expected in said, said
            if fake is not None:
                assert fake.connections >= 1
            if daemon == "wedged":  # Welcome's prompt reached the daemon, which never answered
                assert fake is not None
                assert "SPEAK" in fake.commands
            assert max(b - a for a, b in itertools.pairwise(pings)) < 1.5
            assert kiosk.poll() is None
        finally:
            kiosk.send_signal(signal.SIGTERM)
            try:
                kiosk.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kiosk.kill()
                kiosk.wait(timeout=30)
            reader.join(timeout=30)
            assert kiosk.stderr is not None
            kiosk.stderr.close()
