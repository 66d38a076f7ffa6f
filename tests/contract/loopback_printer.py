"""A network ESC/POS printer on 127.0.0.1 for tests: captures bytes, answers DLE EOT, misbehaves.

It follows the stream with the same parser the tests use to decode slips, answers real-time
status requests from its current state, "prints" raster rows until its paper runs out, and can
go silent or drop the connection in the middle of a slip.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable
from types import TracebackType

from PIL import Image

from devices.printer.realtime_status import (
    COVER_OPEN_BIT,
    PAPER_END_BITS,
    PAPER_END_STOP_BIT,
    STATUS_OK,
)
from tests.support.escpos_decode import Command, CommandKind, parse_stream, raster_image

_POLL_S = 0.02


class LoopbackPrinter:
    """Accepts one connection at a time, like a real network printer on port 9100."""

    def __init__(
        self,
        *,
        answers_status: bool = True,
        paper_rows: int | None = None,
        close_after_bytes: int | None = None,
    ) -> None:
        self._lock = threading.Condition()
        self.answers_status = answers_status
        self.paper_rows = paper_rows
        self.close_after_bytes = close_after_bytes
        self.cover_open = False
        self.reply_byte: int | None = None  # answer this to every status request
        self.paper_out = False
        self.connections: list[bytes] = []
        self.status_requests = 0
        self.cuts = 0
        self._rasters: list[Command] = []
        self._slips: list[list[Command]] = []
        self._stop = threading.Event()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(_POLL_S)
        self.port: int = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="loopback-printer", daemon=True)
        self._thread.start()

    def __enter__(self) -> LoopbackPrinter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._server.close()
        assert not self._thread.is_alive(), "loopback printer thread did not stop"

    @property
    def received(self) -> bytes:
        with self._lock:
            return b"".join(self.connections)

    def printed_images(self) -> list[Image.Image]:
        """Each connection's printed raster (what reached the paper), oldest first."""
        with self._lock:
            return [raster_image(slip) for slip in self._slips if slip]

    def wait_until(self, predicate: Callable[[LoopbackPrinter], bool], timeout_s: float) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: predicate(self), timeout_s)

    def set(self, **state: object) -> None:
        with self._lock:
            for key, value in state.items():
                assert hasattr(self, key), key
                setattr(self, key, value)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(_POLL_S)
                self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        with self._lock:
            self.connections.append(b"")
            self._slips.append([])
            index = len(self.connections) - 1
        buffer = b""
        while not self._stop.is_set():
            try:
                data = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            with self._lock:
                limit = self.close_after_bytes
                seen = len(self.connections[index])
                if limit is not None and seen + len(data) >= limit:
                    data = data[: limit - seen]
                self.connections[index] += data
                self._lock.notify_all()
            buffer += data
            commands, used = parse_stream(buffer)
            buffer = buffer[used:]
            for command in commands:
                self._apply(conn, command, index)
            if limit is not None and seen + len(data) >= limit:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                break
        with self._lock:
            self._lock.notify_all()

    def _apply(self, conn: socket.socket, command: Command, index: int) -> None:
        with self._lock:
            match command.kind:
                case CommandKind.STATUS_REQUEST:
                    self.status_requests += 1
                    reply = self._status_byte(command.arg) if self.answers_status else None
                case CommandKind.RASTER:
                    self._print(command, index)
                    reply = None
                case CommandKind.CUT:
                    self.cuts += 1
                    reply = None
                case _:
                    reply = None
            self._lock.notify_all()
        if reply is not None:
            conn.sendall(bytes([reply]))

    def _print(self, command: Command, index: int) -> None:
        if self.paper_out or self.cover_open:
            return
        rows = command.height
        if self.paper_rows is not None:
            rows = min(rows, self.paper_rows)
            self.paper_rows -= rows
            if self.paper_rows == 0:
                self.paper_out = True
        if rows:
            data = command.data[: rows * command.width_bytes]
            self._slips[index].append(
                Command(
                    CommandKind.RASTER,
                    command.raw[:8] + data,
                    width_bytes=command.width_bytes,
                    height=rows,
                    mode=command.mode,
                    data=data,
                )
            )

    def _status_byte(self, n: int) -> int:
        if self.reply_byte is not None:
            return self.reply_byte
        value = STATUS_OK
        if n == 2:
            if self.cover_open:
                value |= COVER_OPEN_BIT
            if self.paper_out:
                value |= PAPER_END_STOP_BIT
        elif n == 4 and self.paper_out:
            value |= PAPER_END_BITS
        return value
