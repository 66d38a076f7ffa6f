"""The sync layer's public API for the kiosk: the one door into ``sync``.

Kiosk code outside the composition root (``kiosk.wiring``) imports sync only from here: typed
functions and results for what the kiosk asks of its agent and gateway (export to USB, ACK import,
signed ping, requeue, send-now, status, the citizen's OTP and VNeID), and the protocol pieces
sealing and provisioning need (the envelope, the manifest, key files). The kiosk never sends
anything itself: "send now" is a row in ``sync_state`` the agent polls. Results carry short
English texts for staff (codes and counts, never a person).
"""

from __future__ import annotations

import errno
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.store.errors import StoreError
from kiosk.store.schema import SYNC_KEY_SEND_NOW_REQUESTED_AT
from sync.agent.config import AgentConfig
from sync.agent.dataupdates import UpdateLayout
from sync.agent.heartbeat import KioskFacts, publish_kiosk_facts
from sync.agent.link import LinkReport, LinkState
from sync.agent.status import SyncStatus, format_status, read_status
from sync.bundles import ack as _ack
from sync.bundles import export as _export
from sync.otp import OtpCheck, OtpRequest, OtpSent, OtpVerdict, request_otp, verify_otp
from sync.outbox import Outbox, QuarantinedApplication, RetryingApplication, iso
from sync.protocol.canonical import sha256_hex
from sync.protocol.dataupdate import KINDS as UPDATE_KINDS
from sync.protocol.dataupdate import DataUpdate, UpdateError, verify_update
from sync.protocol.envelope import new_application_key, seal_document, seal_payload
from sync.protocol.keys import (
    KeyFormatError,
    decode_key,
    ed25519_public_from_b64,
    generate_signing_key,
    load_signing_key,
    public_key_b64,
    save_private_key,
    x25519_public_from_b64,
)
from sync.protocol.messages import (
    ApplicationManifest,
    DocumentEntry,
    KioskCodeConfirmation,
    OtpConfirmation,
    SealedPayload,
    is_safe_id,
)
from sync.protocol.messages import Confirmation as ManifestConfirmation
from sync.protocol.times import format_utc
from sync.staff_actions import StaffActionError, requeue_quarantined
from sync.vneid import VneidCheck, VneidVerdict, verify_vneid

__all__ = [
    "UPDATE_KINDS",
    "AckOutcome",
    "AgentConfig",
    "ApplicationManifest",
    "DataUpdate",
    "DocumentEntry",
    "ExportOutcome",
    "KeyFormatError",
    "KioskCodeConfirmation",
    "KioskFacts",
    "LinkReport",
    "LinkState",
    "ManifestConfirmation",
    "OtpCheck",
    "OtpConfirmation",
    "OtpRequest",
    "OtpSent",
    "OtpVerdict",
    "PingOutcome",
    "QuarantinedApplication",
    "RequeueOutcome",
    "RetryingApplication",
    "SealedPayload",
    "SyncStatus",
    "UpdateError",
    "UpdateLayout",
    "VneidCheck",
    "VneidVerdict",
    "decode_key",
    "ed25519_public_from_b64",
    "export_bundle",
    "format_status",
    "format_utc",
    "generate_signing_key",
    "import_ack",
    "is_safe_id",
    "load_signing_key",
    "new_application_key",
    "ping",
    "public_key_b64",
    "publish_kiosk_facts",
    "read_status",
    "request_otp",
    "request_send_now",
    "requeue",
    "save_private_key",
    "seal_document",
    "seal_payload",
    "sha256_hex",
    "verify_otp",
    "verify_update",
    "verify_vneid",
    "x25519_public_from_b64",
]


def request_send_now(db_path: Path) -> str:
    """Ask the running agent to try now; returns the request token written."""
    token = f"{iso(time.time())} {uuid.uuid4().hex[:8]}"
    with Outbox(db_path, time.time) as outbox:
        outbox.set_state(SYNC_KEY_SEND_NOW_REQUESTED_AT, token)
    return token


# -- USB: export bundle, ACK import ---------------------------------------------------------------


@dataclass(frozen=True)
class ExportOutcome:
    """An export to a USB folder: ``path`` None when nothing was waiting; ``error`` when it failed."""

    path: Path | None = None
    applications: int = 0
    from_seq: int = 0
    to_seq: int = 0
    error: str = ""
    problem: str = ""  # when the stick failed: "full", "read_only", "denied", "io", "gone"

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def message(self) -> str:
        if self.error:
            return f"export FAILED, nothing marked exported: {self.error}"
        if self.path is None:
            return "nothing to export"
        return (f"exported {self.applications} applications (seq {self.from_seq}..{self.to_seq}) "
                f"to {self.path}, verified")


