"""Choosing the text-to-speech engine without ever hanging the kiosk.

Qt's speechd engine connects to speech-dispatcher in its constructor, on the GUI thread; when the
daemon is wedged that call never returns and the kiosk never shows its Welcome screen. So "auto"
first asks speech-dispatcher over its SSIP socket, with a one-second timeout, and falls back to
the silent engine (and says so in the log) when it does not answer.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from kiosk.config import KioskConfig


def speechd_socket() -> Path:
    address = os.environ.get("SPEECHD_ADDRESS", "")
    if address.startswith("unix_socket:"):
        return Path(address.split(":", 1)[1])
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime else Path.home() / ".cache"
    return base / "speech-dispatcher" / "speechd.sock"


def speechd_answers(path: Path, timeout_s: float = 1.0) -> bool:
    """True when speech-dispatcher accepts an SSIP command within the timeout."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout_s)
            sock.connect(str(path))
            sock.sendall(b"SET SELF CLIENT_NAME kiosk:probe:main\r\n")
            return sock.recv(64).startswith(b"2")
    except OSError:
        return False


def tts_engine(config: KioskConfig) -> str:
    match config.voice.engine:
        case "auto":
            return "speechd" if speechd_answers(speechd_socket()) else "mock"
        case engine:
            return engine
