"""How to reach an ESC/POS printer, as small typed specs instead of loose keyword arguments.

A typo in a device setting must fail at configuration time, not turn into a silently ignored
keyword deep inside a driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class UsbConnection:
    vendor_id: int
    product_id: int


@dataclass(frozen=True)
class SerialConnection:
    port: str
    baudrate: int = 38400


@dataclass(frozen=True)
class NetworkConnection:
    host: str
    port: int = 9100


@dataclass(frozen=True)
class FileConnection:
    """A character device such as /dev/usb/lp0 (one-way: it cannot report status)."""

    path: Path


PrinterConnection = UsbConnection | SerialConnection | NetworkConnection | FileConnection


def connection_from_url(url: str) -> PrinterConnection:
    """Parse ``usb://04b8:0202``, ``serial:///dev/ttyUSB0?baudrate=9600``, ``tcp://host:9100``
    or ``file:///dev/usb/lp0`` so a config file can name a printer in one string."""
    parts = urlsplit(url)
    match parts.scheme:
        case "usb":
            vendor, _, product = parts.netloc.partition(":")
            if not vendor or not product:
                raise ValueError(f"usb printer needs usb://VID:PID in hex, got {url!r}")
            return UsbConnection(int(vendor, 16), int(product, 16))
        case "serial":
            baud = parse_qs(parts.query).get("baudrate", ["38400"])[0]
            if not parts.path:
                raise ValueError(f"serial printer needs a device path, got {url!r}")
            return SerialConnection(parts.path, int(baud))
        case "tcp":
            if not parts.hostname:
                raise ValueError(f"network printer needs a host, got {url!r}")
            return NetworkConnection(parts.hostname, parts.port or 9100)
        case "file":
            if not parts.path:
                raise ValueError(f"file printer needs a path, got {url!r}")
            return FileConnection(Path(parts.path))
        case _:
            raise ValueError(f"unknown printer connection scheme in {url!r}")
