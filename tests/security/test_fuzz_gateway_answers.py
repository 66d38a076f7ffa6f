"""Fuzz: whatever comes back from "the gateway", the client and the agent neither crash nor lose
the queued application (issue 10, "Must show").

A loopback server answers each request with a generated answer: any status, wrong or missing
content types, garbage and non-UTF-8 bodies, JSON of the wrong shapes, headers that are many,
huge or malformed, broken framing, a Date from another day; signed by the gateway's real key or
not. The client may only return a verified answer or raise ``GatewayError``; the agent's pass may
only end; the sealed application and its documents are still on the kiosk afterwards.
"""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.agent.loop import Agent
from sync.client.failure import GatewayError
from sync.client.gateway import GatewayClient
from sync.protocol import headers as h
from sync.protocol.keys import generate_signing_key
from sync.protocol.signing import http_date, sign_response
from tests.fakes import FakeClock
from tests.security.hostile_http import answering_server
from tests.sync.rig import KIOSK_ID, Rig, make_rig
from tests.sync.sealed_store import states

GATEWAY_KEY = generate_signing_key()
APP = "0b8c2a4e-8f5e-4d5b-9c1a-6f2e7d3c4b5a"


@dataclass
class Answer:
    status: int
    content_type: str | None
    body: bytes
    extra: list[tuple[str, str]] = field(default_factory=list)
    signed: bool = True
    date_offset_s: float = 0.0
    framing: str = "ok"  # ok | short | long-line


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                  max_size=4),
    max_leaves=20)
protocolish = st.fixed_dictionaries({}, optional={
    "state": st.sampled_from(["pending", "received", "garbage", ""]) | st.integers(),
    "missing_documents": st.lists(st.text(max_size=8), max_size=3) | st.integers(),
    "receipt_no": st.none() | st.text(max_size=10) | st.integers(),
    "code": st.sampled_from(["in_progress", "clock_skew", "document_hash", "otp_locked"]),
    "retryable": st.booleans() | st.text(max_size=3),
    "items": st.lists(json_values, max_size=3) | st.text(max_size=5),
    "next_cursor": st.none() | st.text(max_size=10) | st.integers(),
    "highest_contiguous_seq": st.integers() | st.text(max_size=5),
    "missing_seqs": st.lists(st.integers(), max_size=3) | st.none(),
})
bodies = st.one_of(
    st.binary(max_size=3000),
    json_values.map(lambda v: json.dumps(v).encode()),
    protocolish.map(lambda v: json.dumps(v).encode()),
    st.just(b"[" * 5000 + b"]" * 5000),  # deep nesting
    st.just("<html>Đăng nhập Wi-Fi</html>".encode("utf-16")),
)
header_names = st.sampled_from([
    h.UPLOAD_OFFSET, h.RETRY_AFTER, h.MAX_CHUNK, h.MAX_DOCUMENT, h.GATEWAY_VERSION,
    h.TUS_EXTENSION, "X-Junk", "Set-Cookie", "Location", "Content-Encoding"])
header_values = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30),
    st.sampled_from(["-1", "0", "١٢", "9" * 40, "gzip", "deflate", "1e9", " 7 "]),
    st.integers(min_value=1, max_value=70_000).map(lambda n: "a" * n),  # huge
)
answers = st.builds(
    Answer,
    status=st.sampled_from([200, 201, 202, 204, 301, 400, 401, 403, 404, 409, 410, 413, 415,
                            422, 423, 429, 460, 500, 503]) | st.integers(100, 599),
    content_type=st.sampled_from([None, "application/json", "application/problem+json",
                                  "text/html; charset=utf-8", "application/octet-stream",
                                  "application/json; charset=latin-1"]),
    body=bodies,
    extra=st.lists(st.tuples(header_names, header_values), max_size=6)
    | st.integers(90, 130).map(lambda n: [("X-Many", str(i)) for i in range(n)]),
    signed=st.booleans(),
    date_offset_s=st.sampled_from([0.0, 0.0, 0.0, -3 * 86400.0, 901.0, 1e10]),
    framing=st.sampled_from(["ok", "ok", "ok", "short", "long-line"]),
)


