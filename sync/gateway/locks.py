"""Keyed non-blocking locks: the per-application and per-document "in progress" guards."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class KeyedLocks:
    """A set of busy keys. Refusing (not waiting) is the protocol: 409/423, retry later."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy: set[str] = set()

    def try_acquire(self, key: str) -> bool:
        with self._cond:
            if key in self._busy:
                return False
            self._busy.add(key)
            return True

    def acquire(self, key: str, timeout_s: float) -> bool:
        with self._cond:
            if not self._cond.wait_for(lambda: key not in self._busy, timeout=timeout_s):
                return False
            self._busy.add(key)
            return True

    def release(self, key: str) -> None:
        with self._cond:
            self._busy.discard(key)
            self._cond.notify_all()

    @contextmanager
    def held(self, key: str) -> Iterator[bool]:
        """Yield whether the key was taken; release it afterwards if it was."""
        taken = self.try_acquire(key)
        try:
            yield taken
        finally:
            if taken:
                self.release(key)

    def is_busy(self, key: str) -> bool:
        with self._cond:
            return key in self._busy
