"""`kiosk ctl` wire format: one JSON line each way over a local Unix socket.

Request `{"cmd": "tap", "argv": ["welcome.start"]}`; answer `{"ok": true, "result": ...}` or
`{"ok": false, "error": "..."}`. The socket is created 0600 in the kiosk's data folder, so only
the kiosk's user (and root) can drive it; it exists only in simulated mode.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_LINE = 1 << 20


class CtlError(Exception):
    """A command that cannot be carried out; the message goes back to the caller."""


@dataclass(frozen=True)
class Request:
    cmd: str
    argv: tuple[str, ...]


def encode_request(cmd: str, argv: list[str] | tuple[str, ...]) -> bytes:
    return json.dumps({"cmd": cmd, "argv": list(argv)}, ensure_ascii=False).encode() + b"\n"


def decode_request(line: bytes) -> Request:
    try:
        obj = json.loads(line)
    except ValueError as exc:
        raise CtlError(f"not JSON: {exc}") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("cmd"), str):
        raise CtlError('expected {"cmd": str, "argv": [str...]}')
    argv = obj.get("argv", [])
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        raise CtlError("argv must be a list of strings")
    return Request(obj["cmd"], tuple(argv))


def encode_answer(ok: bool, payload: Any) -> bytes:
    key = "result" if ok else "error"
    return json.dumps({"ok": ok, key: payload}, ensure_ascii=False).encode() + b"\n"
