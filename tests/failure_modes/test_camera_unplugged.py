"""Fault: the USB camera is pulled out mid-read, then plugged back in.

The reader must say DISCONNECTED (so the screen can ask for help instead of waiting for a card
forever), keep trying by itself, and read cards again once the camera is back, without the
kiosk restarting anything. The camera is a fake source injected through the opener seam; the
frames it serves are real rendered CCCD codes decoded by the real decoder.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from devices.qr.camera import Backoff, CameraSettings, OpenCvQrReader
from devices.qr.capture import Source
from devices.status import DeviceStatus, Health
from tests.data.qr.scenes import CCCD_DANG, CCCD_HUYNH, scene

WAIT_S = 20.0
BLANK = scene(None, size=(320, 240))


class UsbPort:
    """Where the fake camera is plugged; the test pulls and replugs it."""

    def __init__(self, frames: list[np.ndarray[Any, Any]], *, raises: bool = False) -> None:
        self.plugged = True
        self.frames = frames
        self.opens = 0
        self.raises = raises  # some drivers raise on a read after the unplug

    def open(self, source: Source) -> FakeCamera:
        if not self.plugged:
            raise OSError(f"no such device {source}")
        self.opens += 1
        return FakeCamera(self, list(self.frames))


class FakeCamera:
    """Serves its frames, then blank frames; after an unplug, reads fail like V4L2's do."""

    def __init__(self, port: UsbPort, frames: list[np.ndarray[Any, Any]]) -> None:
        self._port = port
        self._frames = frames

    def read(self) -> np.ndarray[Any, Any] | None:
        if not self._port.plugged:
            if self._port.raises:
                raise OSError("[Errno 19] No such device")
            return None
        return self._frames.pop(0) if self._frames else BLANK

    def release(self) -> None:
        self._frames = []


class Retries:
    """The worker's wait between reconnect attempts: records each and holds it until let go."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self._let_go = 0
        self._changed = threading.Condition()

    def __call__(self, delay: float) -> bool:
        with self._changed:
            self.delays.append(delay)
            attempt = len(self.delays)
            self._changed.notify_all()
            released = self._changed.wait_for(lambda: self._let_go >= attempt, WAIT_S)
        return not released  # nobody let us go: give up as if stopped

    def reached(self, attempt: int) -> bool:
        """Wait (bounded) until the worker is in its ``attempt``-th wait."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.delays) >= attempt, WAIT_S)

    def let_go(self) -> None:
        with self._changed:
            self._let_go += 1
            self._changed.notify_all()

    def let_all_go(self) -> None:
        with self._changed:
            self._let_go = 10**6
            self._changed.notify_all()


@pytest.fixture
def retries() -> Iterator[Retries]:
    waits = Retries()
    yield waits
    waits.let_all_go()


def test_unplug_mid_read_disconnects_then_reconnects_by_itself(retries: Retries) -> None:
    huynh = scene(CCCD_HUYNH, size=(320, 240), module_px=3, at=(30, 30))
    dang = scene(CCCD_DANG, size=(320, 240), module_px=3, at=(30, 30))
    port = UsbPort([huynh, huynh])
    payloads: list[bytes] = []
    first_read, second_read = threading.Event(), threading.Event()

    def on_payload(payload: bytes) -> None:
        payloads.append(payload)
        (second_read if first_read.is_set() else first_read).set()

    settings = CameraSettings(backoff=Backoff(initial_s=0.5, max_s=4.0))
    reader = OpenCvQrReader("/dev/video0", settings, opener=port.open, wait=retries)
    reader.start(on_payload)
    try:
        assert first_read.wait(WAIT_S)
        assert reader.health().status is DeviceStatus.READY

        port.plugged = False  # pulled out while frames are streaming
        assert retries.reached(1)
        assert reader.health().status is DeviceStatus.DISCONNECTED
        assert reader.health().detail == "camera stopped giving frames"

        retries.let_go()  # first retry: still unplugged, so the open fails
        assert retries.reached(2)
        assert reader.health().status is DeviceStatus.DISCONNECTED
        assert reader.health().detail.startswith("cannot open camera")

        port.frames = [dang, dang]
        port.plugged = True  # back in: the next retry opens it
        retries.let_go()
        assert second_read.wait(WAIT_S)
        assert reader.health().status is DeviceStatus.READY
    finally:
        reader.stop()

    assert payloads == [CCCD_HUYNH.encode("utf-8"), CCCD_DANG.encode("utf-8")]
    assert payloads[1].decode("utf-8").split("|")[2] == "ĐẶNG MINH PHƯỚC"
    assert retries.delays == [0.5, 1.0]
    assert port.opens == 2
    assert reader.health().status is DeviceStatus.UNKNOWN


def test_driver_error_on_read_counts_as_unplugged(retries: Retries) -> None:
    port = UsbPort([scene(CCCD_HUYNH, size=(320, 240), module_px=3, at=(30, 30))], raises=True)
    payloads: list[bytes] = []
    first, second = threading.Event(), threading.Event()

    def on_payload(payload: bytes) -> None:
        payloads.append(payload)
        (second if first.is_set() else first).set()

    reader = OpenCvQrReader("/dev/video0", opener=port.open, wait=retries)
    reader.start(on_payload)
    try:
        assert first.wait(WAIT_S)
        port.plugged = False
        assert retries.reached(1)
        expected = Health(DeviceStatus.DISCONNECTED, "camera read failed: [Errno 19] No such device")
        assert reader.health() == expected
        port.frames = [scene(CCCD_DANG, size=(320, 240), module_px=3, at=(30, 30))]
        port.plugged = True
        retries.let_go()
        assert second.wait(WAIT_S)
        assert reader.health().status is DeviceStatus.READY
    finally:
        reader.stop()
    assert payloads == [CCCD_HUYNH.encode("utf-8"), CCCD_DANG.encode("utf-8")]


def test_camera_missing_at_start_backs_off_to_the_cap_and_comes_up_when_plugged(retries: Retries) -> None:
    port = UsbPort([scene(CCCD_HUYNH, size=(320, 240), module_px=3, at=(30, 30))])
    port.plugged = False
    read = threading.Event()

    settings = CameraSettings(backoff=Backoff(initial_s=0.25, max_s=2.0))
    reader = OpenCvQrReader(2, settings, opener=port.open, wait=retries)
    reader.start(lambda payload: read.set())
    try:
        for attempt in range(1, 7):
            assert retries.reached(attempt)
            assert reader.health().status is DeviceStatus.DISCONNECTED
            if attempt < 6:
                retries.let_go()
        port.plugged = True
        retries.let_go()
        assert read.wait(WAIT_S)
        assert reader.health().status is DeviceStatus.READY
    finally:
        reader.stop()

    assert retries.delays == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]


def test_stop_while_waiting_to_reconnect_returns_promptly() -> None:
    port = UsbPort([])
    port.plugged = False
    settings = CameraSettings(backoff=Backoff(initial_s=600.0, max_s=600.0), join_timeout_s=WAIT_S)
    reader = OpenCvQrReader(0, settings, opener=port.open)  # the real wait: an Event with a timeout
    reader.start(lambda payload: None)
    thread = reader._thread
    assert thread is not None

    reader.stop()  # must not sit out the 600 s delay

    assert not thread.is_alive()

