"""The kiosk's heartbeat: what a province needs to watch a kiosk nobody can reach, and no person.

Built by the agent, parsed by the gateway with the same strict rules: every field is a number,
a version, a closed-set status or a short machine class, so no free text (where a name or a
citizen id could slip in) can travel. Unknown fields are refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sync.protocol.canonical import canonical_json
from sync.protocol.messages import MessageError
from sync.protocol.times import is_utc

# The closed set of device statuses (devices.status.DeviceStatus; sync may not import devices).
DEVICE_STATUSES = frozenset({"ready", "busy", "no_paper", "cover_open", "jammed",
                             "feeder_empty", "disconnected", "error", "unknown"})
# The kiosk store's application states (kiosk.store.schema.ApplicationState).
QUEUE_STATES = frozenset({"sealed", "queued", "uploading", "committing", "retry_wait",
                          "received", "acked", "quarantined", "exported", "purged"})
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")  # device names and error classes
MAX_DEVICES = 16
MAX_ERRORS = 10
MAX_NUMBER = 10**15  # counts, ages and bytes (a petabyte disk)
FIELDS = frozenset({
    "kiosk_id", "sent_at", "software_version", "config_version", "catalog_version",
    "holidays_version", "facts_at", "queue", "oldest_unsent_age_s", "quarantined", "devices",
    "disk_free_bytes", "clock_skew_s", "last_errors", "holidays_to_year",
})


def error_class(code: str) -> str:
    """A failure code as a heartbeat error class: lower-case ``[a-z0-9_]``, else ``other``."""
    text = re.sub(r"[^a-z0-9_]", "_", code.strip().lower())[:32].strip("_")
    if text and text[0].isdigit():
        text = f"http_{text}"[:32]
    return text if NAME_RE.match(text) else "other"


@dataclass(frozen=True)
class Heartbeat:
    kiosk_id: str
    sent_at: str
    software_version: str
    config_version: str | None = None
    catalog_version: str | None = None
    holidays_version: str | None = None
    holidays_to_year: int | None = None  # the last year the holiday calendar covers
    facts_at: str | None = None  # when the kiosk UI last published its versions and devices
    queue: Mapping[str, int] = field(default_factory=dict)
    oldest_unsent_age_s: int = 0
    quarantined: int = 0
    devices: Mapping[str, str] = field(default_factory=dict)
    disk_free_bytes: int = 0
    clock_skew_s: int = 0  # kiosk clock minus gateway clock, as the agent measured it
    last_errors: tuple[str, ...] = ()  # most recent first, distinct

    def to_dict(self) -> dict[str, object]:
        return {
            "kiosk_id": self.kiosk_id, "sent_at": self.sent_at,
            "software_version": self.software_version, "config_version": self.config_version,
            "catalog_version": self.catalog_version, "holidays_version": self.holidays_version,
            "holidays_to_year": self.holidays_to_year, "facts_at": self.facts_at, "queue": dict(self.queue),
            "oldest_unsent_age_s": self.oldest_unsent_age_s, "quarantined": self.quarantined,
            "devices": dict(self.devices), "disk_free_bytes": self.disk_free_bytes,
            "clock_skew_s": self.clock_skew_s, "last_errors": list(self.last_errors),
        }

    def to_json(self) -> bytes:
        return canonical_json(self.to_dict())

    def fingerprint(self) -> str:
        """What counts as "a change" worth a heartbeat now (times, ages and disk excluded)."""
        d = self.to_dict()
        for volatile in ("sent_at", "facts_at", "oldest_unsent_age_s", "disk_free_bytes",
                         "clock_skew_s"):
            d.pop(volatile)
        d["late"] = self.oldest_unsent_age_s >= 24 * 3600  # crossing a day is news
        d["skewed"] = abs(self.clock_skew_s) >= 60
        return canonical_json(d).decode("utf-8")


def _count(value: object, where: str, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not (
            minimum <= value <= MAX_NUMBER):
        raise MessageError(where, f"must be an integer >= {minimum}")
    return value


def _version(value: object, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not VERSION_RE.match(value):
        raise MessageError(where, "must be a version ([A-Za-z0-9._+~-], at most 64) or null")
    return value


def _time(value: object, where: str, *, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not is_utc(value):
        raise MessageError(where, "must be an ISO 8601 UTC time with Z")
    return value


def parse_heartbeat(body: bytes) -> Heartbeat:
    """A heartbeat body, strictly; MessageError names the first bad field."""
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: thousands of [ or {
        raise MessageError("body", "not JSON (or nested too deep)") from exc
    if not isinstance(raw, dict):
        raise MessageError("body", "must be an object")
    unknown = set(raw) - FIELDS
    if unknown:
        raise MessageError(sorted(unknown)[0], "unknown field")
    kiosk_id = raw.get("kiosk_id")
    if not isinstance(kiosk_id, str) or not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
                                                      kiosk_id):
        raise MessageError("kiosk_id", "must be a kiosk id")
    software = _version(raw.get("software_version"), "software_version")
    if software is None:
        raise MessageError("software_version", "is required")
    queue = raw.get("queue", {})
    if not isinstance(queue, dict) or not set(queue) <= QUEUE_STATES:
        raise MessageError("queue", f"must map states of {sorted(QUEUE_STATES)} to counts")
    devices = raw.get("devices", {})
    if not isinstance(devices, dict) or len(devices) > MAX_DEVICES:
        raise MessageError("devices", f"must map at most {MAX_DEVICES} device names to statuses")
    for name, status in devices.items():
        if not NAME_RE.match(name) or status not in DEVICE_STATUSES:
            raise MessageError(f"devices.{name}"[:60],
                               f"status must be one of {sorted(DEVICE_STATUSES)}")
    errors = raw.get("last_errors", [])
    if (not isinstance(errors, list) or len(errors) > MAX_ERRORS
            or not all(isinstance(e, str) and NAME_RE.match(e) for e in errors)):
        raise MessageError("last_errors", f"must list at most {MAX_ERRORS} error classes")
    skew = raw.get("clock_skew_s", 0)
    if not isinstance(skew, int) or isinstance(skew, bool) or abs(skew) > 10 * 365 * 86400:
        raise MessageError("clock_skew_s", "must be an integer")
    to_year = raw.get("holidays_to_year")
    if to_year is not None and (not isinstance(to_year, int) or isinstance(to_year, bool)
                                or not 2000 <= to_year <= 2200):
        raise MessageError("holidays_to_year", "must be a year or null")
    sent_at = _time(raw.get("sent_at"), "sent_at", optional=False)
    assert sent_at is not None
    return Heartbeat(
        kiosk_id=kiosk_id,
        sent_at=sent_at,
        software_version=software,
        config_version=_version(raw.get("config_version"), "config_version"),
        catalog_version=_version(raw.get("catalog_version"), "catalog_version"),
        holidays_version=_version(raw.get("holidays_version"), "holidays_version"),
        holidays_to_year=to_year,
        facts_at=_time(raw.get("facts_at"), "facts_at", optional=True),
        queue={str(k): _count(v, f"queue.{k}") for k, v in queue.items()},
        oldest_unsent_age_s=_count(raw.get("oldest_unsent_age_s", 0), "oldest_unsent_age_s"),
        quarantined=_count(raw.get("quarantined", 0), "quarantined"),
        devices={str(k): str(v) for k, v in devices.items()},
        disk_free_bytes=_count(raw.get("disk_free_bytes", 0), "disk_free_bytes"),
        clock_skew_s=skew,
        last_errors=tuple(errors),
    )
