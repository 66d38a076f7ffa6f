"""The sync agent's public API for the kiosk: ask for a send, read the status.

The kiosk never sends anything itself; "send now" is a row in ``sync_state`` that the agent
polls (it wakes up, resets its backoff and retries every waiting application).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from kiosk.store.schema import SYNC_KEY_SEND_NOW_REQUESTED_AT
from sync.agent.dataupdates import UpdateLayout
from sync.agent.heartbeat import KioskFacts, publish_kiosk_facts
from sync.agent.link import LinkReport, LinkState
from sync.agent.status import SyncStatus, format_status, read_status
from sync.outbox import Outbox, QuarantinedApplication, RetryingApplication, iso
from sync.protocol.dataupdate import KINDS as UPDATE_KINDS
from sync.protocol.dataupdate import DataUpdate, UpdateError, verify_update
from sync.vneid import VneidCheck, VneidVerdict, verify_vneid

__all__ = [
    "UPDATE_KINDS",
    "DataUpdate",
    "KioskFacts",
    "LinkReport",
    "LinkState",
    "QuarantinedApplication",
    "RetryingApplication",
    "SyncStatus",
    "UpdateError",
    "UpdateLayout",
    "VneidCheck",
    "VneidVerdict",
    "format_status",
    "publish_kiosk_facts",
    "read_status",
    "request_send_now",
    "verify_update",
    "verify_vneid",
]


def request_send_now(db_path: Path) -> str:
    """Ask the running agent to try now; returns the request token written."""
    token = f"{iso(time.time())} {uuid.uuid4().hex[:8]}"
    with Outbox(db_path, time.time) as outbox:
        outbox.set_state(SYNC_KEY_SEND_NOW_REQUESTED_AT, token)
    return token
