"""The agent's passes: ping, drain the outbox in kiosk order, pull status back, check the ack.

Time enters only through the injected ``clock`` (wall, for the store and the lease),
``monotonic`` (chunk timing) and ``wait`` (how the agent idles): tests drive all three, so the
backoff and the retry schedule are tested without sleeping.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import assert_never

from kiosk.clock_trust import SYNC_KEY_GATEWAY_CLOCK, GatewayClock
from kiosk.store.schema import (
    SYNC_KEY_LAST_SUCCESS_AT,
    SYNC_KEY_LINK_STATE,
    SYNC_KEY_SEND_NOW_REQUESTED_AT,
)
from sync.agent.chunks import ChunkSizer
from sync.agent.config import AgentConfig
from sync.agent.dataupdates import DataUpdater
from sync.agent.heartbeat import HeartbeatSender
from sync.agent.link import LinkReport, LinkState
from sync.agent.outcome import LeaseLost, Quarantined, QueuePaused, RetryLater, Sent
from sync.agent.pullback import check_ack, pull_status, send_ratings
from sync.agent.upload import Uploader
from sync.backoff import Backoff
from sync.client.failure import Failure, GatewayError
from sync.client.gateway import GatewayClient
from sync.lease import Lease, make_holder_id
from sync.outbox import Outbox, iso

log = logging.getLogger(__name__)

WAKE_POLL_S = 1.0
MAX_PASSES_ONCE = 10_000


@dataclass
class PassReport:
    link: LinkState = LinkState.UNKNOWN
    sent: int = 0
    quarantined: int = 0
    deferred: int = 0  # applications the gateway refused for now; each has its own retry time
    retry: Failure | None = None
    paused: Failure | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def drained(self) -> bool:
        """Nothing more can be done now: the queue is empty of sendable work, or paused."""
        return self.link is LinkState.ONLINE and self.retry is None


class Agent:
    """One agent over one store. Owns its outbox connection and HTTP client; close() it."""

    def __init__(
        self,
        config: AgentConfig,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        wait: Callable[[float], None] | None = None,
        rand: Callable[[], float] = random.random,
        holder: str | None = None,
    ) -> None:
        self.config = config
        self._clock = clock
        self._stop = threading.Event()
        self._wait = wait if wait is not None else self._stop.wait
        self.outbox = Outbox(config.db_path, clock)
        self.client = GatewayClient(
            config.gateway_url, config.kiosk_id, config.kiosk_key, config.gateway_signing_key,
            clock=clock, timeout=(config.connect_timeout_s, config.read_timeout_s),
            min_rate_bps=config.min_rate_bps, deadline_s=config.request_deadline_s,
            max_response_bytes=config.max_response_bytes)
        self.lease = Lease(self.outbox, holder or make_holder_id(), clock, config.lease_term_s)
        self.backoff = Backoff(clock=clock, rand=rand, cap_s=config.backoff_cap_s)
        self.uploader = Uploader(self.client, self.outbox, ChunkSizer(), monotonic,
                                 still_leased=self.lease.keep)
        self._send_now_seen = self.outbox.get_state(SYNC_KEY_SEND_NOW_REQUESTED_AT)
        self.heartbeat = HeartbeatSender(self.client, self.outbox, config.kiosk_id,
                                         config.db_path, clock=clock)
        # The store sits in the kiosk's data folder; updates are staged beside it.
        self.updates = DataUpdater(self.client, config.db_path.parent,
                                   config.gateway_signing_key, clock=clock)

    def close(self) -> None:
        self.lease.release()
        self.client.close()
        self.outbox.close()

    def __enter__(self) -> Agent:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stop(self) -> None:
        self._stop.set()

    # -- send now ------------------------------------------------------------------------
    def _send_now_requested(self) -> bool:
        token = self.outbox.get_state(SYNC_KEY_SEND_NOW_REQUESTED_AT)
        if token == self._send_now_seen:
            return False
        self._send_now_seen = token
        self.backoff.reset()
        self.outbox.clear_retry()
        return True

    def _publish(self, state: LinkState, detail: str) -> None:
        nxt = self.backoff.not_before if self.backoff.remaining() > 0 else None
        report = LinkReport(state, detail[:300], iso(self._clock()),
                            None if nxt is None else iso(nxt))
        self.outbox.set_state(SYNC_KEY_LINK_STATE, report.to_json())

    def _purge(self, report: PassReport) -> None:
        """Acknowledged applications' content goes after the retention (no link needed)."""
        purged = self.outbox.purge_acknowledged(self.config.retention_days)
        if purged:
            report.notes.append(f"purged {purged} acknowledged application(s)")
            log.info("purged %d acknowledged application(s) after %s days", purged,
                     self.config.retention_days)

    # -- one pass ------------------------------------------------------------------------
    def run_pass(self) -> PassReport:
        report = PassReport()
        held = self.lease.acquire()
        if held is not None:
            report.link = LinkState.LEASE_HELD
            report.notes.append(f"lease held by {held.holder} until {held.expires_at}")
            return report
        self._send_now_requested()
        self.outbox.promote_sealed()
        self._purge(report)
        try:
            limits = self.client.ping()
        except GatewayError as err:
            return self._offline(report, err.failure)
        self.uploader.sizer.limit(limits.max_chunk)
        self.uploader.create_with_upload = limits.creation_with_upload
        report.link = LinkState.ONLINE
        self._publish(LinkState.ONLINE, f"gateway {limits.gateway_version}".strip())
        # the gateway's signed Date, for the kiosk's clock check (kiosk.clock_trust)
        self.outbox.set_state(SYNC_KEY_GATEWAY_CLOCK,
                              GatewayClock.observed(self._clock(), self.client.skew_s).to_json())
        self._drain(report)
        if report.retry is None and report.paused is None:
            self._pull_back(report)
            self.backoff.succeeded()
            self.outbox.set_state(SYNC_KEY_LAST_SUCCESS_AT, iso(self._clock()))
        if report.paused is None and report.link is LinkState.ONLINE:
            self._heartbeat(report)
        _log_pass(report)
        return report

    def _heartbeat(self, report: PassReport) -> None:
        """Every few minutes and on change; a failed heartbeat is only a note."""
        try:
            if self.heartbeat.maybe_send():
                report.notes.append("heartbeat sent")
        except GatewayError as err:
            report.notes.append(f"heartbeat failed: {err.failure.describe()}")

    def _offline(self, report: PassReport, failure: Failure) -> PassReport:
        self.heartbeat.record_error(failure.code)
        report.link = LinkState.OFFLINE
        report.retry = failure
        delay = self.backoff.failed(failure.retry_after_s)
        self._publish(LinkState.OFFLINE, failure.describe())
        log.info("no link (%s); next try in %.0f s", failure.describe(), delay)
        return report

    def _drain(self, report: PassReport) -> None:
        seq = 0
        while (app := self.outbox.next_sendable(seq)) is not None:
            if not self.lease.keep():
                report.link = LinkState.LEASE_HELD
                return
            outcome = self.uploader.send(app)
            match outcome:
                case Sent():
                    report.sent += 1
                case Quarantined():
                    report.quarantined += 1
                    self.heartbeat.record_error("quarantined")
                case RetryLater(failure=failure) if _whole_link(failure):
                    self.heartbeat.record_error(failure.code)
                    delay = self.backoff.failed(failure.retry_after_s)
                    self.outbox.retry_later(app.application_id, self._clock() + delay,
                                            failure.describe())
                    report.retry = failure
                    self._publish(LinkState.OFFLINE if failure.status is None
                                  else LinkState.ONLINE, failure.describe())
                    return
                case RetryLater(failure=failure):
                    self.heartbeat.record_error(failure.code)
                    # This application only: it waits on its own schedule, the queue goes on.
                    delay = (failure.retry_after_s if failure.retry_after_s is not None
                             else self.backoff.delay_for(app.attempts))
                    self.outbox.retry_later(app.application_id,
                                            self._clock() + min(delay, self.backoff.cap_s),
                                            failure.describe())
                    report.deferred += 1
                case QueuePaused(failure=failure):
                    self.heartbeat.record_error(failure.code)
                    self.backoff.failed()
                    report.paused = failure
                    report.link = LinkState.PAUSED
                    self._publish(LinkState.PAUSED,
                                  f"gateway refused this kiosk: {failure.describe()}")
                    return
                case LeaseLost():
                    report.link = LinkState.LEASE_HELD
                    return
                case _ as unreachable:
                    assert_never(unreachable)
            seq = app.kiosk_seq

    def _pull_back(self, report: PassReport) -> None:
        steps: tuple[tuple[str, Callable[[], object]], ...] = (
            ("ratings", lambda: send_ratings(self.client, self.outbox, self.config.kiosk_id)),
            ("status", lambda: pull_status(self.client, self.outbox,
                                           self.config.status_page_limit)),
            ("ack", lambda: check_ack(self.client, self.outbox)),
            ("data", self.updates.maybe_pull),
        )
        for name, step in steps:
            try:
                report.notes.append(f"{name}: {step()}")
            except GatewayError as err:
                self.heartbeat.record_error(err.failure.code)
                report.notes.append(f"{name} failed: {err.failure.describe()}")

    # -- drivers ---------------------------------------------------------------------------
    def _until_next_retry(self) -> float | None:
        nxt = self.outbox.next_retry_at()
        return None if nxt is None else max(0.0, nxt - self._clock())

    def run_once(self, budget_s: float = 120.0) -> PassReport:
        """Drain what can be sent now, retrying transient failures within ``budget_s``."""
        deadline = self._clock() + budget_s
        self._send_now_seen = None  # "once" ignores any old backoff: it is an explicit request
        self.outbox.clear_retry()
        report = PassReport()
        for _ in range(MAX_PASSES_ONCE):
            report = self.run_pass()
            if report.paused is not None or report.link is LinkState.LEASE_HELD:
                return report
            pause = self.backoff.remaining()
            if report.drained:
                if self.outbox.next_sendable() is not None:
                    continue  # the ack check re-queued something the gateway lost
                later = self._until_next_retry()
                if later is None:
                    return report
                pause = later
            if self._clock() + pause > deadline or self._stop.is_set():
                return report
            self._wait(pause)
        return report

    def run_forever(self) -> None:
        """Pass, then idle until the backoff or the poll interval is over.

        While idle it wakes for "send now" and, when the link is fine, for newly queued
        applications: a citizen's application leaves as soon as it is sealed, while the
        network is touched only once per poll interval when there is nothing to send.
        """
        while not self._stop.is_set():
            report = self.run_pass()
            if report.retry is not None or report.paused is not None:
                self._idle(self.backoff.remaining(), wake_on_work=False)
            elif report.link is LinkState.LEASE_HELD:
                self._idle(min(self.config.poll_interval_s, self.config.lease_term_s / 3),
                           wake_on_work=False)
            else:
                idle = self.config.poll_interval_s
                later = self._until_next_retry()
                if later is not None:
                    idle = min(idle, later)
                self._idle(idle, wake_on_work=True)

    def _idle(self, seconds: float, *, wake_on_work: bool) -> None:
        end = self._clock() + seconds
        while not self._stop.is_set():
            left = end - self._clock()
            if left <= 0:
                return
            self._wait(min(WAKE_POLL_S, left))
            if self.lease.held:
                self.lease.keep()
            if self._send_now_requested():
                return
            if wake_on_work and self.outbox.next_sendable() is not None:
                return


def _log_pass(report: PassReport) -> None:
    """One line per pass that did something: what journald keeps for the technician."""
    if report.paused is not None:
        log.error("QUEUE PAUSED, the gateway refuses this kiosk: %s", report.paused.describe())
    elif report.sent or report.quarantined or report.deferred or report.retry is not None:
        log.info("sent %d, quarantined %d, deferred %d%s", report.sent, report.quarantined,
                 report.deferred, f", stopped: {report.retry.describe()}" if report.retry else "")


def _whole_link(failure: Failure) -> bool:
    """Failures that say the link or the whole gateway is unwell, not this application."""
    return failure.status is None or failure.status in (429, 502, 503, 504)
