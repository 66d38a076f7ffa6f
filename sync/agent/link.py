"""The link state the agent publishes in ``sync_state`` for staff screens and ``sync status``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum


class LinkState(StrEnum):
    UNKNOWN = "unknown"        # the agent has not tried yet
    ONLINE = "online"          # the gateway answered a signed ping
    OFFLINE = "offline"        # no answer, or an answer not signed by the gateway
    PAUSED = "paused"          # the gateway refused our key: nothing will pass until staff act
    LEASE_HELD = "lease_held"  # another agent process holds the outbox


@dataclass(frozen=True)
class LinkReport:
    state: LinkState
    detail: str
    at: str
    next_try_at: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> LinkReport:
        if not text:
            return cls(LinkState.UNKNOWN, "", "")
        try:
            raw = json.loads(text)
            return cls(LinkState(raw["state"]), str(raw.get("detail", "")), str(raw.get("at", "")),
                       raw.get("next_try_at"))
        except (ValueError, KeyError, TypeError):
            return cls(LinkState.UNKNOWN, f"unreadable link state {text[:60]!r}", "")
