"""PINs for the technician and staff roles: scrypt hashes, and a lockout after wrong tries.

scrypt (memory-hard, in the standard library) because a kiosk's PIN file can be copied off a
stolen disk and a 6-digit PIN is otherwise brute-forced in seconds. Five wrong tries lock the
role for five minutes; the count survives a restart because it lives in the same file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.store.files import atomic_write

MAX_TRIES = 5
LOCK_SECONDS = 300
_N, _R, _P = 2**14, 8, 1


class Role(StrEnum):
    TECHNICIAN = "technician"
    STAFF = "staff"


class PinOutcome(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"
    NOT_SET = "not_set"


@dataclass(frozen=True)
class PinCheck:
    outcome: PinOutcome
    tries_left: int = 0
    locked_for_s: int = 0


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)


class PinGuard:
    """The PIN file (JSON, written atomically): per role a salt, hash, failures and lock time."""

    def __init__(self, path: Path, clock: Callable[[], float]) -> None:
        self._path = path
        self._clock = clock

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data: dict[str, dict[str, Any]] = json.loads(self._path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        return data

    def _save(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self._path.parent, self._path.name, json.dumps(data).encode("utf-8"))  # 0600

    def set_pin(self, role: Role, pin: str) -> None:
        if not (pin.isdigit() and 6 <= len(pin) <= 12):
            raise ValueError("a PIN is 6 to 12 digits")
        salt = secrets.token_bytes(16)
        data = self._load()
        data[role.value] = {"salt": base64.b64encode(salt).decode(), "failures": 0, "locked_until": 0,
                            "hash": base64.b64encode(_hash(pin, salt)).decode()}
        self._save(data)

    def is_set(self, role: Role) -> bool:
        return role.value in self._load()

    def matching_role(self, pin: str) -> Role | None:
        """The role whose PIN this is, without recording a try (a shared pad asks this first;
        `check` then counts the try against that role, or against each role when none matches)."""
        data = self._load()
        for role in Role:
            entry = data.get(role.value)
            if entry is not None and hmac.compare_digest(
                    _hash(pin, base64.b64decode(entry["salt"])), base64.b64decode(entry["hash"])):
                return role
        return None

    def check(self, role: Role, pin: str) -> PinCheck:
        data = self._load()
        entry = data.get(role.value)
        if entry is None:
            return PinCheck(PinOutcome.NOT_SET)
        now = self._clock()
        locked_until = float(entry.get("locked_until", 0))
        if now < locked_until:
            return PinCheck(PinOutcome.LOCKED, locked_for_s=int(locked_until - now + 0.999))
        expected = base64.b64decode(entry["hash"])
        if hmac.compare_digest(_hash(pin, base64.b64decode(entry["salt"])), expected):
            entry["failures"] = 0
            self._save(data)
            return PinCheck(PinOutcome.ACCEPTED, tries_left=MAX_TRIES)
        failures = int(entry.get("failures", 0)) + 1
        if failures >= MAX_TRIES:
            entry["failures"], entry["locked_until"] = 0, now + LOCK_SECONDS
            self._save(data)
            return PinCheck(PinOutcome.LOCKED, locked_for_s=LOCK_SECONDS)
        entry["failures"] = failures
        self._save(data)
        return PinCheck(PinOutcome.WRONG, tries_left=MAX_TRIES - failures)
