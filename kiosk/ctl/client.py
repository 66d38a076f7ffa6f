"""`kiosk ctl` client side.

Whatever the other end does (a kiosk that stopped during the command, one that is frozen,
something else listening on the socket), the caller gets a ``CtlError`` with one line saying so,
never a Python traceback; the whole exchange keeps one deadline, ``timeout_s``.
"""

from __future__ import annotations

import json
import math
import socket
import time
from pathlib import Path
from typing import Any

from kiosk.ctl.protocol import MAX_LINE, CtlError, encode_request


def call(path: Path, cmd: str, argv: list[str], timeout_s: float = 60.0) -> Any:
    """Send one command and return its result; raises CtlError with the kiosk's message."""
    if not (math.isfinite(timeout_s) and timeout_s > 0):
        raise CtlError(f"--timeout must be a number of seconds above 0, not {timeout_s:g}")
    deadline = time.monotonic() + timeout_s
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout_s)
        _connect(sock, path)
        try:
            sock.sendall(encode_request(cmd, argv))
            data = _read_answer(sock, deadline)
        except TimeoutError as exc:
            raise CtlError(f"no answer within {timeout_s:g} s (the kiosk is busy or frozen; "
                           "--timeout SECONDS waits longer)") from exc
        except OSError as exc:
            raise CtlError(f"the connection to the kiosk broke: {exc.strerror or exc}") from exc
    return _result(data, path)


def _connect(sock: socket.socket, path: Path) -> None:
    try:
        sock.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError) as exc:
        hint = "start `kiosk run --simulate`"
        raise CtlError(f"no simulated kiosk is listening at {path} ({hint})") from exc
    except PermissionError as exc:
        raise CtlError(f"not allowed to use {path}: run as the kiosk's own user") from exc
    except OSError as exc:
        raise CtlError(f"cannot reach the kiosk at {path}: {exc.strerror or exc}") from exc


def _read_answer(sock: socket.socket, deadline: float) -> bytes:
    """One answer line, read before ``deadline`` (TimeoutError after it)."""
    data = b""
    while not data.endswith(b"\n") and len(data) < MAX_LINE:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        sock.settimeout(left)
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _result(data: bytes, path: Path) -> Any:
    if len(data) >= MAX_LINE and not data.endswith(b"\n"):
        raise CtlError(f"the kiosk's answer is longer than {MAX_LINE} bytes")
    if not data.endswith(b"\n"):
        raise CtlError("the kiosk closed the connection without answering (did it stop? "
                       "see its log)")
    try:
        answer = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise CtlError(f"not a kiosk's answer on {path} (is something else listening?)") from exc
    if not isinstance(answer, dict):
        raise CtlError(f"not a kiosk's answer on {path} (is something else listening?)")
    if not answer.get("ok"):
        raise CtlError(str(answer.get("error")))
    return answer.get("result")
