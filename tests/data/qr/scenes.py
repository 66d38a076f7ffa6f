"""Small QR scenes for the camera and decoder tests: CCCD payloads drawn into BGR frames.

Frames are rendered at test time (segno draws the code, OpenCV the frame and the video file),
so the fixtures stay a few lines of code rather than binary files in the repository.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import segno

Frame = np.ndarray[Any, np.dtype[np.uint8]]

CCCD_HUYNH = (
    "012345678901|123456789|Huỳnh Thị Ánh|01021965|Nữ|"
    "Xã Tân Phú, Huyện Châu Thành, Tỉnh Đồng Tháp|15082021"
)
CCCD_DANG = (
    "094080888285|989293606|ĐẶNG MINH PHƯỚC|20101980|Nam|"
    "Thôn 2, Xã Đông Hưng, Quận 1, Tỉnh Sóc Trăng|01042022||||"
)
"""A newer card (11 fields) that zbar's charset guess turns into Shift-JIS mojibake."""


def qr_image(payload: str, module_px: int, border: int = 4) -> Frame:
    """A clean grey QR (UTF-8 byte mode, no ECI, as on the CCCD card) with a quiet zone."""
    code = segno.make(payload, error="l", micro=False, boost_error=False)
    matrix = code.matrix_iter(scale=module_px, border=border)
    rows = [[0 if dark else 255 for dark in row] for row in matrix]
    return np.array(rows, dtype=np.uint8)


def scene(payload: str | None, size: tuple[int, int] = (640, 480), module_px: int = 4,
          at: tuple[int, int] = (40, 40), blur: float = 0.0) -> Frame:
    """A grey desk with a light card and, when ``payload`` is given, its QR at ``at``."""
    width, height = size
    frame = np.full((height, width, 3), 90, np.uint8)
    cv2.rectangle(frame, (20, 20), (width - 20, height - 20), (225, 230, 235), -1)
    for row in range(6):  # printed text lines: texture that is not a code
        y = height // 2 + row * 18
        cv2.line(frame, (width // 2, y), (width - 60, y), (40, 40, 40), 3)
    if payload is not None:
        code = qr_image(payload, module_px)
        x, y = at
        frame[y : y + code.shape[0], x : x + code.shape[1]] = code[:, :, None]
    if blur > 0:
        frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), blur), np.uint8)
    return frame


def write_mjpg(path: Path, frames: Sequence[Frame], fps: float = 15.0) -> Path:
    """Write frames to an MJPG .avi, the format USB webcams deliver."""
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise OSError(f"cannot write video {path}")
    try:
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
    return path
