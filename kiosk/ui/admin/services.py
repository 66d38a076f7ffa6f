"""What technician and staff mode need from the running kiosk (Qt-free), and ready-made actions.

The composition root builds one :class:`AdminServices`; every callable here is run off the GUI
thread by the view-models. Results are short English texts for technicians and staff, never
personal data (the sync layer's own reports already keep to application codes and counts).
"""

from __future__ import annotations

import io
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from devices.printer.protocol import ReceiptPrinter
from devices.qr.protocol import QrReader
from devices.scanner.protocol import Scanner
from kiosk.admin.pin import PinGuard
from kiosk.store.db import Store


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    message: str  # English, technician-facing, no personal data


def default_usb_roots() -> list[Path]:
    """Mounted removable media (udisks mounts under /media/<user>/<label> or /run/media/...)."""
    roots: list[Path] = []
    for base in (Path("/media"), Path("/run/media")):
        if not base.is_dir():
            continue
        for user in sorted(base.iterdir()):
            if user.is_dir() and not user.is_mount():
                roots += [p for p in sorted(user.iterdir()) if p.is_dir()]
            elif user.is_dir():
                roots.append(user)
    return roots


@dataclass
class AdminServices:
    """Everything technician and staff mode touch; built by ``kiosk.app`` (or a test)."""

    store: Store
    pins: PinGuard
    clock: Callable[[], float]  # the PinGuard's clock: the lockout countdown is shown with it
    kiosk_id: str
    sync_db: Path  # the store file the sync agent reads (``kiosk.layout.store_path``)
    qr_reader: QrReader
    scanner: Scanner
    printer: ReceiptPrinter
    config_path: Path | None  # None: built-in defaults, nothing to edit
    restart: Callable[[], None]
    network_test: Callable[[], ActionResult]
    export_bundle: Callable[[Path], ActionResult]
    import_ack: Callable[[Path], ActionResult]
    receipt_font: Path | None = None
    usb_roots: Callable[[], list[Path]] = default_usb_roots
    on_open: Callable[[], None] = lambda: None  # e.g. wipe the citizen's session first
    hold_s: float = 5.0  # long press on the hot-spot
    idle_close_s: float = 180.0  # the panel closes itself when nobody touches it
    scanner_source: str = "flatbed"
    extra: dict[str, object] = field(default_factory=dict)


# -- ready-made actions ----------------------------------------------------------------------


def usb_export_action(
    db_path: Path, kiosk_id: str, kiosk_key: Callable[[], Ed25519PrivateKey]
) -> Callable[[Path], ActionResult]:
    """``kiosk export --to DIR`` as a callable (the same function the CLI calls)."""
    from sync import cli as sync_cli

    def export(dest: Path) -> ActionResult:
        out = io.StringIO()
        code = sync_cli.export_to(db_path, dest, kiosk_id, kiosk_key(), out=out)
        return ActionResult(code == 0, out.getvalue().strip())

    return export


def ack_import_action(
    db_path: Path, kiosk_id: str, gateway_key: Callable[[], Ed25519PublicKey]
) -> Callable[[Path], ActionResult]:
    """``kiosk import-ack FILE`` as a callable."""
    from sync import cli as sync_cli

    def import_ack(ack_file: Path) -> ActionResult:
        out = io.StringIO()
        code = sync_cli.import_ack(db_path, ack_file, kiosk_id, gateway_key(), out=out)
        return ActionResult(code == 0, out.getvalue().strip())

    return import_ack


def link_check(url: str, timeout_s: float = 5.0) -> Callable[[], ActionResult]:
    """A plain TCP connection to the gateway's host and port (when no signed ping is possible)."""

    def check() -> ActionResult:
        parts = urlsplit(url)
        host = parts.hostname
        if not host:
            return ActionResult(False, f"no gateway URL to test ({url!r})")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            with socket.create_connection((host, port), timeout=timeout_s):
                return ActionResult(True, f"{host}:{port} answers (TCP)")
        except OSError as exc:
            return ActionResult(False, f"{host}:{port} does not answer: {exc.strerror or exc}")

    return check


def signed_ping_check(agent_config: Callable[[], object]) -> Callable[[], ActionResult]:
    """A signed ``GET /v1/ping`` with the kiosk's key, checked against the gateway's key.

    ``agent_config`` returns a ``sync.agent.config.AgentConfig`` (``kiosk.commands.sync_cmd``
    builds one from the configuration).
    """
    import time

    from sync.agent.config import AgentConfig
    from sync.client.gateway import GatewayClient

    def check() -> ActionResult:
        try:
            cfg = agent_config()
        except Exception as exc:
            return ActionResult(False, f"not provisioned: {exc}")
        if not isinstance(cfg, AgentConfig):
            return ActionResult(False, "no sync configuration")
        started = time.monotonic()
        try:
            with GatewayClient(
                cfg.gateway_url,
                cfg.kiosk_id,
                cfg.kiosk_key,
                cfg.gateway_signing_key,
                clock=time.time,
                timeout=(5.0, 10.0),
            ) as client:
                limits = client.ping()
        except Exception as exc:
            return ActionResult(False, f"signed ping failed: {type(exc).__name__}: {exc}")
        ms = (time.monotonic() - started) * 1000
        return ActionResult(
            True,
            f"signed ping OK in {ms:.0f} ms; gateway {limits.gateway_version or '?'}, "
            f"clock skew {limits.clock_skew_s:+.0f} s",
        )

    return check
