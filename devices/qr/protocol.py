"""The QR reader seam: real cameras and the simulator both satisfy it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PIL import Image

from devices.status import Health


class QrReader(Protocol):
    """Reads QR payloads on its own worker thread and hands raw bytes to a callback.

    Raw bytes, because charset guessing garbles Vietnamese; decoding text is the caller's job.
    Duplicate reads of the same payload are suppressed by the reader.
    """

    def start(self, on_payload: Callable[[bytes], None]) -> None: ...

    def stop(self) -> None: ...

    def health(self) -> Health: ...

    def preview(self) -> Image.Image | None: ...
