"""A speech-dispatcher (or whatever answers on its socket) that floods the kiosk's voice.

`kiosk.speech` promises that every read has a deadline, so the voice never hangs and reports a
daemon that does not behave. Before: after the handshake, `_Ssip.pending_events` read the socket
without blocking for as long as bytes were there, with no deadline and no cap: a daemon that keeps
sending (endless event lines, or one line that never ends) kept the voice thread in that loop
forever, its buffer growing, the status still saying "available", every prompt silently lost and
`close()` unable to stop the thread. Now each look reads a bounded amount, a line longer than any
SSIP line is refused (the voice is reported unavailable and reconnects later), and the thread
stays free to say the next prompt and to stop.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.speech import SpeechClient

pytestmark = pytest.mark.log_warnings_expected  # "voice unavailable" is what is tested

FLOODS = ("endless_events",  # events nobody asked for, without end
          "no_line_end")  # one line that never ends


# The flooding daemon is a process of its own, as speech-dispatcher is: a writer in this test's
# process would share the GIL with the voice thread and pause, letting the socket run dry.
_DAEMON = r"""
import os, queue, socket, sys, threading
path, blob_name, log_name = sys.argv[1:4]
blob = {"no_line_end": b"x" * 65536,
        "endless_events": b"701-1\r\n701-1\r\n701 BEGIN\r\n" * 2000}[blob_name]
log = open(log_name, "a", buffering=1)
sent = [0]

def read(conn, replies, flooding):
    buf, handshake = b"", 0
    while True:
        try:
            chunk = conn.recv(4096)
        except OSError:
            return
        if not chunk:
            return
        buf += chunk
        while b"\r\n" in buf:
            line, buf = buf.split(b"\r\n", 1)
            log.write("command " + line.decode("utf-8", "replace") + "\n")
            replies.put(b"200 OK\r\n")
            handshake += line.startswith(b"SET SELF")
            if handshake >= 2:
                flooding.set()

def write(conn, replies, flooding):
    # answer each command "200 OK"; after the handshake, flood without pause, replies slotted
    # between whole blobs so that lines stay whole
    while True:
        try:
            pending = replies.get(timeout=0 if flooding.is_set() else 0.05)
        except queue.Empty:
            if not flooding.is_set():
                continue
            pending = blob
        try:
            conn.sendall(pending)
        except OSError:
            return
        if flooding.is_set():
            sent[0] += len(pending)
            log.write(f"sent {sent[0]}\n")

def serve():
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(8)
    log.write("listening\n")
    while True:
        conn, _ = server.accept()
        replies, flooding = queue.Queue(), threading.Event()
        for target in (read, write):
            threading.Thread(target=target, args=(conn, replies, flooding), daemon=True).start()

threading.Thread(target=serve, daemon=True).start()
sys.stdin.read()  # until the test closes our stdin
os._exit(0)
"""


@dataclass
class Flood:
    log: Path

    def lines(self) -> list[str]:
        return self.log.read_text("utf-8", "replace").splitlines() if self.log.exists() else []

    def commands(self) -> list[str]:
        return [line.removeprefix("command ") for line in self.lines()
                if line.startswith("command ")]

    def sent(self) -> int:
        counts = [int(line.split()[1]) for line in self.lines() if line.startswith("sent ")]
        return counts[-1] if counts else 0


@contextmanager
def flooding_speechd(path: Path, kind: str) -> Iterator[Flood]:
    flood = Flood(path.with_suffix(".log"))
    daemon = subprocess.Popen([sys.executable, "-c", _DAEMON, str(path), kind, str(flood.log)],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        assert _until(lambda: "listening" in flood.lines(), 10.0)
        yield flood
    finally:
        assert daemon.stdin is not None
        daemon.stdin.close()
        try:
            daemon.wait(timeout=5)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=5)


def _until(check: Callable[[], bool], timeout_s: float) -> bool:
    deadline, pause = time.monotonic() + timeout_s, threading.Event()
    while time.monotonic() < deadline:
        if check():
            return True
        pause.wait(0.02)
    return check()


def _voice_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kiosk-voice" and t.is_alive()]


@pytest.mark.parametrize("kind", FLOODS)
def test_a_flooding_daemon_never_holds_the_voice(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "speechd.sock"
    tracemalloc.start()
    try:
        with flooding_speechd(path, kind) as flood:
            client = SpeechClient(lambda: path, reply_timeout_s=0.5, retry_s=0.2)
            try:
                assert _until(lambda: client.status().known, 5.0)
                # the flood is on and the voice thread has taken more than a socket buffer's
                # worth of it (Linux keeps ~200 kB in a Unix socket)
                assert _until(lambda: flood.sent() > 512 * 1024, 5.0), flood.sent()
                start = time.monotonic()
                client.say("Nộp hồ sơ thành công", language="vi", volume=0.8)
                if kind == "no_line_end":
                    # no daemon sends an SSIP line of 64 KiB: it is broken, and the kiosk says so
                    assert _until(lambda: not client.status().available, 5.0), client.status()
                    assert "line" in client.status().detail
                else:
                    # the voice thread got out of reading the flood and went on with the prompt
                    # (what the daemon then does with it is its business: answers buried in the
                    # flood may come too late, and the voice is reported unavailable)
                    assert _until(lambda: "SET SELF LANGUAGE vi" in flood.commands(), 5.0), \
                        flood.commands()
                assert time.monotonic() - start < 5.0
            finally:
                client.close(timeout_s=2.0)
            assert _voice_threads() == []  # close() could stop it: it was not stuck in a read
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"the voice buffered {peak >> 20} MiB of the flood"
