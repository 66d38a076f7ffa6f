"""The QrReader contract, run against every backend in QR_RIGS."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from devices.status import DeviceStatus
from tests.contract.device_rigs import QR_RIGS, QrRig

OTHER = b"HB01-000123-7"
PAYLOAD = "079088001234|Trần Văn Đức|12031988|Nam|Phường Bến Nghé, Quận 1".encode()


@pytest.fixture(params=QR_RIGS, ids=lambda f: f.__name__)
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[QrRig]:
    factory: Callable[[Path], AbstractContextManager[QrRig]] = request.param
    with factory(tmp_path) as made:
        yield made


def test_reader_is_ready_and_delivers_exact_bytes_once_off_the_caller_thread(rig: QrRig) -> None:
    assert rig.reader.health().status is DeviceStatus.READY
    got: list[bytes] = []
    threads: set[int] = set()
    arrived = threading.Condition()

    def on_payload(payload: bytes) -> None:
        with arrived:
            got.append(payload)
            threads.add(threading.get_ident())
            arrived.notify_all()

    rig.reader.start(on_payload)
    try:
        rig.show(PAYLOAD)
        with arrived:
            assert arrived.wait_for(lambda: len(got) == 1, 5)
        rig.show(PAYLOAD)
        rig.show(OTHER)
        with arrived:
            assert arrived.wait_for(lambda: OTHER in got, 5)
    finally:
        rig.reader.stop()
    assert got == [PAYLOAD, OTHER]
    assert threading.get_ident() not in threads


def test_preview_is_an_image_or_none(rig: QrRig) -> None:
    frame = rig.reader.preview()
    assert frame is None or (frame.width > 0 and frame.height > 0)


def test_stop_without_start_is_harmless(rig: QrRig) -> None:
    rig.reader.stop()
    assert rig.reader.health().status is DeviceStatus.READY
