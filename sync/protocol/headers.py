"""Header names of the protocol and a case-insensitive lookup over any header mapping."""

from __future__ import annotations

from collections.abc import Mapping

KIOSK_ID = "X-Kiosk-Id"
DATE = "Date"
CONTENT_TYPE = "Content-Type"
CONTENT_SHA256 = "Content-SHA256"
KIOSK_SIGNATURE = "X-Kiosk-Signature"
GATEWAY_SIGNATURE = "X-Gateway-Signature"
GATEWAY_VERSION = "X-Gateway-Version"
MAX_CHUNK = "X-Max-Chunk"
MAX_DOCUMENT = "X-Max-Document"
RETRY_AFTER = "Retry-After"
UPLOAD_OFFSET = "Upload-Offset"
UPLOAD_LENGTH = "Upload-Length"
UPLOAD_EXPIRES = "Upload-Expires"
UPLOAD_CHECKSUM = "Upload-Checksum"
UPLOAD_CHECKSUM_FULL = "Upload-Checksum-Full"
TUS_RESUMABLE = "Tus-Resumable"
TUS_VERSION = "1.0.0"
TUS_EXTENSION = "Tus-Extension"  # on /v1/ping: what the gateway supports beyond the core
CREATION_WITH_UPLOAD = "creation-with-upload"
OFFSET_OCTET_STREAM = "application/offset+octet-stream"
PROBLEM_JSON = "application/problem+json"
JSON = "application/json"


def get_header(headers: Mapping[str, str], name: str) -> str | None:
    """Header value by case-insensitive name (works for dicts, requests' and http.server's)."""
    value = headers.get(name)
    if value is not None:
        return value
    lower = name.lower()
    for key, item in headers.items():
        if key.lower() == lower:
            return item
    return None
