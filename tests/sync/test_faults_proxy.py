"""The fault proxy itself: each fault does what it says, and everything closes cleanly."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from sync.netsim import Direction, FaultProxy


class EchoServer:
    """Loopback echo server: one thread, bounded waits."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        conns: list[socket.socket] = []
        while not self.stop.is_set():
            try:
                c, _ = self.sock.accept()
            except TimeoutError:
                continue
            c.settimeout(5)
            conns.append(c)
            threading.Thread(target=self._echo, args=(c,), daemon=True).start()
        for c in conns:
            c.close()

    @staticmethod
    def _echo(c: socket.socket) -> None:
        try:
            while data := c.recv(65536):
                c.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    echo = EchoServer()
    with FaultProxy("127.0.0.1", echo.port) as p:
        yield p
    echo.close()


def _roundtrip(p: FaultProxy, payload: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", p.port), timeout=timeout) as s:
        s.sendall(payload)
        got = b""
        while len(got) < len(payload):
            data = s.recv(65536)
            if not data:
                break
            got += data
        return got


def test_passes_bytes_and_counts_them(proxy: FaultProxy) -> None:
    assert _roundtrip(proxy, b"x" * 100_000) == b"x" * 100_000
    assert proxy.bytes_up == 100_000
    assert proxy.bytes_down == 100_000


def test_cut_after_n_bytes_closes_and_is_one_shot(proxy: FaultProxy) -> None:
    proxy.cut_after(1000)
    got = _roundtrip(proxy, b"y" * 5000)
    assert len(got) <= 1000
    assert proxy.faults_fired == 1
    assert _roundtrip(proxy, b"z" * 5000) == b"z" * 5000


def _drain(s: socket.socket) -> None:
    for _ in range(1000):
        if not s.recv(65536):
            return


def test_reset_gives_connection_reset(proxy: FaultProxy) -> None:
    proxy.reset_after(10, direction=Direction.DOWN)
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as s:
        s.sendall(b"q" * 5000)
        with pytest.raises(ConnectionResetError):
            _drain(s)


def test_stall_forwards_nothing_until_the_client_times_out(proxy: FaultProxy) -> None:
    proxy.stall_after(0)
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=0.3) as s:
        s.sendall(b"hello")
        with pytest.raises(TimeoutError):
            s.recv(10)
    proxy.disarm()
    assert _roundtrip(proxy, b"after") == b"after"


def test_rate_limit_slows_the_link(proxy: FaultProxy) -> None:
    proxy.limit_rate(20_000)
    started = time.monotonic()
    assert _roundtrip(proxy, b"r" * 10_000) == b"r" * 10_000
    elapsed = time.monotonic() - started
    assert elapsed >= 0.9  # 10 kB up and 10 kB down at 20 kB/s each way: ~0.5 s each


def test_testers_link_modes_down_slow_up(proxy: FaultProxy) -> None:
    assert _roundtrip(proxy, b"hello") == b"hello"
    proxy.set_mode("down")
    with pytest.raises(ConnectionResetError):  # reset at once: no route to the gateway
        _roundtrip(proxy, b"hello")
    proxy.set_mode("slow")
    started = time.monotonic()
    assert _roundtrip(proxy, b"x" * 1024) == b"x" * 1024  # 1 KiB each way at 2 KB/s
    assert time.monotonic() - started >= 0.5
    proxy.set_mode("up")
    assert _roundtrip(proxy, b"back") == b"back"
    with pytest.raises(ValueError, match="up, down or slow"):
        proxy.set_mode("sideways")
