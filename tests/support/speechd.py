"""A real speech-dispatcher for tests: the shipped configuration, a private socket, and an ALSA
"file" PCM (HOME/.asoundrc) instead of a sound card, so what reached the output module and the
audio device can both be checked. Every wait is bounded; the daemon is killed at the end even
when it ignores SIGTERM (a speech-dispatcher whose ALSA device failed does)."""

from __future__ import annotations

import array
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from kiosk.paths import REPO_ROOT
from kiosk.speech import speechd_answers

SHIPPED_CONF = REPO_ROOT / "systemd" / "speech-dispatcher" / "speechd.conf"
DAEMON = shutil.which("speech-dispatcher")
SAMPLE_RATE = 22050  # espeak-ng's rate; the file PCM writes what the module sent, S16_LE mono


@dataclass(frozen=True)
class RunningSpeechd:
    socket: Path
    audio: Path  # raw S16_LE written by the ALSA file plugin
    log: Path    # the daemon's stdout (LogDir "stdout"), LogLevel 5

    def log_text(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def audio_samples(self) -> array.array[int]:
        samples = array.array("h")
        if self.audio.exists():
            data = self.audio.read_bytes()
            samples.frombytes(data[: len(data) - len(data) % 2])
        return samples


def _config(alsa_device: str) -> str:
    text = SHIPPED_CONF.read_text("utf-8")
    assert 'AudioALSADevice "default"' in text
    assert "LogLevel 3" in text
    return text.replace('AudioALSADevice "default"', f'AudioALSADevice "{alsa_device}"').replace(
        "LogLevel 3", "LogLevel 5")


@contextmanager
def real_speechd(tmp: Path, *, alsa_device: str = "kiosktest", start_timeout_s: float = 15.0,
                 prefix: Sequence[str] = ()) -> Iterator[RunningSpeechd]:
    """``prefix`` runs the daemon through another command (e.g. under a seccomp filter)."""
    assert DAEMON is not None
    conf = tmp / "conf"
    conf.mkdir(parents=True)
    (conf / "speechd.conf").write_text(_config(alsa_device), "utf-8")
    audio, sock, log = tmp / "out.raw", tmp / "speechd.sock", tmp / "speechd.log"
    (tmp / ".asoundrc").write_text(
        'pcm.kiosktest {\n  type file\n  slave.pcm "null"\n'
        f'  file "{audio}"\n  format "raw"\n}}\n', "utf-8")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp),
           "XDG_RUNTIME_DIR": str(tmp), "LANG": "C.UTF-8"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*prefix, DAEMON, "--run-single", "--timeout", "0", "--config-dir", str(conf),
             "--communication-method", "unix_socket", "--socket-path", str(sock),
             "--pid-file", str(tmp / "speechd.pid")],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    try:
        running = RunningSpeechd(sock, audio, log)
        _wait_until_it_answers(proc, running, start_timeout_s)
        yield running
    finally:
        _stop(proc)


def _wait_until_it_answers(proc: subprocess.Popen[bytes], running: RunningSpeechd,
                           timeout_s: float) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if running.socket.exists() and speechd_answers(running.socket, timeout_s=1.0):
            return
        with suppress(subprocess.TimeoutExpired):  # the pause between looks: the daemon dying
            code = proc.wait(timeout=0.05)
            raise AssertionError(f"speech-dispatcher exited {code}:\n{running.log_text()[-3000:]}")
    raise AssertionError(f"speech-dispatcher did not answer in {timeout_s} s:\n"
                         f"{running.log_text()[-3000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:  # wedged on its audio device: it ignores SIGTERM
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    with suppress(ProcessLookupError):  # the output module, if it outlived its daemon
        os.killpg(proc.pid, signal.SIGKILL)
