"""The kiosk's Voice through the real speech-dispatcher: Vietnamese prompts are spoken with
espeak-ng's Vietnamese voice when no recorded clip exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.support.speechd import DAEMON, real_speechd

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(DAEMON is None, reason="speech-dispatcher is not installed")]


def test_a_prompt_without_a_clip_is_spoken_with_the_vietnamese_voice(
        qapp: object, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.ui.i18n import Strings
    from kiosk.ui.voice import Voice

    clips = tmp_path / "clips"
    (clips / "vi").mkdir(parents=True)  # clips installed, but none for this prompt
    with real_speechd(tmp_path / "sd") as sd:
        monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{sd.socket}")
        strings = Strings("vi")
        voice = Voice(strings, engine="speechd", clips_dir=clips)
        try:
            qtbot.waitUntil(lambda: voice.speech_status().available, timeout=15000)
            voice.prompt("welcome")
            qtbot.waitUntil(lambda: "speak_queue playback thread got END" in sd.log_text(),
                            timeout=15000)
            qtbot.waitUntil(lambda: "played to the end" in voice.speech_status().detail,
                            timeout=15000)  # the END event reached the kiosk's voice
        finally:
            voice.stop()
            voice.close()
            voice.deleteLater()
        log = sd.log_text()
        samples = sd.audio_samples()
    assert voice.history[-1] == strings.text("voice_welcome")
    assert "language=vi" in log  # the voice asked for vi; speech-dispatcher gave the module vi
    assert "Xin chào. Đây là kiosk dịch vụ công." in log  # the prompt's text reached the daemon
    assert len(samples) > 22050
    assert max(abs(s) for s in samples) > 3000
