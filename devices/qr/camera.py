"""The real QR reader: an OpenCV camera read on one worker thread.

The worker grabs frames, keeps a small preview for the aiming view, decodes every Nth frame with
the shared decoder and hands new payloads (raw bytes) to the callback. A camera that cannot be
opened or stops giving frames makes the reader DISCONNECTED; it then retries by itself with a
capped, growing delay, so plugging the camera back in is all a technician has to do.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image

from devices.qr.capture import FrameSource, Source, SourceOpener, is_file_source, open_opencv
from devices.qr.decode import decode_image
from devices.qr.dedup import DuplicateFilter
from devices.status import DeviceStatus, Health

_log = logging.getLogger(__name__)

Decoder = Callable[[np.ndarray[Any, Any]], list[bytes]]


@dataclass(frozen=True)
class Backoff:
    """Delays between attempts to reopen a missing camera: ``initial_s`` doubling up to ``max_s``."""

    initial_s: float = 0.5
    max_s: float = 10.0

    def next(self, delay_s: float) -> float:
        """The delay after one of ``delay_s``."""
        return min(self.max_s, delay_s * 2)


@dataclass(frozen=True)
class CameraSettings:
    """How the reader drives the camera; defaults suit a 720p USB webcam at 30 fps."""

    decode_every: int = 1  # decode one frame in N (raise it on a slow kiosk PC)
    duplicate_window_s: float = 3.0
    preview_width: int = 480
    backoff: Backoff = Backoff()
    join_timeout_s: float = 5.0


class OpenCvQrReader:
    """A ``QrReader`` over an OpenCV source: device index, V4L2 path, video or image file.

    ``opener``, ``decoder``, ``clock`` and ``wait`` are seams for tests: a fake source that
    unplugs, a clock for the duplicate window, and the worker's wait between reconnects (given
    the delay, returns True when the reader is stopping).
    """

    def __init__(
        self,
        source: Source,
        settings: CameraSettings = CameraSettings(),
        *,
        opener: SourceOpener = open_opencv,
        decoder: Decoder = decode_image,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[float], bool] | None = None,
    ) -> None:
        if settings.decode_every < 1:
            raise ValueError("decode_every must be at least 1")
        self._source = source
        self._settings = settings
        self._opener = opener
        self._decoder = decoder
        self._clock = clock
        self._stopping = threading.Event()
        self._wait = wait if wait is not None else self._stopping.wait
        self._lock = threading.Lock()
        self._health = Health(DeviceStatus.UNKNOWN, "not started")
        self._preview: Image.Image | None = None
        self._thread: threading.Thread | None = None
        self._is_file = is_file_source(source)

    def start(self, on_payload: Callable[[bytes], None]) -> None:
        """Start the worker thread; payloads reach ``on_payload`` on that thread."""
        if self._thread is not None:
            raise RuntimeError("reader already started")
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._run, args=(on_payload,), name="qr-camera", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker and wait for it (bounded); the camera is released by the worker."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(self._settings.join_timeout_s)
            if thread.is_alive():
                _log.warning("qr camera worker did not stop within %.1f s", self._settings.join_timeout_s)
        self._set_health(DeviceStatus.UNKNOWN, "stopped")

    def health(self) -> Health:
        with self._lock:
            return self._health

    def preview(self) -> Image.Image | None:
        """The latest frame, downscaled, RGB; None until the first frame arrives."""
        with self._lock:
            return self._preview

    def _set_health(self, status: DeviceStatus, detail: str) -> None:
        with self._lock:
            self._health = Health(status, detail)

    def _run(self, on_payload: Callable[[bytes], None]) -> None:
        duplicates = DuplicateFilter(self._settings.duplicate_window_s, self._clock)
        delay = self._settings.backoff.initial_s
        while not self._stopping.is_set():
            try:
                frames = self._opener(self._source)
            except OSError as exc:
                self._set_health(DeviceStatus.DISCONNECTED, f"cannot open camera: {exc}")
                if self._wait(delay):
                    return
                delay = self._settings.backoff.next(delay)
                continue
            delay = self._settings.backoff.initial_s
            self._set_health(DeviceStatus.READY, "capturing")
            lost = "camera stopped giving frames"
            try:
                ended = self._pump(frames, duplicates, on_payload)
            except (OSError, cv2.error) as exc:  # a driver error mid-read is an unplug too
                ended, lost = False, f"camera read failed: {exc}"
            finally:
                frames.release()
            if ended:  # a recording has nothing more to show; the thread is done
                self._set_health(DeviceStatus.READY, "end of file")
                return
            if self._stopping.is_set():
                return
            self._set_health(DeviceStatus.DISCONNECTED, lost)
            if self._wait(delay):
                return
            delay = self._settings.backoff.next(delay)

    def _pump(
        self,
        frames: FrameSource,
        duplicates: DuplicateFilter,
        on_payload: Callable[[bytes], None],
    ) -> bool:
        """Read until stopped or the source fails; True when a file source simply ended."""
        count = 0
        while not self._stopping.is_set():
            frame = frames.read()
            if frame is None:
                return self._is_file
            self._keep_preview(frame)
            count += 1
            if count % self._settings.decode_every:
                continue
            for payload in self._decoder(frame):
                if duplicates.admit(payload):
                    self._deliver(on_payload, payload)
        return False

    def _keep_preview(self, frame: np.ndarray[Any, Any]) -> None:
        height, width = frame.shape[:2]
        target = self._settings.preview_width
        if width > target:
            size = (target, max(1, height * target // width))
            frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) if frame.ndim == 3 else frame
        image = Image.fromarray(np.ascontiguousarray(rgb))
        with self._lock:
            self._preview = image

    @staticmethod
    def _deliver(on_payload: Callable[[bytes], None], payload: bytes) -> None:
        try:
            on_payload(payload)
        except Exception:  # a failing consumer must not kill the camera thread
            _log.exception("qr payload callback failed")
