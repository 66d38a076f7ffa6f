"""The Scanner contract, run against every backend in SCANNER_RIGS."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from devices.status import DeviceStatus
from tests.contract.device_rigs import SCANNER_RIGS, ScannerRig


@pytest.fixture(params=SCANNER_RIGS, ids=lambda f: f.__name__)
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ScannerRig]:
    factory: Callable[[Path], AbstractContextManager[ScannerRig]] = request.param
    with factory(tmp_path) as made:
        yield made


def test_ready_scanner_scans_loaded_pages_as_rgb_at_the_asked_dpi(rig: ScannerRig) -> None:
    assert rig.scanner.health().status is DeviceStatus.READY
    expected = rig.load_pages(2)
    started = time.monotonic()
    outcome = rig.scanner.scan(source="feeder", dpi=100, timeout_s=30)
    assert time.monotonic() - started < 30
    assert outcome.status is DeviceStatus.READY
    assert outcome.dpi == 100
    assert len(outcome.pages) == expected >= 1
    for page in outcome.pages:
        assert page.mode == "RGB"
        assert page.height > page.width > 0


def test_outcome_is_frozen(rig: ScannerRig) -> None:
    rig.load_pages(1)
    outcome = rig.scanner.scan(dpi=100, timeout_s=30)
    with pytest.raises(AttributeError):
        outcome.status = DeviceStatus.ERROR  # type: ignore[misc]
