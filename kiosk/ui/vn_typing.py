"""Typing a Vietnamese name on the kiosk's own keyboard (no Qt): letters, then a tone mark.

Every letter with its own shape has its own key (Ă Â Đ Ê Ô Ơ Ư); a tone key (sắc, huyền, hỏi,
ngã, nặng) puts its mark on the right vowel of the word being typed, replacing any tone it had
("HUYNH" then huyền gives "Huỳnh"). The vowel is chosen by the usual rules: a vowel with its own
shape first (ơ in "ươ", ê in "uyê"); else the last vowel before a final consonant ("Hoàng"); in
an open syllable of two or three vowels the one before the last, as on ID cards ("Hòa", "Thủy",
"Ngoài"); "qu" and "gi" before a vowel count as consonants ("Quý", "Giàu").
Words are capitalised as names are (first letter upper case). Everything returned is NFC.
"""

from __future__ import annotations

import unicodedata

TONES = {
    "sac": "\u0301",    # á
    "huyen": "\u0300",  # à
    "hoi": "\u0309",    # ả
    "nga": "\u0303",    # ã
    "nang": "\u0323",   # ạ
}
_TONE_MARKS = set(TONES.values())
_VOWELS = set("aăâeêioôơuưy")
_SHAPED = set("ăâêôơư")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def add_letter(text: str, letter: str) -> str:
    """Append ``letter`` (or a space); the first letter of a word is upper case, the rest lower."""
    if letter == " ":
        return text if not text or text.endswith(" ") else text + " "
    start = not text or text.endswith(" ")
    return _nfc(text + (letter.upper() if start else letter.lower()))


def erase(text: str) -> str:
    """Remove the last letter (with its tone and shape)."""
    return _nfc(text)[:-1]


def _base(ch: str) -> str:
    """The letter without its tone: "ầ" -> "â", "Ớ" -> "ơ" (lower case)."""
    parts = [c for c in unicodedata.normalize("NFD", ch.lower()) if c not in _TONE_MARKS]
    return _nfc("".join(parts))


def _strip_tone(word: str) -> str:
    return _nfc("".join(c for c in unicodedata.normalize("NFD", word) if c not in _TONE_MARKS))


def tone_target(word: str) -> int | None:
    """The index in ``word`` (NFC) of the vowel that carries the tone, or None without a vowel."""
    bases = [_base(c) for c in word]
    idx = [i for i, b in enumerate(bases) if b in _VOWELS]
    if not idx:
        return None
    # "qu" and "gi" before another vowel are consonants
    if len(idx) > 1 and idx[0] == 1 and bases[0] in ("q", "g") and bases[1] in ("u", "i"):
        idx = idx[1:]
    # the vowel cluster: the first run of consecutive vowels
    cluster = [idx[0]]
    for i in idx[1:]:
        if i != cluster[-1] + 1:
            break
        cluster.append(i)
    shaped = [i for i in cluster if bases[i] in _SHAPED]
    if shaped:
        return shaped[-1]  # "ươ": ơ; "uyê": ê; "uô": ô
    if len(cluster) == 1:
        return cluster[0]
    closed = cluster[-1] < len(word) - 1
    return cluster[-1] if closed else cluster[-2]


def apply_tone(text: str, tone: str) -> str:
    """Put ``tone`` on the last word of ``text`` (pressing the same tone again removes it)."""
    mark = TONES[tone]
    text = _nfc(text)
    head, _, word = text.rpartition(" ")
    prefix = head + " " if head else ""
    if not word:
        return text
    had = next((c for c in unicodedata.normalize("NFD", word) if c in _TONE_MARKS), None)
    plain = _strip_tone(word)
    if had == mark:
        return prefix + plain
    target = tone_target(plain)
    if target is None:
        return text
    letter = unicodedata.normalize("NFD", plain[target]) + mark
    return prefix + _nfc(plain[:target] + _nfc(letter) + plain[target + 1:])
