"""Speech: choosing the text-to-speech engine without hanging, and the speaker self-test.

Qt's speechd engine connects to speech-dispatcher in its constructor, on the GUI thread; when the
daemon is wedged that call never returns and the kiosk never shows its Welcome screen. So "auto"
first asks speech-dispatcher over its SSIP socket, with a one-second timeout, and falls back to
the silent engine (and says so in the log) when it does not answer.

On an appliance speech-dispatcher is started by kiosk-speech.service (ALSA, espeak-ng, Vietnamese
by default) before kiosk.service, which points SPEECHD_ADDRESS at its socket. `kiosk devices test
speaker` talks SSIP to the same daemon: it says a Vietnamese sentence and waits for the daemon's
END event, which speech-dispatcher sends only once the output module has played the whole
utterance; when the ALSA device cannot be opened, BEGIN comes and END never does.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import KioskConfig

APPLIANCE_SOCKET = Path("/run/dvc-kiosk-speech/speechd.sock")  # kiosk-speech.service
SPEAKER_TEST_SENTENCE = ("Kiểm tra loa. Xin chào Ông, Bà. "
                         "Đây là ki-ốt dịch vụ công, chúc Ông Bà một ngày tốt lành.")


def speechd_socket() -> Path:
    """SPEECHD_ADDRESS when set, else the appliance's socket when it exists, else the per-user
    default of speech-dispatcher."""
    address = os.environ.get("SPEECHD_ADDRESS", "")
    if address.startswith("unix_socket:"):
        return Path(address.split(":", 1)[1])
    if APPLIANCE_SOCKET.exists():
        return APPLIANCE_SOCKET
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


# -- the speaker self-test (SSIP, no Qt) ---------------------------------------------------------


class SsipError(Exception):
    """speech-dispatcher refused a command, closed the connection or did not answer in time."""


class _Ssip:
    """A minimal SSIP client: commands, one utterance, its BEGIN/END events. Every read has a
    deadline, so a wedged daemon makes it fail, never hang."""

    def __init__(self, path: Path, *, timeout_s: float) -> None:
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout_s)
        self._buf = b""
        try:
            self._sock.connect(str(path))
        except OSError:
            self._sock.close()
            raise

    def close(self) -> None:
        self._sock.close()

    def _line(self, deadline: float) -> str:
        while b"\r\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from speech-dispatcher")
            self._sock.settimeout(left)
            chunk = self._sock.recv(4096)
            if not chunk:
                raise SsipError("speech-dispatcher closed the connection")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def reply(self, deadline: float) -> tuple[int, str]:
        """The next complete reply or event: (code, last line's text)."""
        while True:
            line = self._line(deadline)
            if len(line) >= 4 and line[:3].isdigit() and line[3] == " ":
                return int(line[:3]), line[4:]

    def command(self, text: str, deadline: float) -> str:
        self._sock.sendall(text.encode("utf-8") + b"\r\n")
        code, message = self.reply(deadline)
        if not 200 <= code < 300:
            raise SsipError(f"{text.split()[0:3]} refused: {code} {message}")
        return message

    def speak(self, text: str, deadline: float) -> None:
        self.command("SPEAK", deadline)
        body = "\r\n".join(".." + ln if ln.startswith(".") else ln for ln in text.splitlines())
        self.command(body + "\r\n.", deadline)


@dataclass(frozen=True)
class SpeakerReport:
    passed: bool
    detail: str
    socket: str
    seconds: float = 0.0  # from SPEAK to END


def self_test_speaker(path: Path | None = None, *, text: str = SPEAKER_TEST_SENTENCE,
                      language: str = "vi", timeout_s: float = 20.0) -> SpeakerReport:
    """Say ``text`` in ``language`` through speech-dispatcher; passed once its END event says the
    output module played it all. Every step is bounded by ``timeout_s`` in all."""
    path = path or speechd_socket()
    start = time.monotonic()
    deadline = start + timeout_s
    try:
        client = _Ssip(path, timeout_s=min(2.0, timeout_s))
    except OSError as exc:
        return SpeakerReport(False, f"speech-dispatcher is not running ({exc.strerror or exc}); "
                                    "start it: systemctl start kiosk-speech", str(path))
    began = False
    try:
        client.command("SET SELF CLIENT_NAME kiosk:speaker-test:main", deadline)
        client.command("SET SELF NOTIFICATION ALL on", deadline)
        client.command(f"SET SELF LANGUAGE {language}", deadline)
        client.command("SET SELF PRIORITY important", deadline)
        client.speak(text, deadline)
        while True:
            code, message = client.reply(deadline)
            if code == 701:
                began = True
            elif code == 702:
                seconds = time.monotonic() - start
                return SpeakerReport(True, f"said a {language} sentence ({len(text)} characters) "
                                           f"in {seconds:.1f} s: audio went out", str(path),
                                     seconds)
            elif code in (703, 704):
                return SpeakerReport(False, f"speech-dispatcher dropped the sentence ({message})",
                                     str(path))
    except TimeoutError:
        if began:
            return SpeakerReport(False, "the voice began but the audio never finished within "
                                        f"{timeout_s:.0f} s: the sound device cannot be opened "
                                        "(check AudioALSADevice and `aplay -L`, and "
                                        "`journalctl -u kiosk-speech`)", str(path))
        return SpeakerReport(False, f"speech-dispatcher did not answer within {timeout_s:.0f} s "
                                    "(wedged?): systemctl restart kiosk-speech", str(path))
    except (SsipError, OSError) as exc:
        return SpeakerReport(False, f"speech-dispatcher: {exc}", str(path))
    finally:
        client.close()
