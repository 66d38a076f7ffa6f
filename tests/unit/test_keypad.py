"""The one keypad buffer behind the confirmation code, the status lookup and the staff PIN."""

from __future__ import annotations

import pytest

from kiosk.ui.keypad import DigitBuffer


def test_digits_are_added_up_to_the_field_size_and_erased_from_the_end() -> None:
    keys = DigitBuffer(3)
    assert [keys.press(d) for d in "1234"] == [True, True, True, False]
    assert keys.text == "123"
    assert keys.is_full()
    keys.erase()
    assert keys.text == "12"
    assert len(keys) == 2
    keys.erase()
    keys.erase()
    keys.erase()  # erasing an empty field is harmless
    assert keys.text == ""


@pytest.mark.parametrize("key", ["٣", "³", "٠", "a", "", "12", " "])
def test_only_one_ascii_digit_is_a_key(key: str) -> None:
    keys = DigitBuffer(6)
    assert not keys.press(key)
    assert keys.text == ""


def test_take_hands_the_digits_on_and_forgets_them() -> None:
    keys = DigitBuffer(8)
    for d in "4821":
        keys.press(d)
    assert keys.take() == "4821"
    assert keys.text == ""


def test_a_field_holds_at_least_one_digit() -> None:
    with pytest.raises(ValueError, match="at least one"):
        DigitBuffer(0)
