"""The speech-dispatcher probe (used by tests and tools) is bounded; choosing the voice engine
asks nothing of speech-dispatcher."""

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


def test_choosing_the_engine_asks_nothing_of_speech_dispatcher(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The start never waits for the daemon: "auto" is the non-blocking speechd client, which
    reports a daemon that is absent or wedged (tests/unit/system/test_speech_client.py)."""
    from tests.support.fake_speechd import fake_speechd

    path = tmp_path / "speechd.sock"
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{path}")
    with fake_speechd(path, "silent") as fake:
        assert tts_engine(KioskConfig()) == "speechd"
        config = KioskConfig().model_copy(update={"voice": VoiceSection(engine="mock")})
        assert tts_engine(config) == "mock"
        assert fake.connections == 0
