"""Fixtures of the reference-gateway tests: a fake clock, a running gateway, a registered kiosk.

A test file that needs another kind of clock defines its own `clock` fixture, which takes
precedence over this one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.gateway import RunningGateway
from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import (
    TestKiosk,
    registered_kiosk,
    running_gateway,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def gateway(tmp_path: Path, clock: FakeClock) -> Iterator[RunningGateway]:
    with running_gateway(tmp_path / "gw", clock) as gw:
        yield gw


@pytest.fixture
def kiosk(gateway: RunningGateway, clock: FakeClock) -> Iterator[TestKiosk]:
    with registered_kiosk(gateway, clock) as k:
        yield k
