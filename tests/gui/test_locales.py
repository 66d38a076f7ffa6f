"""Every string id used by the QML exists in every locale, and the locales agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.domain.catalog_model import Msg
from kiosk.paths import LOCALES_DIR
from kiosk.store.schema import ApplicationState, GatewayState
from kiosk.ui.flow_vm import SCREENS
from kiosk.ui.i18n import LANGUAGES, load_locale
from kiosk.ui.queue_vm import FIELDS

QML_DIR = Path(__file__).resolve().parents[2] / "kiosk" / "ui" / "qml"
PY_DIR = QML_DIR.parent


def used_ids() -> set[str]:
    ids: set[str] = set()
    for qml in QML_DIR.rglob("*.qml"):
        ids |= set(re.findall(r"i18n\.t\.([a-z0-9_]+)", qml.read_text(encoding="utf-8")))
    for py in PY_DIR.glob("*.py"):
        text = py.read_text(encoding="utf-8")
        ids |= set(re.findall(r'\b(?:text|t|show_error|set_error)\("([a-z0-9_.]+)"\)', text))
        ids |= set(re.findall(r'\btable\["([a-z0-9_.]+)"\]', text))
    return ids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_used_id_is_translated(lang: str) -> None:
    table = load_locale(lang, LOCALES_DIR)
    ids = used_ids()
    assert len(ids) > 40
    assert sorted(ids - set(table)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_state_and_message_id_is_translated(lang: str) -> None:
    table = load_locale(lang, LOCALES_DIR)
    ids = {f"state_{s.value}" for s in ApplicationState}
    ids |= {f"gateway_{s.value}" for s in GatewayState}
    ids |= {m.value for m in Msg}
    ids |= {f"voice_{screen}" for screen in SCREENS.values()}
    ids |= {f"queue_field_{f}" for f in FIELDS}
    assert sorted(ids - set(table)) == []


def test_locales_have_the_same_ids() -> None:
    vi, en = (set(load_locale(lang, LOCALES_DIR)) for lang in ("vi", "en"))
    assert vi ^ en == set()
