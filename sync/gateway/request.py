"""A request as the gateway received it, before any interpretation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from sync.protocol.headers import get_header


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # exactly as on the request line: what signatures cover
    headers: Mapping[str, str]
    body: bytes
    client_host: str
    path: str = field(init=False)
    query: Mapping[str, str] = field(init=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.target)
        object.__setattr__(self, "path", parts.path)
        parsed = parse_qs(parts.query, keep_blank_values=True)
        object.__setattr__(self, "query", {k: v[0] for k, v in parsed.items()})

    def header(self, name: str) -> str | None:
        return get_header(self.headers, name)
