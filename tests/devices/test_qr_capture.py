"""Opening camera sources: files end, cameras go away, and both fail as OSError."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.qr.capture import is_file_source, open_opencv
from tests.data.qr.scenes import CCCD_HUYNH, scene, write_mjpg


def test_video_file_gives_its_frames_then_none(tmp_path: Path) -> None:
    video = write_mjpg(tmp_path / "v.avi", [scene(CCCD_HUYNH)] * 4)
    source = open_opencv(video)
    try:
        frames = [source.read() for _ in range(5)]
    finally:
        source.release()

    assert [f is not None for f in frames] == [True, True, True, True, False]
    first = frames[0]
    assert first is not None
    assert first.shape == (480, 640, 3)


def test_still_image_is_one_frame(tmp_path: Path) -> None:
    path = tmp_path / "card.jpg"
    assert cv2.imwrite(str(path), scene(None))
    source = open_opencv(path)

    first, second = source.read(), source.read()

    assert isinstance(first, np.ndarray)
    assert second is None


@pytest.mark.parametrize("name", ["missing.avi", "missing.png"])
def test_missing_files_fail_as_oserror(tmp_path: Path, name: str) -> None:
    with pytest.raises(OSError, match="cannot"):
        open_opencv(tmp_path / name)


def test_files_end_but_cameras_and_missing_paths_are_cameras(tmp_path: Path) -> None:
    video = write_mjpg(tmp_path / "v.avi", [scene(None)])

    assert is_file_source(video)
    assert is_file_source(str(video))
    assert not is_file_source(0)
    assert not is_file_source("/dev/video0")
    assert not is_file_source(tmp_path / "not-yet-there.avi")
