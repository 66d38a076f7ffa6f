"""`kiosk ctl CMD` (e.g. `kiosk ctl calls`, the citizens' open calls for staff) when the kiosk at
the other end of the control socket does not answer as it should.

Before, the real CLI ended in a Python traceback (exit 1) when the kiosk closed the connection
without an answer (it stopped or crashed during the command: JSONDecodeError), answered something
that is not a JSON object (AttributeError), did not answer within --timeout (TimeoutError), or
was given a --timeout that is not positive (ValueError). Now: one line on stderr saying what
happened and what to do, exit 1 like every other command the kiosk refuses.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

KIOSK = [sys.executable, "-m", "kiosk.cli"]


@contextmanager
def fake_kiosk(sock_path: Path, answer: bytes | None) -> Iterator[None]:
    """A control socket that reads one request, then sends ``answer`` and closes (None: holds
    the connection open, never answering, until the test ends)."""
    sock_path.parent.mkdir(parents=True, exist_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(sock_path))
    server.listen(1)
    server.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(5)
            with suppress(OSError):
                conn.recv(65536)
            if answer is None:
                held.append(conn)
                continue
            with conn, suppress(OSError):
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def _ctl(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, "--config", str(config), "ctl", *args], capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text('[paths]\ndata_dir = "data"\n', "utf-8")
    return path


@pytest.mark.parametrize(("answer", "said"), [
    (b"", "closed the connection without answering"),
    (b'{"ok": true, "res', "closed the connection without answering"),
    (b"HTTP/1.0 400 Bad Request\r\n\r\n", "not a kiosk's answer"),
    (b"[1, 2]\n", "not a kiosk's answer"),
    (b"[" * 100_000 + b"\n", "not a kiosk's answer"),
])
def test_a_broken_answer_is_one_line(config: Path, answer: bytes, said: str) -> None:
    with fake_kiosk(config.parent / "data" / "run" / "ctl.sock", answer):
        done = _ctl(config, "calls")
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("kiosk ctl calls: ")
    assert said in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stdout == ""


def test_no_answer_within_the_timeout_is_one_line(config: Path) -> None:
    with fake_kiosk(config.parent / "data" / "run" / "ctl.sock", None):
        done = _ctl(config, "calls", "--timeout", "1")
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr
    assert "no answer within 1 s" in done.stderr
    assert "--timeout" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


@pytest.mark.parametrize("timeout", ["0", "-1", "nan"])
def test_a_timeout_that_is_not_positive_is_one_line(config: Path, timeout: str) -> None:
    with fake_kiosk(config.parent / "data" / "run" / "ctl.sock", b'{"ok": true}\n'):
        done = _ctl(config, "calls", "--timeout", timeout)
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr
    assert "--timeout" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_good_answer_still_prints(config: Path) -> None:
    with fake_kiosk(config.parent / "data" / "run" / "ctl.sock",
                    b'{"ok": true, "result": {"calls": []}}\n'):
        done = _ctl(config, "calls")
    assert done.returncode == 0, done
    assert done.stdout.strip() == '{"calls": []}'
