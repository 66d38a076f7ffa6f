"""The kiosk's voice (kiosk.speech.SpeechClient) never blocks its caller, reports a
speech-dispatcher that is absent, wedged or whose audio never ends, and comes back by itself."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.speech import SpeechClient
from tests.support.fake_speechd import fake_speechd

pytestmark = pytest.mark.log_warnings_expected  # "voice unavailable" is what is tested


def _until(check: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline, pause = time.monotonic() + timeout_s, threading.Event()
    while time.monotonic() < deadline:
        if check():
            return
        pause.wait(0.02)
    pytest.fail("condition not met in time")


@pytest.mark.parametrize("mode", ["silent", "wedged"])
def test_say_never_blocks_and_a_daemon_that_does_not_answer_is_reported(
        tmp_path: Path, mode: str) -> None:
    path = tmp_path / "speechd.sock"
    with fake_speechd(path, mode) as fake:
        client = SpeechClient(lambda: path, reply_timeout_s=0.5, retry_s=0.2)
        try:
            start = time.monotonic()
            for _ in range(20):
                client.say("Xin chào Ông Bà", language="vi", volume=0.8)
                client.stop()
            assert time.monotonic() - start < 0.05  # the caller (the GUI thread) never waits
            _until(lambda: "did not answer" in client.status().detail)
            assert not client.status().available
            assert fake.connections >= 1
            if mode == "wedged":  # it still answers a handshake: that does not make it available
                _until(lambda: fake.connections >= 2)
                client.say("Xin chào", language="vi", volume=0.8)
                _until(lambda: fake.connections >= 3)
                assert not client.status().available
        finally:
            client.close()


def test_absent_then_back_by_itself(tmp_path: Path) -> None:
    path = tmp_path / "speechd.sock"
    client = SpeechClient(lambda: path, reply_timeout_s=0.5, retry_s=0.1)
    try:
        _until(lambda: "not running" in client.status().detail)
        assert not client.status().available
        client.say("không ai nghe", language="vi", volume=0.8)  # dropped: the text is on screen
        with fake_speechd(path, "ok") as fake:
            _until(lambda: client.status().available)
            client.say("Xin chào Ông Bà", language="vi", volume=0.5)
            _until(lambda: fake.spoken == ["Xin chào Ông Bà"])
            _until(lambda: "played to the end" in client.status().detail)
            assert "SET SELF LANGUAGE vi" in fake.commands
            assert "SET SELF VOLUME 0" in fake.commands  # 0.5 of 0..1 is 0 of -100..100
            assert "SET SELF NOTIFICATION ALL on" in fake.commands
    finally:
        client.close()


def test_audio_that_never_ends_is_reported_until_an_utterance_ends(tmp_path: Path) -> None:
    path = tmp_path / "speechd.sock"
    with fake_speechd(path, "no_end") as fake:
        client = SpeechClient(lambda: path, reply_timeout_s=0.5, retry_s=0.1, audio_slack_s=0.2)
        try:
            _until(lambda: client.status().available)
            client.say("Xin chào", language="vi", volume=0.8)
            _until(lambda: "audio never finished" in client.status().detail)
            assert not client.status().available
            fake.mode = "ok"  # the technician fixed the sound device
            _until(lambda: fake.connections >= 2)  # reconnected, but still not proven
            assert not client.status().available
            client.say("Xin chào lần nữa", language="vi", volume=0.8)
            _until(lambda: client.status().available)
            assert fake.spoken[-1] == "Xin chào lần nữa"
        finally:
            client.close()


def test_close_is_bounded_with_a_wedged_daemon(tmp_path: Path) -> None:
    path = tmp_path / "speechd.sock"
    with fake_speechd(path, "wedged") as fake:
        client = SpeechClient(lambda: path, reply_timeout_s=30.0, retry_s=0.1)
        _until(lambda: fake.connections >= 1 and client.status().available)
        client.say("Xin chào", language="vi", volume=0.8)  # SPEAK never answered: a 30 s read
        _until(lambda: "SPEAK" in fake.commands)
        start = time.monotonic()
        client.close(timeout_s=0.3)
        assert time.monotonic() - start < 1.0


@pytest.mark.gui  # the kiosk's Voice is a QObject
def test_the_voice_is_reported_as_the_speaker_device_in_metrics_and_heartbeat(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the technician sees without a shell: `dvc_kiosk_device_status{device="speaker"}` in
    the metrics textfile and "speaker" in the devices the heartbeat carries to the gateway."""
    from types import SimpleNamespace
    from typing import cast

    from kiosk.commands.ui_cmd import _speaker_health
    from kiosk.metrics import render
    from kiosk.ui.app_ui import KioskUi
    from kiosk.ui.i18n import Strings
    from kiosk.ui.voice import Voice
    from sync.protocol.heartbeat import DEVICE_STATUSES
    from tests.unit.system.test_metrics import NOW, _insert

    db = tmp_path / "kiosk.sqlite3"
    _insert(db, 1, "queued", "2026-11-22T08:00:00Z")
    path = tmp_path / "speechd.sock"
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{path}")
    muted = Voice(Strings("vi"), engine="mock", clips_dir=None)
    assert _speaker_health(cast(KioskUi, SimpleNamespace(voice=muted))) == {}
    voice = Voice(Strings("vi"), engine="speechd", clips_dir=None)
    ui = cast(KioskUi, SimpleNamespace(voice=voice))
    try:
        _until(lambda: voice.speech_status().known)
        health = _speaker_health(ui)
        assert health["speaker"].status.value == "error"
        assert "not running" in health["speaker"].detail
        assert 'dvc_kiosk_device_status{device="speaker",status="error"} 1' in render(db, NOW,
                                                                                      health)
        with fake_speechd(path, "ok"):  # speech-dispatcher comes back
            _until(lambda: voice.speech_status().available)
            health = _speaker_health(ui)
        assert health["speaker"].status.value == "ready"
        assert health["speaker"].status.value in DEVICE_STATUSES
    finally:
        voice.close()
