"""Loopback HTTP servers that misbehave on purpose, for the client's bounds and fuzz tests.

Each server answers every request with ``respond(sock)``; a handler that loops stops as soon as a
write fails (the client hung up) or its own bound is reached, so no thread outlives the test.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Tally:
    """What the server managed to send, and whether its writes ended in a broken connection."""

    bytes_sent: int = 0
    hung_up: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, n: int) -> None:
        with self.lock:
            self.bytes_sent += n


def read_request(sock: socket.socket) -> bytes:
    """The request head (the body is read and dropped), b"" once the client has hung up."""
    return read_full_request(sock)[0]


def read_full_request(sock: socket.socket) -> tuple[bytes, bytes]:
    """The request head and its Content-Length body (bounded), so the client is never blocked."""
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 1 << 16:
        part = sock.recv(4096)
        if not part:
            return data, b""
        data += part
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    while len(body) < min(length, 1 << 24):
        part = sock.recv(65536)
        if not part:
            break
        body += part
    return head, body


@contextmanager
def hostile_server(respond: Callable[[socket.socket, Tally], None]) -> Iterator[tuple[str, Tally]]:
    tally = Tally()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock: socket.socket = self.request
            try:
                while read_request(sock):
                    respond(sock, tally)
            except OSError:
                tally.hung_up.set()

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tally
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def answering_server(serve: Callable[[socket.socket, bytes, bytes], None]) -> Iterator[str]:
    """One answer per connection: ``serve(sock, request_head, request_body)``, then close."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock: socket.socket = self.request
            try:
                head, body = read_full_request(sock)
                if head:
                    serve(sock, head, body)
            except OSError:
                pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
