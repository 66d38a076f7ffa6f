"""A QR reader without a camera: tests and the demo inject payloads through ``.control``.

It runs a real worker thread like the camera backend does, so callers meet the same threading
(callbacks arrive off the caller's thread) and the same duplicate suppression.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from PIL import Image, ImageDraw

from devices.receipt.qr_image import qr_image
from devices.status import DeviceStatus, Health

_POLL_S = 0.02
_FRAME_SIZE = (640, 480)


class SimulatedQrControl:
    """Test handle: inject payloads, unplug and plug the simulated camera."""

    def __init__(self, reader: SimulatedQrReader) -> None:
        self._reader = reader

    def inject(self, payload: bytes) -> None:
        """Show a QR to the camera; dropped when unplugged, like a real unplugged camera."""
        self._reader._inject(payload)

    def unplug(self) -> None:
        self._reader._set_plugged(False)

    def plug(self) -> None:
        self._reader._set_plugged(True)

    def wait_drained(self, timeout_s: float) -> bool:
        """Wait until every injected payload has been delivered or suppressed."""
        return self._reader._wait_drained(timeout_s)


class SimulatedQrReader:
    """Delivers injected payloads on a worker thread, suppressing repeats within a window."""

    def __init__(
        self,
        *,
        duplicate_window_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        stop_timeout_s: float = 2.0,
    ) -> None:
        self._window_s = duplicate_window_s
        self._clock = clock
        self._stop_timeout_s = stop_timeout_s
        self._lock = threading.Lock()
        self._drained = threading.Condition(self._lock)
        self._pending = 0
        self._plugged = True
        self._last_shown: bytes | None = None
        self._last_delivered: tuple[bytes, float] | None = None
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.control = SimulatedQrControl(self)

    def start(self, on_payload: Callable[[bytes], None]) -> None:
        """Start the worker thread; a second start without stop is a programming error."""
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("SimulatedQrReader already started")
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, args=(on_payload,), name="qr-simulated", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        thread.join(self._stop_timeout_s)
        if thread.is_alive():
            raise TimeoutError("QR worker did not stop in time")

    def health(self) -> Health:
        with self._lock:
            if self._plugged:
                return Health(DeviceStatus.READY)
            return Health(DeviceStatus.DISCONNECTED, "simulated camera unplugged")

    def preview(self) -> Image.Image | None:
        """A synthetic camera frame showing the last QR held up, for the aiming view."""
        with self._lock:
            if not self._plugged:
                return None
            shown = self._last_shown
        frame = Image.new("RGB", _FRAME_SIZE, (96, 104, 112))
        draw = ImageDraw.Draw(frame)
        draw.rectangle((160, 80, 480, 400), outline=(255, 255, 255), width=3)
        if shown is not None:
            code = qr_image(shown, module_dots=4).convert("RGB")
            if code.width > 300:
                code = code.resize((300, 300), Image.Resampling.NEAREST)
            frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
        return frame

    def _inject(self, payload: bytes) -> None:
        with self._lock:
            if not self._plugged:
                return
            self._last_shown = payload
            self._pending += 1
        self._queue.put(payload)

    def _set_plugged(self, plugged: bool) -> None:
        with self._lock:
            self._plugged = plugged

    def _wait_drained(self, timeout_s: float) -> bool:
        with self._drained:
            return self._drained.wait_for(lambda: self._pending == 0, timeout_s)

    def _run(self, on_payload: Callable[[bytes], None]) -> None:
        while not self._stop.is_set():
            try:
                payload = self._queue.get(timeout=_POLL_S)
            except queue.Empty:
                continue
            try:
                if self._should_deliver(payload):
                    on_payload(payload)
            finally:
                with self._drained:
                    self._pending -= 1
                    self._drained.notify_all()

    def _should_deliver(self, payload: bytes) -> bool:
        now = self._clock()
        with self._lock:
            if not self._plugged:
                return False
            last = self._last_delivered
            if last is not None and last[0] == payload and now - last[1] < self._window_s:
                return False
            self._last_delivered = (payload, now)
            return True