USB_PROBLEMS = {
    errno.ENOSPC: ("full", "the USB stick is full: free some space on it or use another stick"),
    errno.EROFS: ("read_only", "the USB stick is read-only (its write-protect switch, or a damaged "
                  "stick): use another stick"),
    errno.EACCES: ("denied", "the kiosk may not write there: use the USB stick's folder"),
    errno.EPERM: ("denied", "the kiosk may not write there: use the USB stick's folder"),
    errno.EIO: ("io", "the USB stick failed while writing (pulled out, or damaged): try again or "
                "use another stick"),
    errno.ENOENT: ("gone", "the USB stick's folder is gone (pulled out?)"),
    errno.ENODEV: ("gone", "the USB stick's folder is gone (pulled out?)"),
}
"""Why writing to the stick failed, as a key (the staff screen's text) and in English (the
technician's); the store is untouched either way."""


def usb_problem(exc: OSError, dest: Path) -> tuple[str, str]:
    """(key, English reason) of a failed write to ``dest``; key "" when the errno is unusual."""
    key, reason = USB_PROBLEMS.get(exc.errno or 0, ("", ""))
    return (key, f"{reason} [{exc.strerror}: {dest}]") if key else ("", str(exc))


def export_bundle(db_path: Path, dest: Path, kiosk_id: str, kiosk_key: Ed25519PrivateKey) -> ExportOutcome:
    """Write the signed bundle of everything waiting to ``dest`` (read back and verified)."""
    try:
        result = _export.export_to(db_path, dest, kiosk_id, kiosk_key)
    except _export.BundleError as exc:
        return ExportOutcome(error=str(exc))
    except OSError as exc:
        problem, reason = usb_problem(exc, dest)
        return ExportOutcome(error=reason, problem=problem)
    return ExportOutcome(result.path, result.applications, result.from_seq, result.to_seq)


@dataclass(frozen=True)
class AckOutcome:
    """A gateway ACK file imported (``changed`` is 0 on a repeat), or refused with ``error``."""

    bundle_id: str = ""
    items: int = 0
    changed: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def message(self) -> str:
        if self.error:
            return f"ACK refused: {self.error}"
        return f"ACK {self.bundle_id}: {self.items} items, {self.changed} changed"


def import_ack(db_path: Path, ack_file: Path, kiosk_id: str, gateway_key: Ed25519PublicKey) -> AckOutcome:
    """Apply a signed ACK file the gateway wrote for this kiosk (checked before anything changes)."""
    try:
        result = _ack.import_ack(db_path, ack_file, kiosk_id, gateway_key)
    except _export.BundleError as exc:
        return AckOutcome(error=str(exc))
    return AckOutcome(result.bundle_id, result.items, result.changed)


# -- the link: a signed ping -----------------------------------------------------------------------


@dataclass(frozen=True)
class PingOutcome:
    """A signed ``GET /v1/ping`` with the kiosk's key, checked against the gateway's key."""

    ok: bool
    ms: float = 0.0
    gateway_version: str = ""
    clock_skew_s: float = 0.0
    error: str = ""

    @property
    def message(self) -> str:
        if not self.ok:
            return f"signed ping failed: {self.error}"
        return (f"signed ping OK in {self.ms:.0f} ms; gateway {self.gateway_version or '?'}, "
                f"clock skew {self.clock_skew_s:+.0f} s")


def ping(config: AgentConfig, *, monotonic: Callable[[], float] = time.monotonic) -> PingOutcome:
    """One signed ping (blocking, at most ~15 s): whether the gateway answers and trusts us."""
    from sync.client.gateway import GatewayClient

    started = monotonic()
    try:
        with GatewayClient(config.gateway_url, config.kiosk_id, config.kiosk_key,
                           config.gateway_signing_key, clock=time.time,
                           timeout=(5.0, 10.0)) as client:
            limits = client.ping()
    except Exception as exc:  # every failure is an answer here: "the link is not usable"
        return PingOutcome(False, error=f"{type(exc).__name__}: {exc}")
    return PingOutcome(True, (monotonic() - started) * 1000, limits.gateway_version, limits.clock_skew_s)


# -- staff: requeue a quarantined application -----------------------------------------------------


@dataclass(frozen=True)
class RequeueOutcome:
    """A quarantined application set back to queued, or why not (``error``)."""

    application_code: str = ""
    kiosk_seq: int = 0
    previous_reason: str = ""
    damaged: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def message(self) -> str:
        if self.error:
            return f"retry refused: {self.error}"
        text = (f"{self.application_code} (#{self.kiosk_seq}) is queued again; "
                f"it was quarantined for: {self.previous_reason or '-'}")
        if self.damaged:
            text += "\nWARNING: its files are damaged; the agent will not send it until they are back"
        return text


def requeue(db_path: Path, code: str, *, actor: str, why: str = "retry") -> RequeueOutcome:
    """Set one quarantined application (by code or id) back to ``queued``; audited by the store."""
    try:
        done = requeue_quarantined(db_path, code, actor=actor, why=why)
    except (StaffActionError, StoreError) as exc:
        return RequeueOutcome(error=str(exc))
    return RequeueOutcome(done.application_code, done.kiosk_seq, done.previous_reason, done.damaged)
