"""The control socket inside a simulated kiosk: a thread that serves `kiosk ctl` requests."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.ctl.protocol import MAX_LINE, CtlError, Request, decode_request, encode_answer

Dispatch = Callable[[Request], Any]
log = logging.getLogger(__name__)


class ControlServer:
    """Serves one request per connection; `dispatch` raises CtlError for a refused command."""

    def __init__(self, path: Path, dispatch: Dispatch) -> None:
        self.path = path
        self._dispatch = dispatch
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="kiosk-ctl", daemon=True)

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)
        self._sock.bind(str(self.path))
        self.path.chmod(0o600)
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._sock.close()
        self.path.unlink(missing_ok=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        data = b""
        with contextlib.suppress(OSError):
            while not data.endswith(b"\n") and len(data) < MAX_LINE:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
        try:
            answer = encode_answer(True, self._dispatch(decode_request(data)))
        except CtlError as exc:
            answer = encode_answer(False, str(exc))
        except Exception as exc:
            log.exception("ctl command failed")
            answer = encode_answer(False, f"internal error: {type(exc).__name__}: {exc}")
        with contextlib.suppress(OSError):
            conn.sendall(answer)
