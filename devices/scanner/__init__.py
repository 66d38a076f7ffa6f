"""Document scanners (SANE and simulated) behind one protocol."""

from devices.scanner.protocol import Scanner, ScanOutcome, ScanSource

__all__ = ["ScanOutcome", "ScanSource", "Scanner"]
