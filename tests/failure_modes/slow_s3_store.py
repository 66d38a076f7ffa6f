"""A slow S3-compatible store on 127.0.0.1 for the gateway's tests: HEAD answers at once, GET
sends the object's headers, then its body in pieces, each under botocore's read timeout."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

OBJECT = bytes(range(256)) * 256  # 64 KiB
PIECES = 8
PIECE_EVERY_S = 0.25  # under botocore's read timeout (1 s here): the download never times out


@contextmanager
def serving(answer: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 whose every connection is ``answer(conn, stop)`` on a thread
    of its own; its URL while the block runs; then ``stop`` is set and every thread joined."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            t = threading.Thread(target=answer, args=(conn, stop), daemon=True)
            t.start()
            threads.append(t)

    acceptor = threading.Thread(target=serve, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        acceptor.join(timeout=5)
        for t in threads:
            t.join(timeout=5)
        server.close()


@contextmanager
def slow_store() -> Iterator[str]:
    """HEAD answers at once; GET sends the object's headers, then its body in slow pieces."""

    def answer(conn: socket.socket, stop: threading.Event) -> None:
        with conn, suppress(OSError):
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head = (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nETag: \"e1\"\r\n"
                    b"Last-Modified: Wed, 18 Nov 2026 08:00:00 GMT\r\n"
                    b"Content-Type: application/octet-stream\r\n\r\n" % len(OBJECT))
            conn.sendall(head)
            if data.startswith(b"HEAD "):
                return
            size = len(OBJECT) // PIECES
            for i in range(PIECES):
                if stop.wait(PIECE_EVERY_S):
                    return
                conn.sendall(OBJECT[i * size:(i + 1) * size])

    with serving(answer) as url:
        yield url
