"""The fleet's metrics for Prometheus, from the kiosks' latest heartbeats (``GET /metrics``).

Computed at scrape time from the database (not from this process's memory), so several gateway
processes sharing one database all answer the same fleet. Per kiosk: up and last seen, queue
depth and applications by state, oldest unsent age, quarantined, devices, disk, clock skew,
last error classes, and the versions it runs (an ``info`` series). Only ids, numbers, versions
and closed-set values become labels: heartbeats carry nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from sync.gateway.heartbeat import HeartbeatDesk
from sync.gateway.responses import Response, Signing
from sync.protocol.times import parse_utc

UP_AFTER_INTERVALS = 3  # up while heard within 3 heartbeat intervals (15 minutes by default)
WAITING = ("sealed", "queued", "uploading", "committing", "retry_wait", "exported")
PREFIX = "dvc_fleet"


class FleetCollector(Collector):
    def __init__(self, desk: HeartbeatDesk, clock: Callable[[], float]) -> None:
        self._desk = desk
        self._clock = clock

    def collect(self) -> Iterable[Metric]:
        now = self._clock()
        beats = {b.kiosk_id: b for b in self._desk.latest()}
        kiosks = sorted(set(self._desk.registered()) | set(beats))
        k = ["kiosk"]
        registered = GaugeMetricFamily(f"{PREFIX}_kiosks", "Kiosks registered at this gateway.")
        registered.add_metric([], len(kiosks))
        up = GaugeMetricFamily(f"{PREFIX}_kiosk_up", "1 if the kiosk's heartbeat arrived "
                               f"within {UP_AFTER_INTERVALS} heartbeat intervals.", labels=k)
        seen = GaugeMetricFamily(f"{PREFIX}_kiosk_last_seen_timestamp_seconds",
                                 "When the kiosk's latest heartbeat arrived (0: never).",
                                 labels=k)
        info = InfoMetricFamily(f"{PREFIX}_kiosk", "Versions the kiosk runs.",
                                labels=k)
        depth = GaugeMetricFamily(f"{PREFIX}_kiosk_queue_depth",
                                  "Applications on the kiosk not yet received by the gateway.",
                                  labels=k)
        by_state = GaugeMetricFamily(f"{PREFIX}_kiosk_applications",
                                     "Applications on the kiosk by pipeline state.",
                                     labels=[*k, "state"])
        oldest = GaugeMetricFamily(f"{PREFIX}_kiosk_oldest_unsent_age_seconds",
                                   "Age of the kiosk's oldest unsent application, as reported.",
                                   labels=k)
        quarantined = GaugeMetricFamily(f"{PREFIX}_kiosk_quarantined",
                                        "Applications quarantined on the kiosk (staff needed).",
                                        labels=k)
        devices = GaugeMetricFamily(f"{PREFIX}_kiosk_device_status",
                                    "1 for each device's current status.",
                                    labels=[*k, "device", "status"])
        disk = GaugeMetricFamily(f"{PREFIX}_kiosk_disk_free_bytes",
                                 "Free bytes on the kiosk's data disk.", labels=k)
        skew = GaugeMetricFamily(f"{PREFIX}_kiosk_clock_skew_seconds",
                                 "Kiosk clock minus gateway clock, as the kiosk measured it.",
                                 labels=k)
        errors = GaugeMetricFamily(f"{PREFIX}_kiosk_last_error",
                                   "1 for each class among the kiosk's recent failures.",
                                   labels=[*k, "class"])
        holidays = GaugeMetricFamily(f"{PREFIX}_kiosk_holidays_to_year",
                                     "The last year the kiosk's holiday calendar covers "
                                     "(appointment dates beyond it are guesses).", labels=k)
        facts = GaugeMetricFamily(f"{PREFIX}_kiosk_ui_report_timestamp_seconds",
                                  "When the kiosk's UI last published its versions and "
                                  "devices (0: never).", labels=k)
        for kiosk_id in kiosks:
            kb = beats.get(kiosk_id)
            if kb is None:
                up.add_metric([kiosk_id], 0)
                seen.add_metric([kiosk_id], 0)
                continue
            b = kb.beat
            fresh = now - kb.received_at <= UP_AFTER_INTERVALS * self._desk.interval_s
            up.add_metric([kiosk_id], 1 if fresh else 0)
            seen.add_metric([kiosk_id], kb.received_at)
            info.add_metric([kiosk_id], {
                "software_version": b.software_version,
                "config_version": b.config_version or "",
                "catalog_version": b.catalog_version or "",
                "holidays_version": b.holidays_version or "",
            })
            depth.add_metric([kiosk_id], sum(b.queue.get(s, 0) for s in WAITING))
            for state, count in sorted(b.queue.items()):
                by_state.add_metric([kiosk_id, state], count)
            oldest.add_metric([kiosk_id], b.oldest_unsent_age_s)
            quarantined.add_metric([kiosk_id], b.quarantined)
            for device, status in sorted(b.devices.items()):
                devices.add_metric([kiosk_id, device, status], 1)
            disk.add_metric([kiosk_id], b.disk_free_bytes)
            skew.add_metric([kiosk_id], b.clock_skew_s)
            for cls in b.last_errors:
                errors.add_metric([kiosk_id, cls], 1)
            facts.add_metric([kiosk_id], _epoch(b.facts_at))
            if b.holidays_to_year is not None:
                holidays.add_metric([kiosk_id], b.holidays_to_year)
        yield from (registered, up, seen, info, depth, by_state, oldest, quarantined, devices,
                    disk, skew, errors, facts, holidays)


def _epoch(text: str | None) -> float:
    return 0.0 if text is None else parse_utc(text).timestamp()


class FleetMetrics:
    """The gateway's own registry (not the process-global one: tests run many gateways)."""

    def __init__(self, desk: HeartbeatDesk, clock: Callable[[], float]) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(FleetCollector(desk, clock))
        self.heartbeats = Counter(f"{PREFIX}_heartbeats", "Heartbeats accepted by this "
                                  "gateway process.", registry=self.registry)

    def response(self) -> Response:
        """The exposition; signed like every answer (Prometheus ignores the header)."""
        return Response(200, {"Content-Type": CONTENT_TYPE_LATEST,
                              "Cache-Control": "no-store"},
                        generate_latest(self.registry), signing=Signing.GATEWAY)
