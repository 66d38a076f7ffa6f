"""Prometheus textfile metrics for node_exporter's textfile collector.

A province already runs node_exporter on its machines; writing `dvc_kiosk.prom` atomically into
the collector's folder lets it watch the whole fleet (queue depth, oldest waiting, last sync,
device status, daily activity) with no new service on the kiosk.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Mapping
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from devices.status import DeviceStatus, Health
from kiosk.store.db import parse_iso_utc
from kiosk.store.schema import (
    APPLICATIONS,
    QUEUE_TICKETS,
    RATINGS,
    SYNC_KEY_LAST_SUCCESS_AT,
    SYNC_STATE,
    ApplicationState,
)
from kiosk.store.sweep import quarantine_summary

WAITING = (ApplicationState.SEALED, ApplicationState.QUEUED, ApplicationState.UPLOADING,
           ApplicationState.COMMITTING, ApplicationState.RETRY_WAIT, ApplicationState.EXPORTED)


def _epoch(text: str | None) -> float | None:
    if not text:
        return None
    return parse_iso_utc(text).timestamp()


def render(db_path: Path, now: datetime, devices: Mapping[str, Health] | None = None,
           daily: Mapping[str, int] | None = None) -> str:
    """The metrics text for one moment (read-only on the store)."""
    uri = f"file:{db_path}?mode=ro"
    day = now.astimezone(UTC).strftime("%Y-%m-%d")
    out: list[str] = []
    with closing(sqlite3.connect(uri, uri=True, timeout=5)) as conn:
        counts = dict(conn.execute(f"SELECT state, count(*) FROM {APPLICATIONS} GROUP BY state"))
        placeholders = ",".join("?" for _ in WAITING)
        oldest = conn.execute(
            f"SELECT min(confirmed_at) FROM {APPLICATIONS} WHERE state IN ({placeholders})",
            [s.value for s in WAITING],
        ).fetchone()[0]
        row = conn.execute(f"SELECT value FROM {SYNC_STATE} WHERE key = ?",
                           [SYNC_KEY_LAST_SUCCESS_AT]).fetchone()
        sealed_today = conn.execute(
            f"SELECT count(*) FROM {APPLICATIONS} WHERE substr(confirmed_at, 1, 10) = ?",
            [day]).fetchone()[0]
        tickets_today = conn.execute(
            f"SELECT count(*) FROM {QUEUE_TICKETS} WHERE day = ?", [day]).fetchone()[0]
        ratings_today = conn.execute(
            f"SELECT count(*) FROM {RATINGS} WHERE substr(at, 1, 10) = ?", [day]).fetchone()[0]
        purged = conn.execute(
            f"SELECT count(*) FROM {APPLICATIONS} WHERE purged_at IS NOT NULL").fetchone()[0]
        purged_today = conn.execute(
            f"SELECT count(*) FROM {APPLICATIONS} WHERE substr(purged_at, 1, 10) = ?",
            [day]).fetchone()[0]
    aside = quarantine_summary(db_path.parent)

    out += ["# HELP dvc_kiosk_applications Sealed applications on this kiosk by pipeline state.",
            "# TYPE dvc_kiosk_applications gauge"]
    out += [f'dvc_kiosk_applications{{state="{s.value}"}} {counts.get(s.value, 0)}'
            for s in ApplicationState]
    out += ["# HELP dvc_kiosk_queue_depth Applications not yet received by the gateway.",
            "# TYPE dvc_kiosk_queue_depth gauge",
            f"dvc_kiosk_queue_depth {sum(counts.get(s.value, 0) for s in WAITING)}"]
    oldest_at = _epoch(oldest)
    age = max(0.0, now.timestamp() - oldest_at) if oldest_at is not None else 0.0
    out += ["# HELP dvc_kiosk_oldest_waiting_age_seconds Age of the oldest unsent application.",
            "# TYPE dvc_kiosk_oldest_waiting_age_seconds gauge",
            f"dvc_kiosk_oldest_waiting_age_seconds {age:.0f}"]
    last = _epoch(row[0] if row else None)
    out += ["# HELP dvc_kiosk_last_successful_sync_timestamp_seconds Last exchange the gateway "
            "confirmed (0: never).",
            "# TYPE dvc_kiosk_last_successful_sync_timestamp_seconds gauge",
            f"dvc_kiosk_last_successful_sync_timestamp_seconds {last or 0:.0f}"]
    out += ["# HELP dvc_kiosk_purged_applications Acknowledged applications whose documents and "
            "payload were purged after retention (a tombstone stays).",
            "# TYPE dvc_kiosk_purged_applications gauge",
            f"dvc_kiosk_purged_applications {purged}"]
    out += ["# HELP dvc_kiosk_set_aside_files Files the start-up sweep moved out of docs/ "
            "(never deleted; staff must look).",
            "# TYPE dvc_kiosk_set_aside_files gauge",
            f"dvc_kiosk_set_aside_files {aside.files}"]
    out += ["# HELP dvc_kiosk_device_status 1 for each device's current status.",
            "# TYPE dvc_kiosk_device_status gauge"]
    for name, health in sorted((devices or {}).items()):
        out += [f'dvc_kiosk_device_status{{device="{name}",status="{s.value}"}} '
                f"{1 if health.status is s else 0}" for s in DeviceStatus]
    activity = {"applications_sealed": sealed_today, "queue_tickets": tickets_today,
                "ratings": ratings_today, "applications_purged": purged_today, **(daily or {})}
    out += ["# HELP dvc_kiosk_today Activity since midnight UTC (sessions, slips, ...).",
            "# TYPE dvc_kiosk_today gauge"]
    out += [f'dvc_kiosk_today{{what="{k}"}} {v}' for k, v in sorted(activity.items())]
    out += _clock_lines(db_path, now)
    return "\n".join(out) + "\n"


def _clock_lines(db_path: Path, now: datetime) -> list[str]:
    """Whether this kiosk may seal: 0 while its clock is implausible (issue 11 item 7)."""
    from kiosk.build_info import build_time
    from kiosk.clock_trust import ClockProblem, verdict_from_db

    verdict = verdict_from_db(db_path, now.timestamp(), build_time=build_time())
    lines = ["# HELP dvc_kiosk_clock_trusted 1 when the clock is plausible; 0: sealing refused "
             "(problem label says why; fix the time, see `kiosk sync status`).",
             "# TYPE dvc_kiosk_clock_trusted gauge",
             f"dvc_kiosk_clock_trusted {1 if verdict.trusted else 0}"]
    lines += ["# HELP dvc_kiosk_clock_problem 1 for the reason the clock is not trusted.",
              "# TYPE dvc_kiosk_clock_problem gauge"]
    lines += [f'dvc_kiosk_clock_problem{{problem="{p.value}"}} {1 if verdict.problem is p else 0}'
              for p in ClockProblem]
    return lines


def write_textfile(directory: Path, text: str, name: str = "dvc_kiosk.prom") -> Path:
    """Write atomically (node_exporter must never read half a file), 0644 whatever the umask.

    Not `kiosk.store.files.atomic_write`: that one makes 0600 files and fsyncs, while node_exporter
    runs as another user and a lost minute of metrics needs no durability. The temporary file's
    name does not end in .prom, so the collector never reads it. A folder that exists is left as
    it is (node_exporter's own folder belongs to another user); one made here is 0755 despite
    the kiosk's umask 077.
    """
    if not directory.is_dir():
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o755)
    target = directory / name
    fd, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), 0o644)  # counts only, never a person; mkstemp made it 0600
            out.write(text)
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target
