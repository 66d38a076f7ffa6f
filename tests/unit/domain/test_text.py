"""NFC at the edges: decomposed and precomposed input end up the same."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.text import clean, nfc


def test_decomposed_vietnamese_becomes_precomposed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Huỳnh")
    assert decomposed != "Nguyễn Thị Ánh Huỳnh"
    assert nfc(decomposed) == "Nguyễn Thị Ánh Huỳnh"


def test_clean_folds_whitespace() -> None:
    assert clean("  Lê\u00a0 Văn\t\nTám  ") == "Lê Văn Tám"
    assert clean("   ") == ""


@settings(database=None)
@given(st.text())
def test_nfc_is_idempotent_and_normalised(text: str) -> None:
    once = nfc(text)
    assert nfc(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert clean(clean(text)) == clean(text)
