"""What goes on the wire for an answer: its headers (Date, Content-Length, the gateway's
signature) and body. Shared by the built-in HTTP server and the WSGI application, so both sign
exactly alike."""

from __future__ import annotations

import base64
import os

from sync.gateway.app import GatewayApp
from sync.gateway.request import Request
from sync.gateway.responses import Response, Signing
from sync.protocol import headers as h
from sync.protocol.canonical import sha256_hex
from sync.protocol.signing import http_date, sign_response

REASONS = {460: "Checksum Mismatch", 423: "Locked", 422: "Unprocessable Content"}


def finish(app: GatewayApp, req: Request, resp: Response,
           request_hash: str | None = None) -> tuple[dict[str, str], bytes]:
    """The answer's headers and body (none for HEAD), signed unless scripted otherwise.
    ``request_hash`` is the claimed Content-SHA256 of a body that was not read."""
    body = b"" if req.method == "HEAD" else resp.body
    date = http_date(app.clock())
    out = dict(resp.headers)
    out[h.DATE] = date
    out["Content-Length"] = str(len(body))
    match resp.signing:
        case Signing.GATEWAY:
            out[h.GATEWAY_SIGNATURE] = sign_response(
                app.keys.signing,
                status=resp.status,
                method=req.method,
                target=req.target,
                date=date,
                request_content_sha256=request_hash or sha256_hex(req.body),
                upload_offset=out.get(h.UPLOAD_OFFSET, ""),
                body=body,
            )
        case Signing.FORGED:
            out[h.GATEWAY_SIGNATURE] = base64.b64encode(os.urandom(64)).decode("ascii")
        case Signing.NONE:
            pass
    return out, body
