"""The simulated QR reader: worker thread, duplicate window on an injected clock, unplug/plug."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import zxingcpp

from devices.qr.simulated import SimulatedQrReader
from devices.status import DeviceStatus
from tests.fakes import FakeClock

CCCD = "001203004217|012345678|Nguyễn Thị Ánh|01012003|Nữ|Thôn Đông, Xã Hòa Bình|15062021".encode()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)


@pytest.fixture
def reader(clock: FakeClock) -> Iterator[SimulatedQrReader]:
    made = SimulatedQrReader(duplicate_window_s=2.0, clock=clock)
    yield made
    made.stop()


def _collect(reader: SimulatedQrReader) -> tuple[list[tuple[bytes, str]], threading.Event]:
    got: list[tuple[bytes, str]] = []
    arrived = threading.Event()

    def on_payload(payload: bytes) -> None:
        got.append((payload, threading.current_thread().name))
        arrived.set()

    reader.start(on_payload)
    return got, arrived


def test_payload_arrives_on_the_worker_thread_as_exact_bytes(reader: SimulatedQrReader) -> None:
    got, arrived = _collect(reader)
    reader.control.inject(CCCD)
    assert arrived.wait(2)
    assert got == [(CCCD, "qr-simulated")]


def test_duplicates_within_the_window_are_suppressed(reader: SimulatedQrReader, clock: FakeClock) -> None:
    got, _ = _collect(reader)
    reader.control.inject(CCCD)
    reader.control.inject(CCCD)
    assert reader.control.wait_drained(2)
    clock.now += 1.9
    reader.control.inject(CCCD)
    reader.control.inject(b"other")
    assert reader.control.wait_drained(2)
    clock.now += 2.5
    reader.control.inject(CCCD)
    assert reader.control.wait_drained(2)
    assert [p for p, _ in got] == [CCCD, b"other", CCCD]


def test_unplugged_reader_is_disconnected_and_reads_nothing(reader: SimulatedQrReader) -> None:
    got, arrived = _collect(reader)
    reader.control.unplug()
    assert reader.health().status is DeviceStatus.DISCONNECTED
    assert reader.preview() is None
    reader.control.inject(CCCD)
    assert reader.control.wait_drained(2)
    assert got == []
    reader.control.plug()
    assert reader.health().status is DeviceStatus.READY
    reader.control.inject(CCCD)
    assert arrived.wait(2)
    assert [p for p, _ in got] == [CCCD]


def test_preview_shows_the_last_qr_which_decodes(reader: SimulatedQrReader) -> None:
    empty = reader.preview()
    assert empty is not None
    assert zxingcpp.read_barcodes(empty) == []
    reader.control.inject(b"HB01-000123-7")
    frame = reader.preview()
    assert frame is not None
    assert frame.size == (640, 480)
    assert [r.bytes for r in zxingcpp.read_barcodes(frame)] == [b"HB01-000123-7"]


def test_stop_ends_the_worker_and_start_twice_is_refused(reader: SimulatedQrReader) -> None:
    _collect(reader)
    with pytest.raises(RuntimeError, match="already started"):
        reader.start(lambda _: None)
    reader.stop()
    assert all(t.name != "qr-simulated" for t in threading.enumerate())
