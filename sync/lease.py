"""One agent at a time: a lease in ``sync_state`` that expires, not a flag.

A flag left behind by a killed agent would block sending forever; a lease with an expiry is
taken over once its holder has stopped renewing it. The holder renews well before expiry
(a third of the term), and checks it still holds the lease before each application, so a
stalled agent that lost its lease stops instead of racing the new holder.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.store.schema import SYNC_KEY_LEASE_EXPIRES_AT as EXPIRES
from kiosk.store.schema import SYNC_KEY_LEASE_HOLDER as HOLDER
from sync.outbox import Outbox, iso, parse_iso

LEASE_TERM_S = 60.0


def make_holder_id() -> str:
    """Unique per agent process, readable by a technician (host, pid, random)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_is_dead(holder: str) -> bool:
    """True only when the holder is a process of this host that no longer exists.

    After a power cut or a SIGKILL, systemd restarts the agent within seconds; making it wait
    out the whole term of its dead predecessor's lease would idle the link for nothing. A
    holder on another host, or one we cannot judge, is never declared dead.
    """
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed child not yet reaped still answers kill(0): its /proc state says Z."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


@dataclass(frozen=True)
class LeaseHeld:
    """Someone else holds the lease."""

    holder: str
    expires_at: str


class Lease:
    """The agent's lease on the outbox."""

    def __init__(self, outbox: Outbox, holder: str, clock: Callable[[], float],
                 term_s: float = LEASE_TERM_S) -> None:
        self._outbox = outbox
        self.holder = holder
        self._clock = clock
        self.term_s = term_s
        self._renewed_at: float | None = None

    def acquire(self) -> LeaseHeld | None:
        """Take or renew the lease; None on success, else who holds it."""
        now = self._clock()
        refused: list[LeaseHeld] = []

        def decide(cur: dict[str, str | None]) -> dict[str, str | None] | None:
            holder, expires = cur[HOLDER], cur[EXPIRES]
            if (holder is not None and expires is not None and holder != self.holder
                    and parse_iso(expires) > now and not holder_is_dead(holder)):
                refused.append(LeaseHeld(holder, expires))
                return None
            return {HOLDER: self.holder, EXPIRES: iso(now + self.term_s)}

        if self._outbox.swap_states((HOLDER, EXPIRES), decide):
            self._renewed_at = now
            return None
        self._renewed_at = None
        return refused[0]

    @property
    def held(self) -> bool:
        """Whether this agent believes it holds the lease (last acquire or renewal worked)."""
        return self._renewed_at is not None

    def keep(self) -> bool:
        """Renew when a third of the term has passed; False once the lease is lost."""
        if self._renewed_at is not None and self._clock() - self._renewed_at < self.term_s / 3:
            return True
        return self.acquire() is None

    def release(self) -> None:
        def decide(cur: dict[str, str | None]) -> dict[str, str | None] | None:
            if cur[HOLDER] != self.holder:
                return None
            return {HOLDER: None, EXPIRES: None}

        self._outbox.swap_states((HOLDER, EXPIRES), decide)
        self._renewed_at = None
