"""`kiosk ctl` client side."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

from kiosk.ctl.protocol import MAX_LINE, CtlError, encode_request


def call(path: Path, cmd: str, argv: list[str], timeout_s: float = 60.0) -> Any:
    """Send one command and return its result; raises CtlError with the kiosk's message."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout_s)
        try:
            sock.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            hint = "start `kiosk run --simulate`"
            raise CtlError(f"no simulated kiosk is listening at {path} ({hint})") from exc
        sock.sendall(encode_request(cmd, argv))
        data = b""
        while not data.endswith(b"\n") and len(data) < MAX_LINE:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    answer = json.loads(data)
    if not answer.get("ok"):
        raise CtlError(str(answer.get("error")))
    return answer.get("result")
