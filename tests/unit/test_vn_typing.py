"""The kiosk keyboard's Vietnamese typing: capitalised names, tones on the right vowel."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk.ui.vn_typing import add_letter, apply_tone, erase


def typed(keys: str) -> str:
    text = ""
    for k in keys:
        text = add_letter(text, k)
    return text


@pytest.mark.parametrize(("letters", "tone", "want"), [
    ("HUYNH", "huyen", "Huỳnh"),
    ("HOA", "huyen", "Hòa"),
    ("HOANG", "huyen", "Hoàng"),
    ("THUY", "hoi", "Thủy"),
    ("NGOAI", "huyen", "Ngoài"),
    ("NGƯƠI", "huyen", "Người"),
    ("TUÔI", "hoi", "Tuổi"),
    ("QUY", "sac", "Quý"),
    ("GIAU", "huyen", "Giàu"),
    ("GI", "huyen", "Gì"),
    ("QUYÊN", "huyen", "Quyền"),
    ("NGUYÊN", "nga", "Nguyễn"),
    ("TRÂN", "huyen", "Trần"),
    ("ĐƯC", "sac", "Đức"),
    ("ANH", "sac", "Ánh"),
    ("TUYÊT", "sac", "Tuyết"),
    ("THI", "nang", "Thị"),
    ("MIA", "sac", "Mía"),
    ("KHUYU", "hoi", "Khuỷu"),
])
def test_tone_goes_on_the_right_vowel(letters: str, tone: str, want: str) -> None:
    got = apply_tone(typed(letters), tone)
    assert got == want
    assert unicodedata.is_normalized("NFC", got)


def test_a_name_word_by_word() -> None:
    text = apply_tone(typed("HUYNH"), "huyen")
    text = add_letter(text, " ")
    for k in "THI":
        text = add_letter(text, k)
    text = apply_tone(text, "nang")
    assert text == "Huỳnh Thị"


def test_changing_and_removing_a_tone() -> None:
    assert apply_tone("Hòa", "sac") == "Hóa"
    assert apply_tone("Hòa", "huyen") == "Hoa"  # the same tone again takes it off
    assert apply_tone("", "sac") == ""
    assert apply_tone("Nh", "sac") == "Nh"  # no vowel: nothing to mark


def test_capitals_spaces_and_erase() -> None:
    assert typed("TRAN VAN") == "Tran Van"
    assert add_letter("Tran ", " ") == "Tran "  # no double space
    assert add_letter("", " ") == ""
    assert erase("Huỳnh") == "Huỳn"
    assert erase("Hò") == "H"  # the letter with its tone
