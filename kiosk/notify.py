"""systemd's notify protocol (READY=1, WATCHDOG=1, STATUS=...) without a dependency.

The message is one datagram to $NOTIFY_SOCKET; an abstract socket name starts with '@'. With no
socket (not under systemd, or in tests without one) every call is a quiet no-op.
"""

from __future__ import annotations

import os
import socket


class Notifier:
    """Sends notify messages; the socket address is read once, when built."""

    def __init__(self, address: str | None = None) -> None:
        address = address if address is not None else os.environ.get("NOTIFY_SOCKET", "")
        self._address = "\0" + address[1:] if address.startswith("@") else address

    @property
    def enabled(self) -> bool:
        return bool(self._address)

    def send(self, *fields: str) -> bool:
        """Send `KEY=value` lines; True when a datagram went out."""
        if not self._address:
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            try:
                sock.sendto("\n".join(fields).encode("utf-8"), self._address)
            except OSError:
                return False
        return True

    def ready(self, status: str = "") -> bool:
        return self.send("READY=1", *([f"STATUS={status}"] if status else []))

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={text}")


def watchdog_interval_ms(env: dict[str, str] | None = None) -> int | None:
    """Half of WATCHDOG_USEC (the systemd convention), or None when no watchdog is asked for."""
    env = dict(os.environ) if env is None else env
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or (pid and pid != str(os.getpid())):
        return None
    return max(int(usec) // 2000, 100)
