"""The digits typed on the on-screen keypad, held in one kind of buffer everywhere.

The confirmation code, the status lookup and the staff PIN each keep one of these: ASCII digits
only (``str.isdigit`` would also take "٣" or "³"), never more than the field holds.
"""

from __future__ import annotations

ASCII_DIGITS = frozenset("0123456789")


class DigitBuffer:
    """Up to ``max_digits`` ASCII digits, typed one at a time and erased from the end."""

    def __init__(self, max_digits: int) -> None:
        if max_digits < 1:
            raise ValueError("a keypad field holds at least one digit")
        self.max_digits = max_digits
        self._text = ""

    @property
    def text(self) -> str:
        return self._text

    def __len__(self) -> int:
        return len(self._text)

    def is_full(self) -> bool:
        return len(self._text) == self.max_digits

    def press(self, key: str) -> bool:
        """Add one digit; False, and nothing changes, when it is not a digit or the field is full."""
        if key not in ASCII_DIGITS or len(self._text) >= self.max_digits:
            return False
        self._text += key
        return True

    def erase(self) -> None:
        self._text = self._text[:-1]

    def clear(self) -> None:
        self._text = ""

    def take(self) -> str:
        """The digits typed, leaving the buffer empty (a PIN is not kept once handed on)."""
        text, self._text = self._text, ""
        return text
