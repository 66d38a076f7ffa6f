"""The HTTP face of the gateway: HTTP/1.1 keep-alive, Content-Length always, every answer signed.

Handler threads are tracked so ``stop()`` can cut idle keep-alive connections and join every
thread: tests run with ResourceWarning as an error and must not leak sockets or threads.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType

from sync.gateway.app import GatewayApp
from sync.gateway.control import GatewayControl
from sync.gateway.database_url import (
    COMMAND_LINE_WARNING,
    DatabaseUrlError,
    database_url_from,
    has_password,
)
from sync.gateway.db import DB_FILE
from sync.gateway.keys import DamagedKeyError, GatewayPublicKeys
from sync.gateway.limits import GatewayLimits
from sync.gateway.request import Request
from sync.gateway.responses import Response, problem
from sync.gateway.storage import StorageConfig, parse_s3_url
from sync.gateway.store import DEFAULT_POOL_SIZE
from sync.gateway.wire import REASONS, finish
from sync.protocol import headers as h
from sync.protocol.canonical import sha256_hex
from sync.protocol.problem import ProblemCode

log = logging.getLogger(__name__)

IDLE_TIMEOUT_S = 120.0
JOIN_TIMEOUT_S = 5.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: GatewayApp) -> None:
        self.app = app
        self._track = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()
        super().__init__(address, _Handler)

    def process_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        assert isinstance(request, socket.socket)
        thread = threading.Thread(
            target=self._run, args=(request, client_address), daemon=True, name="gateway-conn"
        )
        with self._track:
            self._conns.add(request)
            self._handler_threads.add(thread)
        thread.start()

    def _run(self, request: socket.socket, client_address: object) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._track:
                self._conns.discard(request)
                self._handler_threads.discard(threading.current_thread())

    def cut_connections(self) -> None:
        with self._track:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def join_handlers(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        with self._track:
            threads = list(self._handler_threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dvc-kiosk-gateway"
    timeout = IDLE_TIMEOUT_S
    wbufsize = 256 * 1024  # headers and body leave in one segment: no Nagle/delayed-ACK stall
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's own refusals (bad request line, unknown method...) signed like the rest."""
        code_name = ProblemCode.METHOD_NOT_ALLOWED if code == 501 else ProblemCode.VALIDATION
        req = Request(self.command or "", getattr(self, "path", "") or "", {}, b"",
                      self.client_address[0])
        self._write(req, problem(code, code_name, False, message or explain or ""), close=True)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _serve(self) -> None:
        app = self.server.app
        headers = dict(self.headers.items())
        if self.headers.get("Transfer-Encoding"):
            refused = problem(411, ProblemCode.VALIDATION, False, "Content-Length is required")
            self._write(self._request(headers, b""), refused, close=True)
            return
        length_text = self.headers.get("Content-Length", "0")
        if not length_text.isdigit():
            refused = problem(400, ProblemCode.VALIDATION, False, "bad Content-Length")
            self._write(self._request(headers, b""), refused, close=True)
            return
        length = int(length_text)
        cap = app.limits.max_chunk * 2 + 65536 if self.command == "PATCH" else (
            app.limits.max_json_body
        )
        if length > cap:
            # Not read: answer and close. The hash signed is the one the kiosk claimed.
            refused = problem(413, ProblemCode.CHUNK_TOO_LARGE, True,
                              f"at most {app.limits.max_chunk} bytes per request body",
                              headers={h.MAX_CHUNK: str(app.limits.max_chunk)})
            claimed = self.headers.get(h.CONTENT_SHA256, sha256_hex(b""))
            self._write(self._request(headers, b""), refused, close=True, request_hash=claimed)
            return
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            self.close_connection = True  # the client went away mid-body
            return
        req = self._request(headers, body)
        self._write(req, app.dispatch(req))

    def _request(self, headers: dict[str, str], body: bytes) -> Request:
        return Request(self.command, self.path, headers, body, self.client_address[0])

    def _write(
        self,
        req: Request,
        resp: Response,
        *,
        close: bool = False,
        request_hash: str | None = None,
    ) -> None:
        log.info("%s %s -> %s%s", req.method, req.target, resp.status,
                 " (answer dropped)" if resp.drop else "")
        if resp.drop:
            self.close_connection = True
            return
        out, body = finish(self.server.app, req, resp, request_hash)
        if close:
            out["Connection"] = "close"
            self.close_connection = True
        self.send_response_only(resp.status, REASONS.get(resp.status))
        for name, value in out.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(body)
        self.wfile.flush()


