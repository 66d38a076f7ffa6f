"""QR readers (camera and simulated) behind one protocol."""

from devices.qr.protocol import QrReader

__all__ = ["QrReader"]
