"""Data updates the province publishes (catalog, holidays), served signed to the kiosks.

``GET /v1/data/{kind}?have=N``: 204 when the latest serial of that kind is at most N (the
kiosk is up to date: an empty answer on 2G), 404 ``not_found`` when nothing was published,
otherwise 200 with the latest signed envelope (sync.protocol.dataupdate). Every publication is
kept (serials are never reused).
"""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.gateway.responses import Response, empty, refuse
from sync.gateway.store import GatewayStore
from sync.protocol import headers as h
from sync.protocol.dataupdate import KINDS, MAX_CONTENT, DataUpdate
from sync.protocol.heartbeat import VERSION_RE
from sync.protocol.problem import ProblemCode
from sync.protocol.times import format_utc

SCHEMA = """
CREATE TABLE IF NOT EXISTS data_updates (
    kind         TEXT NOT NULL,
    serial       INTEGER NOT NULL,
    version      TEXT NOT NULL,
    published_at TEXT NOT NULL,
    content      BLOB NOT NULL,
    PRIMARY KEY (kind, serial)
);
"""


class DataDesk:
    def __init__(self, store: GatewayStore, signing_key: Ed25519PrivateKey,
                 clock: Callable[[], float]) -> None:
        self._store = store
        self._key = signing_key
        self._clock = clock
        with store.tx() as conn:
            conn.execute(SCHEMA)

    def publish(self, kind: str, version: str, content: bytes) -> DataUpdate:
        """Publish a new version of ``kind`` (the next serial). The content is checked by the
        kiosk, which refuses what it cannot load; the gateway only bounds it."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        if not VERSION_RE.match(version) or len(content) > MAX_CONTENT:
            raise ValueError("bad version or content too large")
        with self._store.tx() as conn:
            row = conn.execute("SELECT MAX(serial) AS s FROM data_updates WHERE kind = ?",
                               (kind,)).fetchone()
            serial = int(row["s"] or 0) + 1
            update = DataUpdate(kind, serial, version, format_utc(self._clock()), content)
            conn.execute("INSERT INTO data_updates (kind, serial, version, published_at, "
                         "content) VALUES (?, ?, ?, ?, ?)",
                         (kind, serial, version, update.published_at, content))
        return update

    def latest(self, kind: str) -> DataUpdate | None:
        with self._store.read() as conn:
            row = conn.execute("SELECT * FROM data_updates WHERE kind = ? "
                               "ORDER BY serial DESC LIMIT 1", (kind,)).fetchone()
        if row is None:
            return None
        return DataUpdate(kind, int(row["serial"]), str(row["version"]),
                          str(row["published_at"]), bytes(row["content"]))

    def get(self, kind: str, have: str | None) -> Response:
        if kind not in KINDS:
            refuse(404, ProblemCode.NOT_FOUND, False, f"no data kind {kind!r}")
        if have is not None and not have.isdigit():
            refuse(400, ProblemCode.VALIDATION, False, "have must be a serial")
        update = self.latest(kind)
        if update is None:
            refuse(404, ProblemCode.NOT_FOUND, False, f"no {kind} published")
        if have is not None and int(have) >= update.serial:
            return empty(204)
        return Response(200, {h.CONTENT_TYPE: h.JSON}, update.signed_json(self._key))
