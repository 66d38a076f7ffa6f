"""A loopback TCP proxy that misbehaves on request: the link of a commune on 2G, in a box.

Used by the tests' fault harness and by testers (`kiosk ctl link up|down|slow`, the dev dock):
a simulated kiosk's agent reaches the embedded gateway through it.

It sits between the agent and the reference gateway and can cut a connection after N bytes
(FIN), reset it (RST), stall it (forward nothing more, the client must time out), and shape the
bandwidth to N bytes/s. Faults are one-shot unless armed with ``repeat``. It counts the bytes
that crossed it in each direction so that benches can measure what went on the wire.

Thread-based and bounded: one accept thread plus one pump thread per connection; every wait has
a short timeout and checks the stop flag, and ``stop()`` joins every thread and closes every
socket (pytest runs with ResourceWarning as an error).
"""

from __future__ import annotations

import contextlib
import enum
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass
from types import TracebackType

POLL_S = 0.02
READ_SIZE = 65536
SLOW_BYTES_PER_S = 2048


class FaultKind(enum.Enum):
    CUT = "cut"        # close both sides cleanly after N bytes
    RESET = "reset"    # close with RST after N bytes
    STALL = "stall"    # stop forwarding after N bytes until released


class Direction(enum.Enum):
    UP = "up"      # client -> upstream (requests, uploads)
    DOWN = "down"  # upstream -> client (responses)


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    after_bytes: int
    direction: Direction
    repeat: bool


class _FaultFiredError(Exception):
    """Raised inside a pump when the armed fault goes off."""

    def __init__(self, kind: FaultKind) -> None:
        super().__init__(kind.value)
        self.kind = kind


class FaultProxy:
    """Proxy 127.0.0.1:<port> -> upstream. Use as a context manager or start()/stop()."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._release = threading.Event()
        self._fault: Fault | None = None
        self._counted = 0  # bytes in the fault's direction since it was armed
        self._rate: int | None = None
        self._down = False
        self._threads: list[threading.Thread] = []
        self._sockets: set[socket.socket] = set()
        self.bytes_up = 0
        self.bytes_down = 0
        self.connections = 0
        self.faults_fired = 0
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(POLL_S * 5)
        self.port: int = self._listener.getsockname()[1]

    def retarget(self, host: str, port: int) -> None:
        """Send new connections to another upstream (the gateway started after the proxy)."""
        with self._lock:
            self._upstream = (host, port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- control -------------------------------------------------------------------------
    def arm(self, kind: FaultKind, after_bytes: int, *, direction: Direction = Direction.UP,
            repeat: bool = False) -> None:
        with self._lock:
            self._fault = Fault(kind, after_bytes, direction, repeat)
            self._counted = 0
            self._release.clear()

    def cut_after(self, n: int, **kw: object) -> None:
        self.arm(FaultKind.CUT, n, **kw)  # type: ignore[arg-type]

    def reset_after(self, n: int, **kw: object) -> None:
        self.arm(FaultKind.RESET, n, **kw)  # type: ignore[arg-type]

    def stall_after(self, n: int, **kw: object) -> None:
        self.arm(FaultKind.STALL, n, **kw)  # type: ignore[arg-type]

    def disarm(self) -> None:
        with self._lock:
            self._fault = None
        self._release.set()

    def limit_rate(self, bytes_per_s: int | None) -> None:
        with self._lock:
            self._rate = bytes_per_s

    def set_down(self, down: bool) -> None:
        """Down: every connection, new or open, is reset (no route to the gateway)."""
        with self._lock:
            self._down = down
            live = list(self._sockets) if down else []
        for s in live:
            with contextlib.suppress(OSError):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.shutdown(socket.SHUT_RDWR)

    def set_mode(self, mode: str) -> str:
        """Testers' three links: "up", "down", or "slow" (2 KB/s each way, a poor 2G link)."""
        match mode:
            case "up":
                self.disarm()
                self.limit_rate(None)
                self.set_down(False)
            case "down":
                self.set_down(True)
            case "slow":
                self.set_down(False)
                self.limit_rate(SLOW_BYTES_PER_S)
            case _:
                raise ValueError(f"link mode must be up, down or slow, not {mode!r}")
        return mode

    # -- life ----------------------------------------------------------------------------
    def start(self) -> FaultProxy:
        t = threading.Thread(target=self._accept_loop, name="faultproxy-accept", daemon=True)
        self._threads.append(t)
        t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._release.set()
        for t in list(self._threads):
            t.join(timeout=5)
        self._listener.close()
        with self._lock:
            leftovers = list(self._sockets)
            self._sockets.clear()
        for s in leftovers:
            s.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- internals -----------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            if self._down:
                with contextlib.suppress(OSError):
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()
                continue
            with self._lock:
                target = self._upstream
            try:
                upstream = socket.create_connection(target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self.connections += 1
                self._sockets.update((client, upstream))
                self._threads = [t for t in self._threads if t.is_alive()]
            t = threading.Thread(target=self._pump, args=(client, upstream),
                                 name="faultproxy-pump", daemon=True)
            self._threads.append(t)
            t.start()

    def _allowance(self, direction: Direction, n: int) -> tuple[int, FaultKind | None]:
        """How many of n bytes may pass before the armed fault fires (and which fault)."""
        with self._lock:
            f = self._fault
            if f is None or f.direction is not direction:
                return n, None
            left = f.after_bytes - self._counted
            if left >= n:
                self._counted += n
                return n, None
            self._counted = f.after_bytes
            self.faults_fired += 1
            if f.repeat:
                self._counted = 0
            else:
                self._fault = None
            return max(0, left), f.kind

    def _send(self, dst: socket.socket, data: bytes, direction: Direction) -> None:
        view = memoryview(data)
        while view:
            with self._lock:
                rate = self._rate
            piece = view if rate is None else view[: max(1, rate // 20)]
            with self._lock:  # counted first: the peer may read it before sendall returns
                if direction is Direction.UP:
                    self.bytes_up += len(piece)
                else:
                    self.bytes_down += len(piece)
            dst.sendall(piece)
            view = view[len(piece):]
            if rate is not None and self._stop.wait(len(piece) / rate):
                return

    def _forward(self, src: socket.socket, dst: socket.socket, direction: Direction) -> bool:
        """Move one read's worth; False when the connection is over."""
        data = src.recv(READ_SIZE)
        if not data:
            return False
        allowed, fired = self._allowance(direction, len(data))
        if allowed:
            self._send(dst, data[:allowed], direction)
        if fired is not None:
            raise _FaultFiredError(fired)
        return True

    def _hold(self, client: socket.socket) -> None:
        """Forward nothing until released; drain the client so it never blocks on us."""
        deadline = time.monotonic() + 60
        while not self._release.is_set() and not self._stop.is_set():
            if time.monotonic() > deadline:
                return
            readable, _, _ = select.select([client], [], [], POLL_S)
            if readable and not client.recv(READ_SIZE):
                return

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        peers = {client: (upstream, Direction.UP), upstream: (client, Direction.DOWN)}
        reset = False
        try:
            while not self._stop.is_set():
                readable, _, _ = select.select(list(peers), [], [], POLL_S)
                if not all(self._forward(s, *peers[s]) for s in readable):
                    break
        except _FaultFiredError as fired:
            match fired.kind:
                case FaultKind.CUT:
                    pass
                case FaultKind.RESET:
                    reset = True
                case FaultKind.STALL:
                    self._hold(client)
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                if reset:
                    with contextlib.suppress(OSError):
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                     struct.pack("ii", 1, 0))
                with self._lock:
                    self._sockets.discard(s)
                s.close()
