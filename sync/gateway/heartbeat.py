"""Kiosk heartbeats at the gateway: keep each kiosk's latest, for the fleet's /metrics.

``POST /v1/kiosks/{kiosk_id}/heartbeat`` (signed by that kiosk) stores the parsed heartbeat as
the kiosk's latest (one row per kiosk, replaced) and answers ``{received_at, next_in_s}``:
the gateway sets the fleet's heartbeat interval. A heartbeat older than the stored one (sent
out of order after a retry) does not replace it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from sync.gateway.responses import Response, json_response, refuse
from sync.gateway.store import GatewayStore
from sync.protocol.heartbeat import Heartbeat, parse_heartbeat
from sync.protocol.messages import MessageError
from sync.protocol.problem import ProblemCode
from sync.protocol.times import format_utc, parse_utc

HEARTBEAT_INTERVAL_S = 300

SCHEMA = """
CREATE TABLE IF NOT EXISTS heartbeats (
    kiosk_id    TEXT PRIMARY KEY,
    received_at REAL NOT NULL,
    sent_at     REAL NOT NULL,
    body        TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class KioskBeat:
    """A kiosk's latest heartbeat as the gateway keeps it."""

    kiosk_id: str
    received_at: float
    beat: Heartbeat


class HeartbeatDesk:
    def __init__(self, store: GatewayStore, clock: Callable[[], float],
                 interval_s: int = HEARTBEAT_INTERVAL_S) -> None:
        self._store = store
        self._clock = clock
        self.interval_s = interval_s
        with store.tx() as conn:
            conn.execute(SCHEMA)

    def receive(self, kiosk_id: str, body: bytes) -> Response:
        try:
            beat = parse_heartbeat(body)
        except MessageError as exc:
            refuse(400, ProblemCode.VALIDATION, False, str(exc))
        if beat.kiosk_id != kiosk_id:
            refuse(403, ProblemCode.FORBIDDEN, False, "heartbeat for another kiosk")
        now = self._clock()
        sent_at = parse_utc(beat.sent_at).timestamp()
        with self._store.tx() as conn:
            conn.execute(
                "INSERT INTO heartbeats (kiosk_id, received_at, sent_at, body) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (kiosk_id) DO UPDATE SET "
                "received_at = excluded.received_at, sent_at = excluded.sent_at, "
                "body = excluded.body WHERE excluded.sent_at >= heartbeats.sent_at",
                (kiosk_id, now, sent_at, beat.to_json().decode("utf-8")),
            )
        return json_response(200, {"received_at": format_utc(now),
                                   "next_in_s": self.interval_s})

    def latest(self) -> list[KioskBeat]:
        """Every kiosk's latest heartbeat, by kiosk id."""
        with self._store.read() as conn:
            rows = conn.execute(
                "SELECT kiosk_id, received_at, body FROM heartbeats ORDER BY kiosk_id"
            ).fetchall()
        return [_beat(row) for row in rows]

    def registered(self) -> list[str]:
        """Every registered kiosk, heard from or not (a kiosk never heard is silent too)."""
        with self._store.read() as conn:
            rows = conn.execute("SELECT kiosk_id FROM kiosks ORDER BY kiosk_id").fetchall()
        return [str(r["kiosk_id"]) for r in rows]


def _beat(row: sqlite3.Row) -> KioskBeat:
    beat = parse_heartbeat(str(row["body"]).encode("utf-8"))
    return KioskBeat(str(row["kiosk_id"]), float(row["received_at"]), beat)

