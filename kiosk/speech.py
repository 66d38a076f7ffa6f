"""Speech: the kiosk's voice through speech-dispatcher, never in the way of the UI; the speaker
self-test.

Nothing about speech may delay the start or block the GUI thread. Qt's speechd engine connected
and listed the voices in its constructor, on the GUI thread: after one utterance failed on a
sound device that cannot be opened, speech-dispatcher forwards LIST SYNTHESIS_VOICES to its
wedged output module and never answers, so the next kiosk start never reached Welcome (60 s,
TimeoutStartSec). The kiosk's voice is therefore `SpeechClient`: a small SSIP client on a thread
of its own, every read with a deadline. The GUI only puts utterances on its queue. While
speech-dispatcher is absent, wedged or its audio never finishes, the client says so
(`status()`: the technician's status, the metrics, the log), the kiosk runs silent with its text
on screen, and the client tries again every few seconds, so the voice comes back by itself when
speech-dispatcher does.

On an appliance speech-dispatcher is started by kiosk-speech.service (ALSA, espeak-ng, Vietnamese
by default) before kiosk.service, which points SPEECHD_ADDRESS at its socket. `kiosk devices test
speaker` talks SSIP to the same daemon: it says a Vietnamese sentence and waits for the daemon's
END event, which speech-dispatcher sends only once the output module has played the whole
utterance; when the ALSA device cannot be opened, BEGIN comes and END never does.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable
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
    """The engine the kiosk's Voice uses: "speechd" (the `SpeechClient`, which never blocks and
    reports a daemon that is not there) or "mock" (silent). Nothing is asked of speech-dispatcher
    here: the start does not wait for it."""
    return "mock" if config.voice.engine == "mock" else "speechd"


# -- the speaker self-test (SSIP, no Qt) ---------------------------------------------------------


class SsipError(Exception):
    """speech-dispatcher refused a command, closed the connection or did not answer in time."""


class _Ssip:
    """A minimal SSIP client: commands, one utterance, its BEGIN/END events. Every read has a
    deadline and a size bound, so a wedged or flooding daemon makes it fail, never hang or grow:
    a line longer than ``MAX_LINE`` is refused, a look for events reads at most
    ``MAX_EVENT_READ`` bytes, and at most ``MAX_EVENTS`` events are kept (the latest)."""

    MAX_LINE = 64 * 1024  # SSIP lines are short (a voice list is many short lines)
    MAX_EVENT_READ = 256 * 1024
    MAX_EVENTS = 256

    def __init__(self, path: Path, *, timeout_s: float) -> None:
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout_s)
        self._buf = b""
        self.events: list[tuple[int, str]] = []  # 7xx events read while waiting for a reply
        try:
            self._sock.connect(str(path))
        except OSError:
            self._sock.close()
            raise

    def close(self) -> None:
        self._sock.close()

    def _check_line_length(self) -> None:
        if b"\r\n" not in self._buf and len(self._buf) > self.MAX_LINE:
            raise SsipError(f"speech-dispatcher sent a line of over {self.MAX_LINE} bytes "
                            "(not SSIP)")

    def _keep_event(self, code: int, message: str) -> None:
        self.events.append((code, message))
        if len(self.events) > self.MAX_EVENTS:
            del self.events[: len(self.events) - self.MAX_EVENTS]

    def _line(self, deadline: float) -> str:
        if time.monotonic() > deadline:  # lines may keep coming: the deadline holds anyway
            raise TimeoutError("no answer from speech-dispatcher")
        while b"\r\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from speech-dispatcher")
            self._sock.settimeout(left)
            chunk = self._sock.recv(4096)
            if not chunk:
                raise SsipError("speech-dispatcher closed the connection")
            self._buf += chunk
            self._check_line_length()
        line, self._buf = self._buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def reply(self, deadline: float) -> tuple[int, str]:
        """The next complete reply or event: (code, last line's text)."""
        while True:
            line = self._line(deadline)
            if len(line) >= 4 and line[:3].isdigit() and line[3] == " ":
                return int(line[:3]), line[4:]

    def command(self, text: str, deadline: float) -> str:
        self._sock.settimeout(max(0.001, deadline - time.monotonic()))
        self._sock.sendall(text.encode("utf-8") + b"\r\n")
        code, message = self.reply(deadline)
        while 700 <= code < 800:  # an event of an earlier utterance came first
            self._keep_event(code, message)
            code, message = self.reply(deadline)
        if not 200 <= code < 300:
            raise SsipError(f"{text.split()[0:3]} refused: {code} {message}")
        return message

    def pending_events(self) -> list[tuple[int, str]]:
        """The events that came so far, without waiting (at most ``MAX_EVENT_READ`` bytes are
        read per look: a daemon that never stops sending cannot keep the caller here)."""
        self._sock.setblocking(False)
        taken = 0
        try:
            while taken < self.MAX_EVENT_READ:
                chunk = self._sock.recv(4096)
                if not chunk:
                    raise SsipError("speech-dispatcher closed the connection")
                taken += len(chunk)
                self._buf += chunk
                self._take_events()
        except BlockingIOError:
            pass
        finally:
            self._sock.setblocking(True)
        self._take_events()
        events, self.events = self.events, []
        return events

    def _take_events(self) -> None:
        while b"\r\n" in self._buf:
            line, self._buf = self._buf.split(b"\r\n", 1)
            text = line.decode("utf-8", "replace")
            if len(text) >= 4 and text[:3].isdigit() and text[3] == " ":
                self._keep_event(int(text[:3]), text[4:])
        self._check_line_length()

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
            code, message = client.events.pop(0) if client.events else client.reply(deadline)
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


# -- the kiosk's voice (SSIP on a thread of its own) ---------------------------------------------

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoiceStatus:
    """Whether the kiosk can speak now, with a technician-facing English detail."""

    available: bool
    detail: str
    known: bool = True  # False until the first try to reach speech-dispatcher ended


@dataclass(frozen=True)
class _Say:
    text: str
    language: str
    volume: float  # 0..1


_STOP = "stop"
_Job = _Say | str | None  # None wakes the thread to close


class SpeechClient:
    """The kiosk's voice: utterances go on a queue that a thread of its own says through
    speech-dispatcher. `say` and `stop` never block; every read has a deadline of
    ``reply_timeout_s``; an utterance whose audio has not ended ``audio_slack_s`` (plus its
    length) after it began marks the voice unavailable. While unavailable, utterances are dropped
    (the kiosk shows its text anyway) and the client reconnects every ``retry_s``."""

    def __init__(self, socket_path: Callable[[], Path] = speechd_socket, *,
                 reply_timeout_s: float = 3.0, retry_s: float = 5.0,
                 audio_slack_s: float = 10.0, name: str = "kiosk:voice:main") -> None:
        self._socket_path = socket_path
        self._reply_timeout_s = reply_timeout_s
        self._retry_s = retry_s
        self._audio_slack_s = audio_slack_s
        self._name = name
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._lock = threading.Lock()
        self._status = VoiceStatus(False, "connecting to speech-dispatcher", known=False)
        self._reported = False
        self._needs_proof = False  # the thread's own: set when speaking failed, until an END
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-voice", daemon=True)
        self._thread.start()

    # -- the GUI's side: never blocks ------------------------------------------------------------

    def say(self, text: str, *, language: str, volume: float) -> None:
        self._jobs.put(_Say(text, language, max(0.0, min(1.0, volume))))

    def stop(self) -> None:
        self._jobs.put(_STOP)

    def status(self) -> VoiceStatus:
        with self._lock:
            return self._status

    def close(self, timeout_s: float = 0.5) -> None:
        """Stop the thread; waits at most ``timeout_s`` (a daemon thread: a wedged read ends with
        the process)."""
        self._closed.set()
        self._jobs.put(None)
        self._thread.join(timeout=timeout_s)

    # -- the thread ------------------------------------------------------------------------------

    def _set_status(self, available: bool, detail: str) -> None:
        with self._lock:
            before, self._status = self._status, VoiceStatus(available, detail)
            first, self._reported = not self._reported, True
        if available:
            self._needs_proof = False
        if first or before.available != available:  # once per change, not once per retry
            if available:
                _log.info("voice available: %s", detail)
            else:
                _log.warning("voice unavailable, the kiosk runs silent with text: %s", detail)

    def _run(self) -> None:
        conn: _Connection | None = None
        next_try = 0.0
        while not self._closed.is_set():
            now = time.monotonic()
            wait = max(0.0, next_try - now) if conn is None else 0.5
            try:
                jobs = [self._jobs.get(timeout=wait)]
            except queue.Empty:
                jobs = []
            while not self._jobs.empty():
                jobs.append(self._jobs.get_nowait())
            if self._closed.is_set():
                break
            if conn is None:
                if time.monotonic() < next_try:
                    continue  # unavailable: silent until the next try
                conn = self._connect()
                if conn is None:
                    next_try = time.monotonic() + self._retry_s
                    continue
            try:
                conn.work([j for j in jobs if j is not None], self._set_status)
            except (OSError, SsipError) as exc:  # TimeoutError is an OSError
                detail = ("speech-dispatcher did not answer within "
                          f"{self._reply_timeout_s:g} s (wedged?)"
                          if isinstance(exc, TimeoutError) else f"speech-dispatcher: {exc}")
                self._set_status(False, detail)
                conn.close()
                conn, next_try = None, time.monotonic() + self._retry_s
                self._needs_proof = True
            except _AudioNeverEndedError as exc:
                self._set_status(False, str(exc))
                conn.close()
                conn, next_try = None, time.monotonic() + self._retry_s
                self._needs_proof = True
        if conn is not None:
            conn.close()

    def _connect(self) -> _Connection | None:
        path = self._socket_path()
        try:
            conn = _Connection(path, self._reply_timeout_s, self._audio_slack_s, self._name)
        except FileNotFoundError:
            self._set_status(False, f"speech-dispatcher is not running (no socket {path}): "
                                    "systemctl start kiosk-speech")
            return None
        except TimeoutError:
            self._set_status(False, f"speech-dispatcher did not answer within "
                                    f"{self._reply_timeout_s:g} s (wedged?): "
                                    "systemctl restart kiosk-speech")
            return None
        except (OSError, SsipError) as exc:
            self._set_status(False, f"speech-dispatcher at {path}: {exc}")
            return None
        if self._needs_proof:  # it answers again, but failed while speaking: only an utterance
            return conn        # that plays to its END proves the voice is back
        self._set_status(True, f"speech-dispatcher answers at {path}")
        return conn


class _AudioNeverEndedError(Exception):
    pass


class _Connection:
    """One SSIP connection of the kiosk's voice; used by its thread only."""

    def __init__(self, path: Path, reply_timeout_s: float, audio_slack_s: float,
                 name: str) -> None:
        self._timeout = reply_timeout_s
        self._slack = audio_slack_s
        self._ssip = _Ssip(path, timeout_s=reply_timeout_s)
        self._language = ""
        self._volume: int | None = None
        self._speaking_until: float | None = None  # the deadline of the utterance under way
        try:
            deadline = time.monotonic() + reply_timeout_s
            self._ssip.command(f"SET SELF CLIENT_NAME {name}", deadline)
            self._ssip.command("SET SELF NOTIFICATION ALL on", deadline)
        except BaseException:
            self._ssip.close()
            raise

    def close(self) -> None:
        self._ssip.close()

    def work(self, jobs: list[_Say | str],
             set_status: Callable[[bool, str], None]) -> None:
        for code, _message in self._ssip.pending_events():
            if code in (702, 703, 704):  # END, CANCELED, STOPPED: the audio path is free
                if code == 702:
                    set_status(True, "the last utterance was played to the end")
                self._speaking_until = None
        if self._speaking_until is not None and time.monotonic() > self._speaking_until:
            self._speaking_until = None
            msg = ("the voice began but the audio never finished: the sound device cannot be "
                   "opened (check AudioALSADevice and `aplay -L`, and "
                   "`journalctl -u kiosk-speech`)")
            raise _AudioNeverEndedError(msg)
        says = [j for j in jobs if isinstance(j, _Say)]
        if not jobs:
            return
        deadline = time.monotonic() + self._timeout
        if self._speaking_until is not None:  # a new prompt replaces the one being said
            self._ssip.command("CANCEL self", deadline)
            self._speaking_until = None
        if not says:
            return
        job = says[-1]
        if job.language != self._language:
            self._ssip.command(f"SET SELF LANGUAGE {job.language}", deadline)
            self._language = job.language
        volume = round(job.volume * 200 - 100)  # SSIP: -100..100, as Qt's speechd engine maps
        if volume != self._volume:
            self._ssip.command(f"SET SELF VOLUME {volume}", deadline)
            self._volume = volume
        self._ssip.speak(job.text, deadline)
        self._speaking_until = time.monotonic() + self._slack + 0.2 * len(job.text)
