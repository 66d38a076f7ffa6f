"""Every string id used by the QML exists in every locale, and the locales agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.paths import LOCALES_DIR
from kiosk.ui.i18n import LANGUAGES, load_locale

QML_DIR = Path(__file__).resolve().parents[2] / "kiosk" / "ui" / "qml"
PY_DIR = QML_DIR.parent


def used_ids() -> set[str]:
    ids: set[str] = set()
    for qml in QML_DIR.rglob("*.qml"):
        ids |= set(re.findall(r"i18n\.t\.([a-z0-9_]+)", qml.read_text(encoding="utf-8")))
    for py in PY_DIR.glob("*.py"):
        text = py.read_text(encoding="utf-8")
        ids |= set(re.findall(r'\b(?:text|t|show_error|set_error)\("([a-z0-9_.]+)"\)', text))
    return ids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_used_id_is_translated(lang: str) -> None:
    table = load_locale(lang, LOCALES_DIR)
    ids = used_ids()
    assert len(ids) > 40
    assert sorted(ids - set(table)) == []


def test_locales_have_the_same_ids() -> None:
    vi, en = (set(load_locale(lang, LOCALES_DIR)) for lang in ("vi", "en"))
    assert vi ^ en == set()