@dataclass
class RunningGateway:
    """A gateway serving on a background thread; ``stop()`` closes everything it opened."""

    url: str
    control: GatewayControl
    data_dir: Path
    public_keys: GatewayPublicKeys
    _server: _Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _stopped: bool = field(default=False, repr=False)
    control_token: str = field(default="", repr=False)  # /_control/ over HTTP asks for it

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._thread.join(JOIN_TIMEOUT_S)
        self._server.cut_connections()
        self._server.join_handlers(JOIN_TIMEOUT_S)
        self._server.server_close()
        self._server.app.close()

    def __enter__(self) -> RunningGateway:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_gateway(
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    clock: Callable[[], float] = time.time,
    limits: GatewayLimits | None = None,
    *,
    database_url: str | None = None,
    storage: StorageConfig | None = None,
    pool_size: int = DEFAULT_POOL_SIZE,
) -> RunningGateway:
    """Start a gateway on ``host:port`` (0: an ephemeral port) serving from ``data_dir``
    (rows in PostgreSQL when ``database_url`` is ``postgresql://...``, shared by processes;
    documents in the folder or S3-compatible storage as ``storage`` says)."""
    app = GatewayApp(data_dir, clock, limits or GatewayLimits(), database_url,
                     storage=storage, pool_size=pool_size)
    control = GatewayControl(app)
    app.control_handler = control.handle_http
    try:
        server = _Server((host, port), app)
    except OSError:
        app.close()
        raise
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
        name="gateway-accept",
    )
    thread.start()
    bound_host, bound_port = server.server_address[0], server.server_address[1]
    text_host = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
    shown = f"[{text_host}]" if ":" in text_host else text_host
    return RunningGateway(
        url=f"http://{shown}:{bound_port}",
        control=control,
        data_dir=data_dir,
        public_keys=app.keys.public,
        control_token=app.control_token,
        _server=server,
        _thread=thread,
    )


def _start_refusal(exc: Exception, host: str, port: int, data_dir: Path,
                   database_url: str | None) -> str | None:
    """What the operator is told when the gateway cannot start (None: a bug, raised as is)."""
    if isinstance(exc, OSError) and exc.filename is not None:  # a file, not the socket
        return (f"cannot use the data folder {data_dir}: {exc.strerror or exc} "
                f"({exc.filename})")
    if isinstance(exc, (OSError, OverflowError)):  # bind(): in use, not allowed, no such port
        return f"cannot listen on {host}:{port}: {exc}"
    if isinstance(exc, DamagedKeyError):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        return (f"cannot open the database {data_dir / DB_FILE}: {exc} (nothing was "
                "changed in it)")
    if database_url is not None:
        import psycopg

        if isinstance(exc, psycopg.Error):  # its messages never carry the password
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return (f"cannot use the PostgreSQL database: {first} (is it running, and are "
                    "the host, user and password right? the lines above say more)")
    return None


def main_serve(port: int, data_dir: Path, host: str = "127.0.0.1",
               database_url: str | None = None, *, storage: StorageConfig | None = None,
               pool_size: int = DEFAULT_POOL_SIZE, database_file: Path | None = None) -> int:
    """``python -m sync.gateway`` and ``kiosk gateway serve``: run until SIGINT/SIGTERM; 0 on a
    clean stop, 2 if it can't bind, ``storage`` names no folder nor s3:// place, or the file
    that should hold the database URL cannot be read. ``database_url`` and ``database_file``
    are the command line's (--database, --database-file); without them the URL comes from the
    environment (sync.gateway.database_url)."""
    from kiosk.logs import configure

    if database_url and has_password(database_url):
        print(COMMAND_LINE_WARNING, file=sys.stderr, flush=True)
    try:
        database_url = database_url_from(database_url, database_file)
    except DatabaseUrlError as exc:
        print(f"gateway: {exc}", file=sys.stderr)
        return 2
    documents = (storage or StorageConfig()).documents
    if documents != "folder":
        try:
            parse_s3_url(documents)
        except ValueError as exc:
            print(f"gateway: {exc}")
            return 2
    configure()  # scrubbed JSON lines, as every kiosk process (the gateway sees citizens too)
    logging.getLogger("sync.gateway").setLevel(logging.INFO)
    try:
        gateway = start_gateway(data_dir, host=host, port=port, database_url=database_url,
                                storage=storage, pool_size=pool_size)
    except Exception as exc:  # a start that fails: one line, what and where
        refusal = _start_refusal(exc, host, port, data_dir, database_url)
        if refusal is None:
            raise
        print(f"gateway: {refusal}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        keys = gateway.public_keys
        print(f"gateway: listening on {gateway.url}, data in {data_dir}", flush=True)
        print(f"gateway: signing key (Ed25519)    {keys.signing_b64}")
        print(f"gateway: encryption key (X25519)  {keys.encryption_b64}")
        print("gateway: test control under /_control/ (loopback clients only, header "
              f"X-Control-Token from {data_dir / 'control.token'})")
        print(f"gateway: documents in {(storage or StorageConfig()).describe()}", flush=True)
        while not stop.wait(1.0):
            pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        gateway.stop()
    return 0
