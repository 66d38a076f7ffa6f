"""The OpenCV camera reader, fed real MJPG video and image files through its real path."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

from devices.qr.camera import Backoff, CameraSettings, OpenCvQrReader
from devices.qr.decode import decode_image
from devices.qr.dedup import DuplicateFilter
from devices.status import DeviceStatus
from tests.data.qr.scenes import CCCD_DANG, CCCD_HUYNH, scene, write_mjpg

WAIT_S = 20.0


class Collector:
    """Collects payloads on the worker thread; the test waits for a count, never sleeps."""

    def __init__(self, expected: int) -> None:
        self.payloads: list[bytes] = []
        self._expected = expected
        self.done = threading.Event()

    def __call__(self, payload: bytes) -> None:
        self.payloads.append(payload)
        if len(self.payloads) >= self._expected:
            self.done.set()


@pytest.fixture
def reader_cleanup() -> Iterator[list[OpenCvQrReader]]:
    readers: list[OpenCvQrReader] = []
    yield readers
    for reader in readers:
        reader.stop()


def run_to_end(reader: OpenCvQrReader, collector: Collector) -> None:
    """Start, let a file source play out (its worker thread ends), and stop."""
    reader.start(collector)
    thread = reader._thread
    assert thread is not None
    thread.join(WAIT_S)
    assert not thread.is_alive()
    assert reader.health().detail == "end of file"
    reader.stop()


def test_video_file_delivers_each_card_once_as_exact_utf8(tmp_path: Path) -> None:
    blank, huynh, dang = scene(None), scene(CCCD_HUYNH), scene(CCCD_DANG, at=(300, 60))
    video = write_mjpg(tmp_path / "cards.avi", [blank] * 3 + [huynh] * 8 + [blank] * 3 + [dang] * 8)
    collector = Collector(2)
    reader = OpenCvQrReader(video, CameraSettings(duplicate_window_s=60.0))

    run_to_end(reader, collector)

    assert collector.payloads == [CCCD_HUYNH.encode("utf-8"), CCCD_DANG.encode("utf-8")]
    assert [p.decode("utf-8") for p in collector.payloads] == [CCCD_HUYNH, CCCD_DANG]


def test_same_card_again_after_the_window_is_read_again(tmp_path: Path) -> None:
    huynh, blank = scene(CCCD_HUYNH), scene(None)
    video = write_mjpg(tmp_path / "again.avi", [huynh] * 3 + [blank] * 2 + [huynh] * 3)
    now = [0.0]

    def decode_ten_seconds_apart(frame: np.ndarray[Any, Any]) -> list[bytes]:
        now[0] += 10.0  # each frame arrives ten seconds after the last on the injected clock
        return decode_image(frame)

    collector = Collector(2)
    settings = CameraSettings(duplicate_window_s=15.0)
    reader = OpenCvQrReader(video, settings, decoder=decode_ten_seconds_apart, clock=lambda: now[0])
    run_to_end(reader, collector)

    # frames 1-3 are sightings 10 s apart (within the window: one read); across the two blank
    # frames the gap is 30 s, longer than the window, so the card reads again
    assert collector.payloads == [CCCD_HUYNH.encode("utf-8")] * 2


def test_preview_is_a_downscaled_rgb_frame(tmp_path: Path) -> None:
    frame = scene(CCCD_HUYNH, size=(1280, 720))
    frame[:, :, 2] = 255  # strong red in BGR: must come out as red in the RGB preview
    video = write_mjpg(tmp_path / "preview.avi", [frame] * 3)
    reader = OpenCvQrReader(video, CameraSettings(preview_width=320))
    assert reader.preview() is None

    run_to_end(reader, Collector(1))

    preview = reader.preview()
    assert isinstance(preview, Image.Image)
    assert preview.mode == "RGB"
    assert preview.size == (320, 180)
    pixel = preview.getpixel((1, 1))  # the desk, outside the card
    assert isinstance(pixel, tuple)
    red, _, blue = pixel[:3]
    assert red > 200 > blue


def test_image_file_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    assert cv2.imwrite(str(path), scene(CCCD_DANG))
    collector = Collector(1)

    run_to_end(OpenCvQrReader(path), collector)

    assert collector.payloads == [CCCD_DANG.encode("utf-8")]


def test_decodes_only_every_nth_frame(tmp_path: Path) -> None:
    video = write_mjpg(tmp_path / "nth.avi", [scene(None)] * 9)
    calls: list[tuple[int, ...]] = []

    def counting_decoder(frame: np.ndarray[Any, Any]) -> list[bytes]:
        calls.append(frame.shape)
        return []

    reader = OpenCvQrReader(video, CameraSettings(decode_every=3), decoder=counting_decoder)
    run_to_end(reader, Collector(1))

    assert len(calls) == 3


@pytest.mark.log_warnings_expected
def test_a_failing_callback_does_not_stop_the_camera(tmp_path: Path) -> None:
    video = write_mjpg(tmp_path / "two.avi", [scene(CCCD_HUYNH)] * 3 + [scene(CCCD_DANG, at=(300, 60))] * 3)
    seen: list[bytes] = []

    def flaky(payload: bytes) -> None:
        seen.append(payload)
        if len(seen) == 1:
            raise RuntimeError("consumer bug")

    reader = OpenCvQrReader(video)
    reader.start(flaky)
    thread = reader._thread
    assert thread is not None
    thread.join(WAIT_S)
    reader.stop()

    assert seen == [CCCD_HUYNH.encode("utf-8"), CCCD_DANG.encode("utf-8")]


def test_missing_camera_is_disconnected_and_retried_with_capped_backoff(tmp_path: Path) -> None:
    delays: list[float] = []
    gave_up = threading.Event()

    def wait(delay: float) -> bool:  # the worker's pause between attempts, without sleeping
        delays.append(delay)
        if len(delays) >= 6:
            gave_up.set()
            return True  # as if stop() had been called
        return False

    settings = CameraSettings(backoff=Backoff(0.5, 3.0))
    reader = OpenCvQrReader(tmp_path / "no-such-camera.avi", settings, wait=wait)
    reader.start(Collector(1))
    assert gave_up.wait(WAIT_S)

    assert reader.health().status is DeviceStatus.DISCONNECTED
    assert "cannot open camera" in reader.health().detail
    assert delays == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    reader.stop()
    assert reader.health().status is DeviceStatus.UNKNOWN


class EndlessCamera:
    """A camera that never runs out of (blank) frames."""

    def __init__(self) -> None:
        self.released = threading.Event()

    def read(self) -> np.ndarray[Any, Any] | None:
        return np.zeros((48, 64, 3), np.uint8)

    def release(self) -> None:
        self.released.set()


def test_stop_joins_a_camera_that_keeps_streaming() -> None:
    camera = EndlessCamera()
    streaming = threading.Event()

    def decoder(frame: np.ndarray[Any, Any]) -> list[bytes]:
        streaming.set()
        return []

    reader = OpenCvQrReader(0, opener=lambda source: camera, decoder=decoder)
    reader.start(Collector(1))
    assert streaming.wait(WAIT_S)
    assert reader.health().status is DeviceStatus.READY

    reader.stop()

    assert camera.released.is_set()
    assert reader._thread is None


def test_start_twice_is_refused() -> None:
    def absent(source: object) -> EndlessCamera:
        raise OSError("absent")

    reader = OpenCvQrReader(0, opener=absent, wait=lambda delay: True)
    reader.start(Collector(1))
    with pytest.raises(RuntimeError, match="already started"):
        reader.start(Collector(1))
    reader.stop()


def test_duplicate_filter_refreshes_on_every_sighting() -> None:
    now = [0.0]
    dup = DuplicateFilter(window_s=3.0, clock=lambda: now[0])

    results = []
    for t in (0.0, 2.0, 4.0, 6.0, 9.5, 10.0):  # seen every 2 s: one read; then a 3.5 s gap
        now[0] = t
        results.append(dup.admit(b"A"))

    assert results == [True, False, False, False, True, False]
    assert dup.admit(b"B") is True
