"""Frame sources for the QR camera: a webcam by index or V4L2 path, a video file, or a still.

The reader talks to a small ``FrameSource`` seam rather than to ``cv2.VideoCapture`` directly,
so tests can feed real video files through the real path and inject a source that fails the
way an unplugged USB camera does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

Source = int | str | Path

_STILL_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"})


class FrameSource(Protocol):
    """An opened source of BGR frames."""

    def read(self) -> np.ndarray[Any, Any] | None:
        """The next frame, or None when the source failed or ran out."""
        ...

    def release(self) -> None: ...


SourceOpener = Callable[[Source], FrameSource]
"""Opens a source or raises ``OSError`` when it is not there (camera unplugged, file missing)."""


def is_file_source(source: Source) -> bool:
    """A recorded file ends; a camera that stops giving frames has gone away."""
    if isinstance(source, int):
        return False
    path = Path(source)
    return not str(path).startswith("/dev/") and path.is_file()


class _VideoCaptureSource:
    def __init__(self, capture: cv2.VideoCapture) -> None:
        self._capture = capture

    def read(self) -> np.ndarray[Any, Any] | None:
        ok, frame = self._capture.read()
        return np.asarray(frame) if ok and frame is not None else None

    def release(self) -> None:
        self._capture.release()


class _StillSource:
    """A single image, handed out once: lets an image file drive the reader like a camera."""

    def __init__(self, frame: np.ndarray[Any, Any]) -> None:
        self._frame: np.ndarray[Any, Any] | None = frame

    def read(self) -> np.ndarray[Any, Any] | None:
        frame, self._frame = self._frame, None
        return frame

    def release(self) -> None:
        self._frame = None


def open_opencv(source: Source) -> FrameSource:
    """Open a webcam (index or ``/dev/video*``), a video file or an image file with OpenCV."""
    if not isinstance(source, int) and Path(source).suffix.lower() in _STILL_SUFFIXES:
        frame = cv2.imread(str(source), cv2.IMREAD_COLOR)
        if frame is None:
            raise OSError(f"cannot read image {source}")
        return _StillSource(np.asarray(frame))
    if isinstance(source, int) or str(source).startswith("/dev/"):
        capture = cv2.VideoCapture(source if isinstance(source, int) else str(source), cv2.CAP_V4L2)
        if capture.isOpened():
            # the latest frame, not a queue of stale ones, is what the aiming view needs
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, 1280)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, 720)
    else:
        capture = cv2.VideoCapture(str(source))
    if not capture.isOpened():
        capture.release()
        raise OSError(f"cannot open camera source {source}")
    return _VideoCaptureSource(capture)
