"""Lifecycle and transport: keys and data survive restarts, keep-alive, control is loopback-only."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import requests

from sync.gateway import gateway_public_keys, main_serve, register_kiosk, start_gateway
from sync.gateway.app import GatewayApp
from sync.gateway.limits import GatewayLimits
from sync.gateway.request import Request
from sync.protocol.keys import ed25519_public_from_b64, generate_signing_key, public_key_b64
from sync.protocol.signing import verify_response
from sync.protocol.tus import checksum_header
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    TestKiosk,
    patch_chunk,
    push,
    running_gateway,
    seal_application,
)


def test_keys_are_made_once_and_kiosks_registered_offline(tmp_path: Path) -> None:
    data = tmp_path / "gw"
    keys = gateway_public_keys(data)
    assert gateway_public_keys(data) == keys
    for f in data.iterdir():
        if f.name.startswith("gateway-") and not f.name.endswith(("-wal", "-shm", ".sqlite3")):
            assert stat.S_IMODE(f.stat().st_mode) == 0o600
    kiosk_key = generate_signing_key()
    register_kiosk(data, "KX-007", public_key_b64(kiosk_key))  # before the gateway runs
    clock = FakeClock()
    with running_gateway(data, clock) as gw:
        assert gw.public_keys == keys
        kiosk = TestKiosk(gw.url, keys.signing_b64, clock, "KX-007", kiosk_key)
        try:
            assert kiosk.call("GET", "/v1/kiosks/KX-007/ack").status == 200
        finally:
            kiosk.close()


def test_deduplication_survives_a_restart(tmp_path: Path) -> None:
    data, clock = tmp_path / "gw", FakeClock()
    kiosk_key = generate_signing_key()
    register_kiosk(data, "KX-001", public_key_b64(kiosk_key))
    keys = gateway_public_keys(data)
    app = seal_application(keys.encryption_b64, "KX-001", 1)
    with running_gateway(data, clock) as gw:
        kiosk = TestKiosk(gw.url, keys.signing_b64, clock, "KX-001", kiosk_key)
        try:
            assert kiosk.call("PUT", f"/v1/applications/{app.id}", app.body).status == 201
            target = f"/v1/applications/{app.id}/documents/cccd"
            data_cccd = app.documents["cccd"]
            kiosk.call("POST", target, headers={
                "Upload-Length": str(len(data_cccd)),
                "Upload-Checksum-Full": checksum_header(data_cccd)})
            assert patch_chunk(kiosk, target, 0, data_cccd[:300]).status == 204
        finally:
            kiosk.close()
    with running_gateway(data, clock) as gw:
        kiosk = TestKiosk(gw.url, keys.signing_b64, clock, "KX-001", kiosk_key)
        try:
            head = kiosk.call("HEAD", f"/v1/applications/{app.id}/documents/cccd")
            assert head.headers["Upload-Offset"] == "300"
            assert kiosk.call("PUT", f"/v1/applications/{app.id}", app.body).status == 200
            assert push(kiosk, app).status == 202
            assert len(gw.control.applications()) == 1
        finally:
            kiosk.close()


def test_keep_alive_reuses_one_connection(tmp_path: Path) -> None:
    clock = FakeClock()
    with running_gateway(tmp_path / "gw", clock) as gw:
        ports = set()
        with socket.create_connection(("127.0.0.1", gw.port), timeout=5) as conn:
            for _ in range(3):
                conn.sendall(b"GET /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n")
                reply = b""
                while b"\r\n\r\n" not in reply:
                    reply += conn.recv(4096)
                head = reply.decode("latin-1")
                assert head.startswith("HTTP/1.1 204")
                assert "Content-Length: 0" in head
                assert "X-Gateway-Signature: " in head
                ports.add(conn.getsockname()[1])
        assert len(ports) == 1


def test_stop_closes_idle_keep_alive_connections(tmp_path: Path) -> None:
    gw = start_gateway(tmp_path / "gw", clock=FakeClock())
    with requests.Session() as s:
        assert s.get(f"{gw.url}/v1/ping", timeout=5).status_code == 204
        gw.stop()  # must not hang on the idle connection the session keeps
    gw.stop()  # idempotent


def test_control_refuses_non_loopback_clients(tmp_path: Path) -> None:
    app = GatewayApp(tmp_path / "gw", FakeClock(), GatewayLimits())
    try:
        app.control_handler = lambda req: (_ for _ in ()).throw(AssertionError("reached"))
        r = app.dispatch(Request("GET", "/_control/faults", {}, b"", "192.168.1.20"))
        assert r.status == 403
    finally:
        app.close()


def test_main_serve_reports_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main_serve(busy.getsockname()[1], tmp_path / "gw", "127.0.0.1") == 2


def test_stdlib_refusals_are_signed_problems_too(tmp_path: Path) -> None:
    clock = FakeClock()
    with running_gateway(tmp_path / "gw", clock) as gw:
        with socket.create_connection(("127.0.0.1", gw.port), timeout=5) as conn:
            conn.sendall(b"BREW /v1/ping HTTP/1.1\r\nHost: x\r\n\r\n")
            reply = b""
            while True:
                block = conn.recv(4096)
                if not block:
                    break
                reply += block
        head, _, body = reply.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0].startswith("HTTP/1.1 501")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        assert headers["Content-Type"] == "application/problem+json"
        assert int(headers["Content-Length"]) == len(body)
        verify_response(ed25519_public_from_b64(gw.public_keys.signing_b64), status=501,
                        method="BREW", target="/v1/ping", request_body=b"", headers=headers,
                        body=body)


def test_serve_as_a_program_until_sigterm(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "sync.gateway", "--port", "0", "--data", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("gateway: listening on http://127.0.0.1:"), first
        url = first.split()[3].rstrip(",")
        keys = gateway_public_keys(tmp_path)
        assert keys.signing_b64 in proc.stdout.readline()
        with requests.Session() as s:
            r = s.get(f"{url}/v1/ping", timeout=5)
        assert r.status_code == 204
        assert r.headers["X-Gateway-Signature"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=15)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