class Scripted:
    """The loopback "gateway": answers each request with the current example's answer."""

    def __init__(self) -> None:
        self.answer = Answer(204, None, b"")

    def serve(self, sock: socket.socket, head: bytes, body: bytes) -> None:
        a = self.answer
        method, target = head.split(b" ")[:2]
        date = http_date(time.time() + a.date_offset_s) if a.date_offset_s < 1e9 else "yesterday"
        lines = [f"HTTP/1.1 {a.status} X", f"Date: {date}", "Connection: close"]
        if a.content_type:
            lines.append(f"Content-Type: {a.content_type}")
        lines += [f"{k}: {v}" for k, v in a.extra]
        offset = next((v for k, v in a.extra if k == h.UPLOAD_OFFSET), "")
        if a.signed:
            sig = sign_response(GATEWAY_KEY, status=a.status, method=method.decode(),
                                target=target.decode(), date=date,
                                request_content_sha256=hashlib.sha256(body).hexdigest(),
                                upload_offset=offset, body=a.body)
            lines.append(f"{h.GATEWAY_SIGNATURE}: {sig}")
        length = len(a.body) + (100 if a.framing == "short" else 0)
        lines.append(f"Content-Length: {length}")
        if a.framing == "long-line":
            lines.append("X-Long: " + "b" * 70_000)
        sock.sendall("\r\n".join(lines).encode("utf-8") + b"\r\n\r\n" + a.body)


@pytest.fixture(scope="module")
def scripted() -> Iterator[tuple[str, Scripted]]:
    s = Scripted()
    with answering_server(s.serve) as url:
        yield url, s


OPERATIONS: list[Callable[[GatewayClient], object]] = [
    lambda c: c.ping(),
    lambda c: c.put_application(APP, b'{"application_id": "x"}'),
    lambda c: c.create_upload(APP, "d1", 10, "00" * 32),
    lambda c: c.upload_offset(APP, "d1"),
    lambda c: c.patch_chunk(APP, "d1", 0, b"0123456789"),
    lambda c: c.commit(APP),
    lambda c: c.application_status(APP),
    lambda c: c.status_page("abc"),
    lambda c: c.ack(),
    lambda c: c.post_ratings(b"{}"),
]
SLOW_OK = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


@settings(database=None, max_examples=500, deadline=None, suppress_health_check=SLOW_OK)
@given(answer=answers, op=st.sampled_from(range(len(OPERATIONS))))
def test_the_client_returns_a_verified_answer_or_raises_gateway_error(
    scripted: tuple[str, Scripted], answer: Answer, op: int
) -> None:
    url, server = scripted
    server.answer = answer
    failure = None
    with GatewayClient(url, KIOSK_ID, generate_signing_key(), GATEWAY_KEY.public_key(),
                       clock=time.time, timeout=(2.0, 2.0), deadline_s=3.0) as client:
        try:
            OPERATIONS[op](client)
        except GatewayError as exc:  # the one exception the agent expects
            failure = exc.failure
    if failure is not None:
        assert len(failure.detail) <= 300
        return
    # it returned: only a signed, fresh, whole answer may be believed
    assert answer.signed
    assert answer.date_offset_s == 0.0
    assert answer.framing == "ok"


def _kiosk_files(rig: Rig) -> set[Path]:
    return {p for p in rig.db.parent.rglob("*") if p.is_file() and "sqlite3" not in p.name}


def _documents(rig: Rig) -> list[tuple[str, ...]]:
    conn = sqlite3.connect(rig.db)
    try:
        return sorted(conn.execute("SELECT * FROM documents").fetchall())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def agent_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    with make_rig(tmp_path_factory.mktemp("fuzz-agent")) as rig:
        rig.seal(1, page_bytes=1500)
        yield rig


@settings(database=None, max_examples=150, deadline=None, suppress_health_check=SLOW_OK)
@given(answer=answers)
def test_the_agent_never_crashes_and_never_loses_the_application(
    agent_rig: Rig, scripted: tuple[str, Scripted], answer: Answer
) -> None:
    url, server = scripted
    server.answer = answer
    before = (states(agent_rig.db), _documents(agent_rig), _kiosk_files(agent_rig))
    config = replace(agent_rig.config(url, request_deadline_s=3.0),
                     gateway_signing_key=GATEWAY_KEY.public_key())
    clock = FakeClock.from_real_time()
    with Agent(config, clock=clock, wait=clock.wait, rand=lambda: 0.5) as agent:
        agent.run_pass()
    after_states = states(agent_rig.db)
    assert set(after_states) == set(before[0])  # the application is still there
    assert after_states[agent_rig.apps[0].application_id] not in ("received", "acked")
    assert _documents(agent_rig) == before[1]
    assert _kiosk_files(agent_rig) >= before[2]
