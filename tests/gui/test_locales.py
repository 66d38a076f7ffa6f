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


_BAN = re.compile(r"\bbạn\b", re.IGNORECASE)


def _catalog_texts(lang: str) -> list[tuple[str, str]]:
    """Every citizen-facing text of the catalog in ``lang`` (keys ending in _vi / _en)."""
    import json

    from kiosk.paths import ASSETS_DIR

    found: list[tuple[str, str]] = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, str) and k.endswith(f"_{lang}"):
                    found.append((f"{where}.{k}", v))
                else:
                    walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    for name in ("procedures.json", "places.json"):
        walk(json.loads((ASSETS_DIR / "catalog" / name).read_text(encoding="utf-8")), name)
    return found


def test_citizens_are_addressed_ong_ba_never_ban() -> None:
    """"bạn" (friend / you, to a peer) is wrong for an elder: every citizen string says "Ông/Bà"."""
    texts = list(load_locale("vi", LOCALES_DIR).items()) + _catalog_texts("vi")
    assert len(texts) > 150
    assert [k for k, v in texts if _BAN.search(v)] == []
    assert [k for k, v in texts if "ông/bà" in v or "Ông/bà" in v] == []  # one spelling: Ông/Bà
    addressed = [k for k, v in texts if "Ông/Bà" in v or "Ông Bà" in v]
    assert len(addressed) > 20


def test_the_test_catches_ban() -> None:
    assert _BAN.search("Họ tên người bạn dự định kết hôn")
    assert _BAN.search("Bạn cần giấy này để làm gì?")
    assert not _BAN.search("Bản sao giấy tờ hộ tịch")  # "bản" (a copy) is another word


def test_english_reads_naturally() -> None:
    en = load_locale("en", LOCALES_DIR)
    assert [k for k, v in en.items() if "(s)" in v] == []
    assert en["review_document_page"] == "1 page"
    assert en["review_document_none"] == "Not provided"


def test_the_commune_reads_english_in_english(ui: object) -> None:
    from kiosk.ui.app_ui import KioskUi

    assert isinstance(ui, KioskUi)
    assert ui.flow.commune_name.startswith("Xã ")
    ui.strings.set_language("en")
    name = ui.flow.commune_name
    assert name.endswith(" Commune")
    assert not name.startswith("Xã")
