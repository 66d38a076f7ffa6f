"""Voice after boot, measured: the real speech-dispatcher with the configuration the package ships
(only the ALSA device swapped for a file), the kiosk's own speaker self-test and CLI."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import KioskConfig
from kiosk.speech import SPEAKER_TEST_SENTENCE, self_test_speaker, speechd_socket, tts_engine
from tests.support.speechd import DAEMON, SAMPLE_RATE, real_speechd

pytestmark = pytest.mark.skipif(DAEMON is None, reason="speech-dispatcher is not installed "
                                "(make apt installs speech-dispatcher-espeak-ng)")


def test_the_speaker_test_says_vietnamese_and_the_audio_goes_out(tmp_path: Path) -> None:
    with real_speechd(tmp_path) as sd:
        report = self_test_speaker(sd.socket, timeout_s=20.0)
        log = sd.log_text()
        samples = sd.audio_samples()
    assert report.passed, report.detail
    assert "audio went out" in report.detail
    # the utterance reached espeak-ng with the Vietnamese language, through ALSA
    assert "Module espeak-ng started successfully" in log
    assert "Using alsa audio output method" in log
    assert "language=vi\n" in log
    assert "Module speak!" in log
    # ... and came out of the audio device as speech, not silence: over 2 s of sound
    assert len(samples) > 2 * SAMPLE_RATE, len(samples)
    assert max(abs(s) for s in samples) > 3000


def test_a_sound_device_that_cannot_open_fails_the_test_in_bounded_time(tmp_path: Path) -> None:
    with real_speechd(tmp_path, alsa_device="no_such_pcm") as sd:
        start = time.monotonic()
        report = self_test_speaker(sd.socket, timeout_s=4.0)
        elapsed = time.monotonic() - start
        log = sd.log_text()
    assert not report.passed
    assert "never finished" in report.detail
    assert "AudioALSADevice" in report.detail
    assert elapsed < 6.0
    assert "no_such_pcm" in log
    assert not sd.audio.exists()


def test_no_daemon_fails_at_once_and_says_how_to_start_it(tmp_path: Path) -> None:
    start = time.monotonic()
    report = self_test_speaker(tmp_path / "absent.sock", timeout_s=10.0)
    assert time.monotonic() - start < 1.0
    assert not report.passed
    assert "systemctl start kiosk-speech" in report.detail


def test_the_kiosk_finds_the_daemon_through_speechd_address(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with real_speechd(tmp_path) as sd:
        monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{sd.socket}")
        assert speechd_socket() == sd.socket
        assert tts_engine(KioskConfig()) == "speechd"  # "auto": the probe answered


def test_kiosk_devices_test_speaker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    with real_speechd(tmp_path) as sd:
        monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{sd.socket}")
        config = tmp_path / "kiosk.toml"
        config.write_text("", "utf-8")  # every key at its default
        assert main(["--config", str(config), "devices", "test", "speaker"]) == 0
        log = sd.log_text()
    out = capsys.readouterr().out
    assert out.startswith("speaker: PASS said a vi sentence"), out
    assert str(sd.socket) in out
    assert SPEAKER_TEST_SENTENCE.split(".")[0] in log  # "Kiểm tra loa" reached the daemon
