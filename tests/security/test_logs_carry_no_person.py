"""Issue 10 item 10: logs never carry a person, in every kiosk process.

Before: the scrubber looked only at top-level string fields (nested dicts, lists, bytes such as
the raw QR, IDs written with spaces and names inside exception messages passed through), the
sync agent and ``kiosk gateway serve`` used plain ``basicConfig`` (nothing scrubbed), and the
embedded gateway logged every OTP code. Lines had no priority, so ``journalctl -p err`` was
empty however badly things went.
"""

from __future__ import annotations

import io
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from kiosk.events import Event
from kiosk.logs import configure, log_event
from sync.agent.config import AgentConfig
from sync.gateway.db import register_kiosk
from sync.gateway.keys import gateway_public_keys
from sync.gateway.store import GatewayStore
from sync.otp import request_otp
from sync.protocol.keys import generate_signing_key, public_key_b64, save_private_key
from tests.support.journal import run_as_journald

CITIZEN = {
    "citizen_id": "079165001234",
    "old_id": "025123456",
    "name": "Huỳnh Thị Ánh",
    "dob": "12/03/1965",
    "dob_iso": "1965-03-12",
    "phone": "0912345678",
    "address": "12 Lê Lợi, phường Bến Nghé",
}
QR = "079165001234|025123456|Huỳnh Thị Ánh|12031965|Nữ|12 Lê Lợi, phường Bến Nghé|01012021"


def leaks(text: str) -> list[str]:
    found = [k for k, v in CITIZEN.items() if v in text or json.dumps(v)[1:-1] in text]
    if "079 165 001 234" in text or "0791 6500 1234" in text:
        found.append("spaced id")
    return found


@pytest.fixture
def stream() -> io.StringIO:
    out = io.StringIO()
    configure(out)
    return out


def test_nested_fields_lists_and_bytes_are_scrubbed(stream: io.StringIO) -> None:
    log_event(Event.IDENTITY_ACCEPTED, method="qr", kiosk_seq=7,
              reading={"fields": [CITIZEN["name"], {"full_name": CITIZEN["name"]}],
                       "raw": QR.encode(), "ids": ("079 165 001 234", "0791 6500 1234")},
              scan=QR.encode(), who={"holder": {"deep": [[CITIZEN["address"]]]}},
              born=CITIZEN["dob_iso"], phone_seen=f"tel {CITIZEN['phone']}")
    line = json.loads(stream.getvalue())
    assert leaks(stream.getvalue()) == []
    assert line["scan"] == f"[{len(QR.encode())} bytes]"  # the raw QR: its length, never bytes
    assert line["kiosk_seq"] == 7
    assert line["method"] == "qr"


@pytest.mark.log_warnings_expected
def test_an_exception_is_its_type_and_a_scrubbed_message(stream: io.StringIO) -> None:
    try:
        raise ValueError(f"no procedure for {CITIZEN['name']} born {CITIZEN['dob']}, "
                         f"phone {CITIZEN['phone']}, QR {QR}")
    except ValueError:
        logging.getLogger("kiosk.seal").exception("seal failed")
    text = stream.getvalue()
    assert leaks(text) == []
    assert "Traceback" not in text
    (line,) = [json.loads(x) for x in text.splitlines()]
    assert line["exception"]["type"] == "ValueError"
    assert line["exception"]["message"].startswith("no procedure for [text] born [date]")
    assert line["exception"]["where"][-1].startswith("test_logs_carry_no_person.py:")


def test_each_line_carries_its_priority_for_journald() -> None:
    code = ("import logging; from kiosk.logs import configure; configure(); "
            "log = logging.getLogger('sync.agent'); log.debug('d'); log.info('i'); "
            "log.warning('w'); log.error('e'); log.critical('c')")
    done = run_as_journald([sys.executable, "-c", code], os.environ)  # a unit's stderr
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert [line[:3] for line in lines] == ["<6>", "<4>", "<3>", "<2>"]
    assert [json.loads(line[3:])["event"] for line in lines] == ["i", "w", "e", "c"]
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60, check=True, env={k: v for k, v in os.environ.items()
                                                        if k != "JOURNAL_STREAM"})
    assert all(line.startswith("{") for line in plain.stderr.splitlines())  # a terminal


def _lines_until(proc: subprocess.Popen[str], pipe: str, want: str, deadline_s: float) -> list[str]:
    """Lines of the child's stdout or stderr until one contains ``want`` (bounded)."""
    got: queue.Queue[str] = queue.Queue()
    stream = proc.stdout if pipe == "stdout" else proc.stderr
    assert stream is not None

    def pump() -> None:
        for line in stream:
            got.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    lines: list[str] = []
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            line = got.get(timeout=max(0.01, end - time.monotonic()))
        except queue.Empty:
            break
        lines.append(line)
        if want in line:
            return lines
    pytest.fail(f"no {want!r} from the child within {deadline_s} s: {lines}")


def test_gateway_serve_logs_scrubbed_json_and_never_an_otp(tmp_path: Path) -> None:
    data = tmp_path / "gw"
    key = generate_signing_key()
    register_kiosk(data, "KIOSK-LOG", public_key_b64(key))
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "gateway", "serve", "--port", "0",
                             "--data", str(data)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        out = _lines_until(proc, "stdout", "listening on", 60)
        url = out[-1].split("listening on ")[1].split(",")[0]
        key_file = tmp_path / "kiosk.key"
        save_private_key(key_file, key)
        config = AgentConfig.from_files(tmp_path / "unused.sqlite3", url, "KIOSK-LOG", key_file,
                                        gateway_public_keys(data).signing_b64)
        app_id = str(uuid.uuid4())
        assert request_otp(config, app_id, CITIZEN["citizen_id"]).sent
        store = GatewayStore(data)  # the code as the gateway keeps it (what must not be logged)
        try:
            with store.read() as conn:
                otp = str(conn.execute("SELECT code FROM otp_codes").fetchone()[0])
        finally:
            store.close()
        err = _lines_until(proc, "stderr", "POST /v1/otp", 30)
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=30)[1]
    lines = [line for line in [*err, *rest.splitlines()] if line.strip()]
    assert lines
    assert [line for line in lines if not line.startswith("{")] == []  # JSON, nothing raw
    text = "\n".join(lines)
    assert otp not in text
    assert leaks(text) == []
    assert any(json.loads(line).get("logger") == "sync.gateway.citizen" for line in lines)


def test_the_sync_agent_logs_scrubbed_json(tmp_path: Path) -> None:
    key_file = tmp_path / "kiosk.key"
    save_private_key(key_file, generate_signing_key())
    code = f"""
import sys
from pathlib import Path
from kiosk.store.db import open_store
from sync.agent.config import AgentConfig
from sync.cli import run_forever
from sync.protocol.keys import generate_signing_key, public_key_b64
db = Path({str(tmp_path / "kiosk.sqlite3")!r})
open_store(db).close()
config = AgentConfig.from_files(db, "http://127.0.0.1:9", "KIOSK-LOG", Path({str(key_file)!r}),
                                public_key_b64(generate_signing_key()))
sys.exit(run_forever(config))
"""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        err = _lines_until(proc, "stderr", "no link", 60)
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=30)[1]
    lines = [line for line in [*err, *rest.splitlines()] if line.strip()]
    assert [line for line in lines if not line.startswith("{")] == []
    assert any(json.loads(line).get("logger", "").startswith("sync.agent") for line in lines)
