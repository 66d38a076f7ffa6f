"""sd_notify messages reach a real datagram socket, the way systemd receives them."""

import os
import socket
from pathlib import Path

from kiosk.notify import Notifier, watchdog_interval_ms


def test_ready_and_watchdog_reach_the_socket(tmp_path: Path) -> None:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        server.settimeout(5)
        notifier = Notifier(str(path))
        assert notifier.ready("Welcome screen shown")
        assert server.recv(4096) == b"READY=1\nSTATUS=Welcome screen shown"
        assert notifier.watchdog()
        assert server.recv(4096) == b"WATCHDOG=1"


def test_no_socket_is_a_quiet_no_op() -> None:
    notifier = Notifier("")
    assert not notifier.enabled
    assert not notifier.watchdog()


def test_watchdog_interval_is_half_the_timeout() -> None:
    assert watchdog_interval_ms({"WATCHDOG_USEC": "30000000"}) == 15000
    assert watchdog_interval_ms({}) is None
    other_pid = str(os.getpid() + 1)
    assert watchdog_interval_ms({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": other_pid}) is None
