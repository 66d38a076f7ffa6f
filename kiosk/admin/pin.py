"""PINs for the technician and staff roles: scrypt hashes, and a lockout after wrong tries.

scrypt (memory-hard, in the standard library) because a kiosk's PIN file can be copied off a
stolen disk and a 6-digit PIN is otherwise brute-forced in seconds: N = 2^17, r = 8 (128 MiB and
a fraction of a second per guess). Each entry records its own cost, so PINs hashed with the old
N = 2^14 still verify, and are re-hashed at the new cost on their next successful use.

Trivial PINs are refused (one digit repeated, straight runs such as 123456 or 987654, a short
block repeated such as 121212 or 123123). Five wrong tries lock the role for five minutes; each
further lock before a successful log-in doubles (10, 20, 40 minutes... up to a day). The counts
survive a restart because they live in the same file; on a full disk they are kept in memory.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import itertools
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.store.files import atomic_write

MAX_TRIES = 5
LOCK_SECONDS = 300  # the first lock; each further one doubles
MAX_LOCK_SECONDS = 86_400
SCRYPT_N = 2**17
LEGACY_N = 2**14  # entries written before the cost was raised carry no "n"
_R, _P = 8, 1
_MAXMEM = 256 * 1024 * 1024

log = logging.getLogger(__name__)


def trivial_reason(pin: str) -> str:
    """Why ``pin`` is too easy to guess, or "" when it is acceptable (digits assumed)."""
    if len(set(pin)) == 1:
        return "one digit repeated"
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):
        return "a straight run of digits"
    for period in (2, 3):
        if len(pin) % period == 0 and pin == pin[:period] * (len(pin) // period):
            return "a short block repeated"
    return ""


def lock_seconds(locks: int) -> int:
    """How long the ``locks``-th consecutive lock lasts (1: five minutes, then doubling)."""
    return min(MAX_LOCK_SECONDS, LOCK_SECONDS << min(16, max(0, locks - 1)))


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


@functools.lru_cache(maxsize=4)  # a pad asks "which role?" then checks it: hash once, not twice
def _hash(pin: str, salt: bytes, n: int = SCRYPT_N) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=_R, p=_P, dklen=32, maxmem=_MAXMEM)


def _matches(entry: dict[str, Any], pin: str) -> bool:
    n = int(entry.get("n", LEGACY_N))
    return hmac.compare_digest(_hash(pin, base64.b64decode(entry["salt"]), n),
                               base64.b64decode(entry["hash"]))


def _new_entry(pin: str, n: int) -> dict[str, Any]:
    salt = secrets.token_bytes(16)
    return {"salt": base64.b64encode(salt).decode(), "n": n, "failures": 0, "locked_until": 0,
            "locks": 0, "hash": base64.b64encode(_hash(pin, salt, n)).decode()}


class PinGuard:
    """The PIN file (JSON, written atomically): per role a salt, hash, failures and lock time."""

    def __init__(self, path: Path, clock: Callable[[], float], *, cost: int = SCRYPT_N) -> None:
        if cost < SCRYPT_N:
            raise ValueError(f"scrypt cost below {SCRYPT_N} is refused")
        self._path = path
        self._clock = clock
        self._cost = cost
        self._unsaved: dict[str, dict[str, Any]] | None = None  # counts a full disk refused

    def _load(self) -> dict[str, dict[str, Any]]:
        if self._unsaved is not None:
            return json.loads(json.dumps(self._unsaved))  # type: ignore[no-any-return]
        try:
            data: dict[str, dict[str, Any]] = json.loads(self._path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        return data

    def _save(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self._path.parent, self._path.name, json.dumps(data).encode("utf-8"))  # 0600

    def _record(self, data: dict[str, dict[str, Any]]) -> None:
        """Save tries and locks; on a full disk keep them in memory so the lockout still holds."""
        try:
            self._save(data)
        except OSError as exc:
            log.warning("PIN tries kept in memory only: %s", type(exc).__name__)
            self._unsaved = data
        else:
            self._unsaved = None

    def set_pin(self, role: Role, pin: str) -> None:
        if not (pin.isdigit() and pin.isascii() and 6 <= len(pin) <= 12):
            raise ValueError("a PIN is 6 to 12 digits")
        if reason := trivial_reason(pin):
            raise ValueError(f"that PIN is too easy to guess ({reason}); choose another")
        data = self._load()
        data[role.value] = _new_entry(pin, self._cost)
        self._save(data)
        self._unsaved = None

    def is_set(self, role: Role) -> bool:
        return role.value in self._load()

    def matching_role(self, pin: str) -> Role | None:
        """The role whose PIN this is, without recording a try (a shared pad asks this first;
        `check` then counts the try against that role, or against each role when none matches)."""
        data = self._load()
        for role in Role:
            entry = data.get(role.value)
            if entry is not None and _matches(entry, pin):
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
        if _matches(entry, pin):
            if int(entry.get("n", LEGACY_N)) < self._cost:  # an old hash: re-hash at today's cost
                entry.update(_new_entry(pin, self._cost))
            entry["failures"], entry["locks"] = 0, 0
            self._record(data)
            return PinCheck(PinOutcome.ACCEPTED, tries_left=MAX_TRIES)
        failures = int(entry.get("failures", 0)) + 1
        if failures >= MAX_TRIES:
            locks = int(entry.get("locks", 0)) + 1
            seconds = lock_seconds(locks)
            entry["failures"], entry["locked_until"], entry["locks"] = 0, now + seconds, locks
            self._record(data)
            return PinCheck(PinOutcome.LOCKED, locked_for_s=seconds)
        entry["failures"] = failures
        self._record(data)
        return PinCheck(PinOutcome.WRONG, tries_left=MAX_TRIES - failures)
