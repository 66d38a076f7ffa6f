"""Fixtures for the store tests: a real store file in tmp_path, a settable clock, keys."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kiosk.sealing import SealingKeys
from kiosk.store import Store, open_store
from tests.fakes import FakeWallClock


@pytest.fixture
def clock() -> FakeWallClock:
    return FakeWallClock(datetime(2026, 11, 23, 2, 16, 0, tzinfo=UTC))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "kiosk.sqlite3"


@pytest.fixture
def store(store_path: Path, clock: FakeWallClock) -> Iterator[Store]:
    with open_store(store_path, clock=clock) as opened:
        yield opened


@pytest.fixture
def gateway_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


@pytest.fixture
def keys(gateway_key: X25519PrivateKey) -> SealingKeys:
    return SealingKeys(kiosk_id="kiosk-tq-001", kiosk_prefix="TQ1", gateway_enc_pub=gateway_key.public_key())
