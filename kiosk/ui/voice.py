"""Spoken prompts: a recorded clip for the prompt id when one exists, else text to speech.

Each screen has a prompt id; "Nghe lại" repeats the last prompt. The engine is chosen by the
composition root ("speechd" on a kiosk, "mock" in tests and the demo). "speechd" is
`kiosk.speech.SpeechClient`: its own thread talks to speech-dispatcher, so a daemon that is absent
or wedged never blocks the GUI thread or the start; the kiosk then runs silent with its text on
screen and `speech_status()` says why.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal

from kiosk.speech import SpeechClient, VoiceStatus
from kiosk.ui.i18n import Strings
from kiosk.ui.qtbind import qproperty, slot

MUTED = VoiceStatus(False, "voice engine mock: silent by configuration")


HISTORY = 50


class Voice(QObject):
    """Says prompts by id; keeps the last one for "Nghe lại"; volume 0..1."""

    volume_changed = Signal()
    spoken = Signal(str)

    def __init__(
        self,
        strings: Strings,
        *,
        engine: str,
        clips_dir: Path | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._strings = strings
        self._clips_dir = clips_dir
        # Starts a thread and returns at once: nothing here waits for speech-dispatcher.
        self._speech = SpeechClient() if engine == "speechd" else None
        self._volume = 0.8
        self._last = ""
        self._clip: Any = None
        self.history: deque[str] = deque(maxlen=HISTORY)  # what was said, for tests

    def _clip_for(self, prompt_id: str) -> Path | None:
        if self._clips_dir is None:
            return None
        path = self._clips_dir / self._strings.lang_code() / f"{prompt_id}.wav"
        return path if path.is_file() else None

    @slot(str)
    def prompt(self, prompt_id: str) -> None:
        """Speak the screen prompt ``voice_<id>`` (or its clip)."""
        self._say(prompt_id, self._strings.text(f"voice_{prompt_id}"))

    @slot(str)
    def say(self, text: str) -> None:
        self._say("", text)

    def _say(self, prompt_id: str, text: str) -> None:
        self._last = prompt_id or text
        self.history.append(text)
        clip = self._clip_for(prompt_id) if prompt_id else None
        if self._speech is not None:
            self._speech.stop()
        if clip is not None:
            self._play(clip)
        elif self._speech is not None:
            lang = self._strings.lang_code()
            self._speech.say(text, language=lang if lang in ("vi", "en") else "vi",
                             volume=self._volume)
        self.spoken.emit(text)

    def _play(self, clip: Path) -> None:
        from PySide6.QtMultimedia import QSoundEffect  # only when clips are installed

        if self._clip is None:
            self._clip = QSoundEffect(self)
        self._clip.setSource(QUrl.fromLocalFile(str(clip)))
        self._clip.setVolume(self._volume)
        self._clip.play()

    @slot()
    def repeat(self) -> None:
        if not self._last:
            return
        if f"voice_{self._last}" in self._strings.table():
            self.prompt(self._last)
        else:
            self.say(self._last)

    @slot()
    def stop(self) -> None:
        if self._speech is not None:
            self._speech.stop()

    def speech_status(self) -> VoiceStatus:
        """Whether the text-to-speech voice can speak now (technician status, metrics)."""
        return self._speech.status() if self._speech is not None else MUTED

    def close(self) -> None:
        """Ends the speech thread (bounded wait)."""
        if self._speech is not None:
            self._speech.close()

    def _get_volume(self) -> float:
        return self._volume

    def _set_volume(self, value: float) -> None:
        value = max(0.0, min(1.0, float(value)))
        if value != self._volume:
            self._volume = value  # the next utterance carries it
            self.volume_changed.emit()

    volume = qproperty(float, _get_volume, _set_volume, notify=volume_changed)

    def reset(self) -> None:
        self.stop()
        self._last = ""
        self._set_volume(0.8)
