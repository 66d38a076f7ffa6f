"""Technician, staff and dev dock strings: locales/admin.<lang>.json, following the kiosk's language.

Kept apart from the citizen's tables so that the citizen's wording and the tools' wording can be
edited by different people; the same flat format and the same loader.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.paths import LOCALES_DIR
from kiosk.ui.i18n import LANGUAGES, Strings, load_locale
from kiosk.ui.qtbind import qproperty, slot


def load_admin_tables(locales_dir: Path = LOCALES_DIR) -> dict[str, dict[str, str]]:
    return {lang: load_locale(f"admin.{lang}", locales_dir) for lang in LANGUAGES}


class AdminStrings(QObject):
    """``adminI18n.t.<id>`` for QML, ``text(id)`` / ``fmt(id, *args)`` for Python."""

    changed = Signal()

    def __init__(
        self,
        follow: Strings | None = None,
        language: str = "vi",
        locales_dir: Path = LOCALES_DIR,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._tables = load_admin_tables(locales_dir)
        self._follow = follow
        self._lang = follow.lang_code() if follow is not None else language
        if follow is not None:
            follow.changed.connect(self._followed)

    def _followed(self) -> None:
        assert self._follow is not None
        self.set_language(self._follow.lang_code())

    @slot(str)
    def set_language(self, lang: str) -> None:
        if lang not in self._tables:
            raise ValueError(f"unknown language {lang!r}")
        if lang != self._lang:
            self._lang = lang
            self.changed.emit()

    def lang_code(self) -> str:
        return self._lang

    def text(self, string_id: str) -> str:
        return self._tables[self._lang][string_id]

    def fmt(self, string_id: str, *args: object) -> str:
        """Qt-style %1, %2... placeholders, as the QML side uses with .arg()."""
        out = self.text(string_id)
        for i, arg in reversed(list(enumerate(args, start=1))):
            out = out.replace(f"%{i}", str(arg))
        return out

    def table(self) -> dict[str, str]:
        return self._tables[self._lang]

    t = qproperty("QVariantMap", table, notify=changed)
    lang = qproperty(str, lang_code, notify=changed)
