"""The agent's state as staff see it, read from the store (never from the agent's memory).

Read from the store so that the kiosk UI, ``kiosk sync status`` and the metrics exporter all
see the same thing whether or not the agent process is running.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

from kiosk.store.health import check_existing_store
from kiosk.store.schema import (
    SYNC_KEY_LAST_SUCCESS_AT,
    SYNC_KEY_LEASE_EXPIRES_AT,
    SYNC_KEY_LEASE_HOLDER,
    SYNC_KEY_LINK_STATE,
)
from kiosk.store.sweep import quarantine_summary
from sync.agent.link import LinkReport
from sync.outbox import Outbox, QuarantinedApplication, RetryingApplication


@dataclass(frozen=True)
class SyncStatus:
    link: LinkReport
    queue: dict[str, int]           # applications by state
    oldest_waiting: str | None      # confirmed_at of the oldest application not yet received
    last_success_at: str | None
    quarantined: tuple[QuarantinedApplication, ...]
    retrying: tuple[RetryingApplication, ...]  # transient refusals, each on its own schedule
    agent: str | None               # the lease holder, when its lease is live
    agent_lease_expires_at: str | None
    # files the start-up sweep moved out of docs/ (never deleted): staff must look at them
    set_aside_files: int = 0
    set_aside_folder: str = ""
    purged: int = 0  # acknowledged applications whose content was purged (tombstones)
    clock: str = ""  # "trusted", or why sealing is refused (kiosk.clock_trust)

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["link"] = asdict(self.link)
        d["quarantined"] = [asdict(q) for q in self.quarantined]
        d["retrying"] = [asdict(r) for r in self.retrying]
        return d


def read_status(db_path: Path) -> SyncStatus:
    """The status from the store; ``StoreError`` (one line for the technician) when the data
    folder or the store is missing, empty or damaged, or the disk refuses to be read."""
    check_existing_store(db_path)
    aside = quarantine_summary(db_path.parent)
    with Outbox(db_path, time.time) as outbox:
        return SyncStatus(
            link=LinkReport.from_json(outbox.get_state(SYNC_KEY_LINK_STATE)),
            queue=outbox.counts_by_state(),
            oldest_waiting=outbox.oldest_waiting(),
            last_success_at=outbox.get_state(SYNC_KEY_LAST_SUCCESS_AT),
            quarantined=tuple(outbox.quarantined()),
            retrying=tuple(outbox.retrying()),
            agent=outbox.get_state(SYNC_KEY_LEASE_HOLDER),
            agent_lease_expires_at=outbox.get_state(SYNC_KEY_LEASE_EXPIRES_AT),
            set_aside_files=aside.files,
            set_aside_folder=str(aside.folder),
            purged=outbox.purged_count(),
            clock=_clock(db_path),
        )


def _clock(db_path: Path) -> str:
    from kiosk.build_info import build_time
    from kiosk.clock_trust import verdict_from_db

    return verdict_from_db(db_path, time.time(), build_time=build_time()).describe()


def format_status(st: SyncStatus) -> str:
    """Plain English for technicians (the staff screen translates from the SyncStatus)."""
    lines = [f"link: {st.link.state}" + (f" ({st.link.detail})" if st.link.detail else "")
             + (f" at {st.link.at}" if st.link.at else "")]
    if st.link.next_try_at:
        lines.append(f"next try: {st.link.next_try_at}")
    queue = ", ".join(f"{k} {v}" for k, v in sorted(st.queue.items())) or "empty"
    lines += [f"queue: {queue}",
              f"oldest waiting: {st.oldest_waiting or '-'}",
              f"last success: {st.last_success_at or 'never'}",
              f"clock: {st.clock or '-'}",
              f"agent: {st.agent or 'not running'}"
              + (f" (lease until {st.agent_lease_expires_at})" if st.agent else "")]
    lines.append(f"purged after retention: {st.purged} (documents and payload deleted, "
                 "tombstone kept)")
    lines.append(f"retrying: {len(st.retrying)}")
    lines += [f"  #{r.kiosk_seq} {r.application_code}: {r.last_error} "
              f"(next try {r.next_attempt_at or 'now'})" for r in st.retrying]
    lines.append(f"quarantined: {len(st.quarantined)}")
    lines += [f"  #{q.kiosk_seq} {q.application_code} {q.application_id}: {q.reason}"
              for q in st.quarantined]
    if st.set_aside_files:
        lines.append(f"set aside: {st.set_aside_files} file(s) the database does not know, kept in "
                     f"{st.set_aside_folder} (never deleted; call the vendor before removing them)")
    return "\n".join(lines)
