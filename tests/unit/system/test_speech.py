"""The voice engine is chosen by asking speech-dispatcher first, never by hanging on it."""

import socket
import threading
from pathlib import Path

import pytest

from kiosk.config import KioskConfig, VoiceSection
from kiosk.speech import speechd_answers, tts_engine


def _fake_speechd(path: Path, reply: bytes | None) -> tuple[socket.socket, threading.Thread]:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    server.settimeout(5)

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(128)
            if reply is not None:
                conn.sendall(reply)
            else:
                conn.recv(128)  # a wedged daemon: never answers

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server, thread


@pytest.mark.parametrize(("reply", "expected"), [(b"208 OK CLIENT NAME SET\r\n", True), (None, False)])
def test_probe(tmp_path: Path, reply: bytes | None, expected: bool) -> None:
    path = tmp_path / "speechd.sock"
    server, thread = _fake_speechd(path, reply)
    try:
        assert speechd_answers(path, timeout_s=0.5) is expected
    finally:
        thread.join(timeout=5)
        server.close()


def test_no_daemon_falls_back_to_silence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{tmp_path / 'absent.sock'}")
    assert tts_engine(KioskConfig()) == "mock"
    config = KioskConfig().model_copy(update={"voice": VoiceSection(engine="speechd")})
    assert tts_engine(config) == "speechd"
