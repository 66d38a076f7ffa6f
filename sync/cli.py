"""What ``kiosk sync run|once|now|status``, ``kiosk export`` and ``kiosk import-ack`` call.

The kiosk CLI builds an AgentConfig from its configuration and calls these; each returns a
process exit code (0 fine, 1 something needs attention, 2 could not run) and prints a short
English report, never personal data.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync import api
from sync.agent.config import AgentConfig
from sync.agent.link import LinkState
from sync.agent.loop import Agent
from sync.agent.status import format_status, read_status

__all__ = ["AgentConfig", "export_to", "import_ack", "run_forever", "run_once", "send_now",
           "status"]


def run_forever(config: AgentConfig) -> int:
    """The agent process (systemd kiosk-sync.service). SIGTERM/SIGINT stop it cleanly."""
    from kiosk.logs import configure

    configure()  # the one scrubbed JSON set-up of every kiosk process (journald priorities)
    with Agent(config) as agent:
        def _stop(_sig: int, _frame: FrameType | None) -> None:
            agent.stop()
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        agent.run_forever()
    return 0


def run_once(config: AgentConfig, budget_s: float = 120.0, out: TextIO = sys.stdout) -> int:
    """Drain what can be sent now, then exit: 0 drained, 1 something left or paused."""
    with Agent(config) as agent:
        report = agent.run_once(budget_s)
    out.write(f"link {report.link}: sent {report.sent}, quarantined {report.quarantined}\n")
    for note in report.notes:
        out.write(f"  {note}\n")
    if report.paused is not None:
        out.write(f"QUEUE PAUSED: {report.paused.describe()}\n")
    elif report.retry is not None:
        out.write(f"will retry: {report.retry.describe()}\n")
    return 0 if report.drained and report.link is LinkState.ONLINE else 1


def send_now(db_path: Path, out: TextIO = sys.stdout) -> int:
    api.request_send_now(db_path)
    out.write("send-now requested; the agent wakes within a second\n")
    return 0


def status(db_path: Path, as_json: bool = False, out: TextIO = sys.stdout) -> int:
    st = read_status(db_path)
    if as_json:
        out.write(json.dumps(st.to_dict(), ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    else:
        out.write(format_status(st) + "\n")
    return 0


def export_to(db_path: Path, dest: Path, kiosk_id: str, kiosk_key: Ed25519PrivateKey,
              out: TextIO = sys.stdout) -> int:
    result = api.export_bundle(db_path, dest, kiosk_id, kiosk_key)
    out.write(result.message + "\n")
    return 0 if result.ok else 2


def import_ack(db_path: Path, ack_file: Path, kiosk_id: str, gateway_key: Ed25519PublicKey,
               out: TextIO = sys.stdout) -> int:
    result = api.import_ack(db_path, ack_file, kiosk_id, gateway_key)
    out.write(result.message + "\n")
    return 0 if result.ok else 2
