"""User-visible strings, loaded from locales/<lang>.json; Vietnamese first, English second."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.paths import LOCALES_DIR
from kiosk.ui.qtbind import qproperty, slot

LANGUAGES = ("vi", "en")


def load_locale(lang: str, locales_dir: Path = LOCALES_DIR) -> dict[str, str]:
    data = json.loads((locales_dir / f"{lang}.json").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"locale {lang} must be a flat object of strings")
    return {str(k): str(v) for k, v in data.items()}


class Strings(QObject):
    """The current language's table as ``i18n.t.<id>`` for QML; ``text(id)`` for Python."""

    changed = Signal()

    def __init__(
        self, language: str = "vi", locales_dir: Path = LOCALES_DIR, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._tables = {lang: load_locale(lang, locales_dir) for lang in LANGUAGES}
        self._default = language
        self._lang = language

    def text(self, string_id: str) -> str:
        return self._tables[self._lang][string_id]

    def text_in(self, lang: str, string_id: str) -> str:
        """A string in a given language (the slip is always Vietnamese)."""
        return self._tables[lang][string_id]

    def lang_code(self) -> str:
        return self._lang

    def _get_lang(self) -> str:
        return self._lang

    @slot(str)
    def set_language(self, lang: str) -> None:
        if lang not in self._tables:
            raise ValueError(f"unknown language {lang!r}")
        if lang != self._lang:
            self._lang = lang
            self.changed.emit()

    lang = qproperty(str, _get_lang, set_language, notify=changed)

    def table(self) -> dict[str, str]:
        return self._tables[self._lang]

    t = qproperty("QVariantMap", table, notify=changed)

    def reset(self) -> None:
        self.set_language(self._default)
