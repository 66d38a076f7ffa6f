"""ESC/POS real-time status (DLE EOT n): the requests and what the answer bytes mean.

We ask for the offline cause (n=2) and the paper sensor (n=4); printers that answer at all
answer these. Bits follow the Epson ESC/POS reference; a byte whose fixed bits are wrong is
not a status answer and is treated as no answer.
"""

from __future__ import annotations

from devices.status import DeviceStatus, Health

OFFLINE_CAUSE_REQUEST = b"\x10\x04\x02"
PAPER_SENSOR_REQUEST = b"\x10\x04\x04"
STATUS_REQUEST = OFFLINE_CAUSE_REQUEST + PAPER_SENSOR_REQUEST

COVER_OPEN_BIT = 0x04
PAPER_END_STOP_BIT = 0x20
ERROR_BIT = 0x40
PAPER_NEAR_END_BITS = 0x0C
PAPER_END_BITS = 0x60
_FIXED_MASK = 0x93
_FIXED_VALUE = 0x12
STATUS_OK = _FIXED_VALUE


def is_status_byte(value: int) -> bool:
    """Bits 1 and 4 set, bits 0 and 7 clear: the shape of every DLE EOT answer."""
    return value & _FIXED_MASK == _FIXED_VALUE


def interpret(offline_cause: int, paper_sensor: int) -> Health:
    """Map the two answer bytes to one status, most actionable cause first."""
    if not (is_status_byte(offline_cause) and is_status_byte(paper_sensor)):
        return Health(DeviceStatus.UNKNOWN, f"not a status answer: {offline_cause:#04x} {paper_sensor:#04x}")
    if offline_cause & COVER_OPEN_BIT:
        return Health(DeviceStatus.COVER_OPEN, "cover open")
    if paper_sensor & PAPER_END_BITS or offline_cause & PAPER_END_STOP_BIT:
        return Health(DeviceStatus.NO_PAPER, "paper end")
    if offline_cause & ERROR_BIT:
        return Health(DeviceStatus.ERROR, "printer reports an error")
    if paper_sensor & PAPER_NEAR_END_BITS:
        return Health(DeviceStatus.READY, "paper near end")
    return Health(DeviceStatus.READY)
