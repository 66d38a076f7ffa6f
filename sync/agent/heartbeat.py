"""The heartbeat: the agent tells the gateway how this kiosk is, every few minutes and on change.

Kiosks sit behind carrier NAT, so nothing can scrape them; the heartbeat rides the one channel
that exists, signed like every request (the signature covers the body's hash). It carries
numbers, versions, closed-set statuses and short error classes only (sync.protocol.heartbeat
refuses anything else), never a person.

What the agent cannot know itself (the configuration, catalog and holiday versions the kiosk
runs, and the devices' statuses) the kiosk UI process publishes into ``sync_state`` with
``publish_kiosk_facts`` (the UI and the agent share only the store); the agent adds the queue,
the oldest unsent age, the quarantined count, the disk, the clock skew and its recent failures.
"""

from __future__ import annotations

import collections
import json
import logging
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sync.client.failure import GatewayError
from sync.client.gateway import GatewayClient
from sync.outbox import Outbox, parse_iso
from sync.protocol import headers as h
from sync.protocol.heartbeat import (
    DEVICE_STATUSES,
    NAME_RE,
    QUEUE_STATES,
    VERSION_RE,
    Heartbeat,
    error_class,
)
from sync.protocol.times import format_utc, is_utc

log = logging.getLogger(__name__)

SYNC_KEY_KIOSK_FACTS = "kiosk_facts"  # JSON written by the kiosk UI process
INTERVAL_S = 300.0  # "every few minutes"; the gateway may ask for another in its answer
MIN_INTERVAL_S = 60.0
MAX_INTERVAL_S = 3600.0
WAITING_STATES = ("sealed", "queued", "uploading", "committing", "retry_wait", "exported")


@dataclass(frozen=True)
class KioskFacts:
    """What the kiosk UI process knows and the agent does not."""

    config_version: str | None = None
    catalog_version: str | None = None
    holidays_version: str | None = None
    holidays_to_year: int | None = None  # the holiday calendar's covers.to_year
    devices: Mapping[str, str] | None = None  # device name -> DeviceStatus value


def software_version() -> str:
    try:
        return metadata.version("dvc-kiosk")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def publish_kiosk_facts(db_path: Path, facts: KioskFacts,
                        clock: Callable[[], float] = time.time) -> None:
    """Called by the kiosk UI (say, each minute with its metrics): the agent's next heartbeat
    carries these. Values that would not pass the heartbeat's checks are left out, not sent."""
    devices = {name: status for name, status in (facts.devices or {}).items()
               if NAME_RE.match(name) and status in DEVICE_STATUSES}
    value = {
        "config_version": _version_or_none(facts.config_version),
        "catalog_version": _version_or_none(facts.catalog_version),
        "holidays_version": _version_or_none(facts.holidays_version),
        "holidays_to_year": facts.holidays_to_year,
        "devices": devices,
        "at": format_utc(clock()),
    }
    with Outbox(db_path, clock) as outbox:
        outbox.set_state(SYNC_KEY_KIOSK_FACTS, json.dumps(value, sort_keys=True))


def _version_or_none(text: str | None) -> str | None:
    return text if text is not None and VERSION_RE.match(text) else None


def _read_facts(outbox: Outbox) -> dict[str, object]:
    raw = outbox.get_state(SYNC_KEY_KIOSK_FACTS)
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class HeartbeatSender:
    """Decides when a heartbeat is due and sends it. Lives in the agent; not thread-safe."""

    def __init__(self, client: GatewayClient, outbox: Outbox, kiosk_id: str, db_path: Path,
                 *, clock: Callable[[], float], interval_s: float = INTERVAL_S) -> None:
        self._client = client
        self._outbox = outbox
        self._kiosk_id = kiosk_id
        self._db_path = db_path
        self._clock = clock
        self.interval_s = interval_s
        self._errors: collections.deque[str] = collections.deque(maxlen=10)
        self._last_sent_at: float | None = None
        self._last_fingerprint: str | None = None
        self._quiet_until = 0.0  # a gateway without the endpoint is asked again only later
        self.sent = 0

    def record_error(self, code: str) -> None:
        """A failure the agent met (a Failure's code, "quarantined"...): most recent first."""
        cls = error_class(code)
        if cls in self._errors:
            self._errors.remove(cls)
        self._errors.appendleft(cls)

    def build(self) -> Heartbeat:
        now = self._clock()
        facts = _read_facts(self._outbox)
        counts = {s: n for s, n in self._outbox.counts_by_state().items() if s in QUEUE_STATES}
        oldest = self._outbox.oldest_waiting()
        age = 0
        if oldest:
            try:
                age = max(0, int(now - parse_iso(oldest)))
            except ValueError:
                age = 0
        devices = facts.get("devices")
        facts_at = facts.get("at")
        try:
            disk_free = shutil.disk_usage(self._db_path.parent).free
        except OSError:
            disk_free = 0
        return Heartbeat(
            kiosk_id=self._kiosk_id,
            sent_at=format_utc(now),
            software_version=software_version(),
            config_version=_str_or_none(facts.get("config_version")),
            catalog_version=_str_or_none(facts.get("catalog_version")),
            holidays_version=_str_or_none(facts.get("holidays_version")),
            holidays_to_year=_year_or_none(facts.get("holidays_to_year")),
            facts_at=facts_at if isinstance(facts_at, str) and is_utc(facts_at) else None,
            queue=counts,
            oldest_unsent_age_s=age,
            quarantined=counts.get("quarantined", 0),
            devices={str(k): str(v) for k, v in devices.items()
                     if NAME_RE.match(str(k)) and v in DEVICE_STATUSES}
            if isinstance(devices, dict) else {},
            disk_free_bytes=disk_free,
            clock_skew_s=-round(self._client.skew_s),  # the client keeps gateway minus kiosk
            last_errors=tuple(self._errors),
        )

    def due(self, beat: Heartbeat) -> bool:
        if self._clock() < self._quiet_until:
            return False
        if self._last_sent_at is None or beat.fingerprint() != self._last_fingerprint:
            return True
        return self._clock() - self._last_sent_at >= self.interval_s

    def maybe_send(self) -> bool:
        """Send if due (first pass, interval over, or something changed); True if sent.
        Raises GatewayError like any exchange; the caller treats it as a note, never fatal."""
        beat = self.build()
        if not self.due(beat):
            return False
        try:
            answer = self._client.exchange(
                "POST", f"/v1/kiosks/{self._kiosk_id}/heartbeat", body=beat.to_json(),
                extra={"Content-Type": h.JSON}, ok=(200,)).json()
        except GatewayError as err:
            if err.failure.status in (404, 405, 501):  # a gateway that predates heartbeats
                self._quiet_until = self._clock() + self.interval_s
            raise
        self._last_sent_at = self._clock()
        self._last_fingerprint = beat.fingerprint()
        self.sent += 1
        asked = answer.get("next_in_s")
        if isinstance(asked, int) and not isinstance(asked, bool):
            self.interval_s = float(min(MAX_INTERVAL_S, max(MIN_INTERVAL_S, asked)))
        return True


def _year_or_none(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 2000 <= value <= 2200:
        return value
    return None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and VERSION_RE.match(value) else None
