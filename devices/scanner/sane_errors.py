"""Reading ``scanimage``'s failures as device statuses.

``scanimage`` reports SANE failures twice: as its exit code (the SANE_Status number) and as the
backend-independent text of ``sane_strstatus`` on stderr. The text is the more reliable of the two
(a failed ``open`` exits with 1 whatever the cause), so it is read first and the exit code is the
fallback. Only the last such line counts: earlier lines are progress chatter.
"""

from __future__ import annotations

from devices.status import DeviceStatus

# sane_strstatus() texts, stable across SANE releases and backends.
_TEXT_TO_STATUS: tuple[tuple[str, DeviceStatus], ...] = (
    ("Document feeder jammed", DeviceStatus.JAMMED),
    ("Document feeder out of documents", DeviceStatus.FEEDER_EMPTY),
    ("Scanner cover is open", DeviceStatus.COVER_OPEN),
    ("Device busy", DeviceStatus.BUSY),
    ("Error during device I/O", DeviceStatus.ERROR),
    ("Access to resource has been denied", DeviceStatus.ERROR),
    ("Out of memory", DeviceStatus.ERROR),
    ("Lamp not ready", DeviceStatus.BUSY),
    ("Scanner mechanism locked", DeviceStatus.ERROR),
    ("Operation was cancelled", DeviceStatus.ERROR),
    ("Operation not supported", DeviceStatus.ERROR),
    ("Invalid argument", DeviceStatus.ERROR),
)

# SANE_Status numbers as scanimage's exit code.
_CODE_TO_STATUS: dict[int, DeviceStatus] = {
    3: DeviceStatus.BUSY,
    6: DeviceStatus.JAMMED,
    7: DeviceStatus.FEEDER_EMPTY,
    8: DeviceStatus.COVER_OPEN,
    9: DeviceStatus.ERROR,
    10: DeviceStatus.ERROR,
    11: DeviceStatus.ERROR,
}


# What scanimage's signal handler prints. A backend's reader thread writing into a pipe that is
# already closed raises SIGPIPE after the real status was printed, and the handler then exits 0.
_SIGNAL_CHATTER = ("received signal", "trying to stop scanner", "aborting")


def last_error_line(stderr: str) -> str:
    """The last ``scanimage: ...`` line that is not signal-handler chatter."""
    lines = [
        ln.strip()
        for ln in stderr.splitlines()
        if ln.startswith("scanimage:") and not any(c in ln for c in _SIGNAL_CHATTER)
    ]
    return lines[-1] if lines else ""


def status_from_scanimage(returncode: int, stderr: str) -> tuple[DeviceStatus, str]:
    """Map a finished ``scanimage`` run to a status and a technician-facing detail.

    ``FEEDER_EMPTY`` is also how a complete feeder batch ends; the caller, who knows whether any
    page came through, tells the two apart. A device that cannot be opened is DISCONNECTED
    (unplugged, powered off, wrong name), except when it is busy (another program holds it) or
    access is denied (udev rules missing), which a technician fixes differently.
    """
    line = last_error_line(stderr)
    detail = line.removeprefix("scanimage:").strip()
    if "no SANE devices found" in stderr:
        return DeviceStatus.DISCONNECTED, "no SANE devices found"
    if line.startswith("scanimage: open of device"):
        return _open_failure(line, detail)
    # The text wins even over exit code 0, which scanimage also uses after a signal.
    for text, status in _TEXT_TO_STATUS:
        if text in line:
            return status, detail
    if "scanimage: aborting" in stderr:
        return DeviceStatus.ERROR, "scanimage was stopped by a signal"
    if returncode == 0:
        return DeviceStatus.READY, detail
    status = _CODE_TO_STATUS.get(returncode, DeviceStatus.ERROR)
    return status, detail or f"scanimage exited with {returncode}"


def _open_failure(line: str, detail: str) -> tuple[DeviceStatus, str]:
    if "Device busy" in line:
        return DeviceStatus.BUSY, detail
    if "Access to resource has been denied" in line:
        return DeviceStatus.ERROR, f"{detail} (check the udev rules and the kiosk group)"
    return DeviceStatus.DISCONNECTED, detail
