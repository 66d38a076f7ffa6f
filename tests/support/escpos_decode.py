"""Parse the ESC/POS subset we emit back into commands and a raster image.

Test-only: the kiosk never decodes its own slips. Tests use it to prove the bytes are what a
printer would print (decode, then read the QR), and the loopback test printer uses it to follow a
stream and answer real-time status requests.
Unknown bytes raise: silently skipping them would hide a corrupt slip.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PIL import Image

ESC = 0x1B
GS = 0x1D
DLE = 0x10
EOT = 0x04


class CommandKind(StrEnum):
    INIT = "init"
    RASTER = "raster"
    FEED = "feed"
    CUT = "cut"
    STATUS_REQUEST = "status_request"


@dataclass(frozen=True)
class Command:
    """One parsed command; ``raw`` is its exact bytes."""

    kind: CommandKind
    raw: bytes
    width_bytes: int = 0
    height: int = 0
    mode: int = 0
    data: bytes = b""
    arg: int = 0


class EscposDecodeError(ValueError):
    """The bytes are not the ESC/POS subset a slip consists of."""


_FIXED: dict[bytes, tuple[CommandKind, int]] = {
    b"\x1b@": (CommandKind.INIT, 2),
    b"\x1bd": (CommandKind.FEED, 3),
    b"\x10\x04": (CommandKind.STATUS_REQUEST, 3),
    b"\n": (CommandKind.FEED, 1),
}


def _raster_at(data: bytes, i: int) -> Command | None:
    if len(data) - i < 8:
        return None
    if data[i + 2] != ord("0"):
        raise EscposDecodeError(f"GS v {data[i + 2]:#x} at {i} is not raster")
    width_bytes = data[i + 4] | data[i + 5] << 8
    height = data[i + 6] | data[i + 7] << 8
    end = i + 8 + width_bytes * height
    if len(data) < end:
        return None
    return Command(
        CommandKind.RASTER,
        data[i:end],
        width_bytes=width_bytes,
        height=height,
        mode=data[i + 3],
        data=data[i + 8 : end],
    )


def _cut_at(data: bytes, i: int) -> Command | None:
    if len(data) - i < 3:
        return None
    size = 4 if data[i + 2] in (65, 66) else 3
    if len(data) - i < size:
        return None
    return Command(CommandKind.CUT, data[i : i + size], arg=data[i + 2])


def _command_at(data: bytes, i: int) -> Command | None:
    """Parse one command at ``i``; None when the buffer ends inside it."""
    prefix = data[i : i + 2]
    if len(prefix) < 2 and data[i] in (ESC, GS, DLE):
        return None
    if prefix == b"\x1dv":
        return _raster_at(data, i)
    if prefix == b"\x1dV":
        return _cut_at(data, i)
    for key in (prefix, prefix[:1]):
        if key in _FIXED:
            kind, size = _FIXED[key]
            if len(data) - i < size:
                return None
            raw = data[i : i + size]
            return Command(kind, raw, arg=raw[-1] if size == 3 else 1)
    raise EscposDecodeError(f"unexpected bytes {prefix!r} at offset {i}")


def parse_stream(data: bytes) -> tuple[list[Command], int]:
    """Parse as many whole commands as ``data`` holds; returns them and the bytes consumed."""
    commands: list[Command] = []
    i = 0
    while i < len(data):
        command = _command_at(data, i)
        if command is None:
            break
        commands.append(command)
        i += len(command.raw)
    return commands, i


def parse_commands(data: bytes) -> list[Command]:
    """Parse a complete job; a truncated trailing command is an error."""
    commands, used = parse_stream(data)
    if used != len(data):
        raise EscposDecodeError(f"truncated command at offset {used} of {len(data)}")
    return commands


def raster_image(commands: list[Command]) -> Image.Image:
    """Stack every GS v 0 fragment into one "1" image (black = 0), as paper would show it."""
    rasters = [c for c in commands if c.kind is CommandKind.RASTER]
    if not rasters:
        raise EscposDecodeError("no raster image in the job")
    width_bytes = rasters[0].width_bytes
    if any(c.width_bytes != width_bytes for c in rasters):
        raise EscposDecodeError("raster fragments differ in width")
    height = sum(c.height for c in rasters)
    inverted = Image.frombytes("1", (width_bytes * 8, height), b"".join(c.data for c in rasters))
    return inverted.point(lambda v: 0 if v else 255, mode="1")
