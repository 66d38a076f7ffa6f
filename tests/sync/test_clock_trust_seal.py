"""Time you can trust, end to end (issue 11 item 7): a kiosk booted with a dead RTC battery (its
clock in the year 2000) still reaches the reference gateway over 127.0.0.1 (the client learns
the skew from the gateway's signed refusal); the agent records the gateway's signed Date in the
store; sealing through the real ``seal_application`` is then refused, with nothing written and no
appointment date worked out, until the clock is right; the same application then seals with the
corrected time. A clock set days ahead in the same boot is refused too."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from devices.scanner.sample_pages import make_sample_page
from kiosk.clock_trust import (
    SYNC_KEY_GATEWAY_CLOCK,
    ClockGuard,
    ClockNotTrusted,
    ClockProblem,
    GatewayClock,
)
from kiosk.domain.application import (
    Confirmation,
    ConfirmationMethod,
    ConfirmedApplication,
    DocumentPages,
)
from kiosk.domain.catalog import load_catalog
from kiosk.domain.identity import Gender, Identity
from kiosk.domain.workdays import load_holidays
from kiosk.pages import encode_page
from kiosk.paths import ASSETS_DIR
from kiosk.sealing import SealContext, SealingKeys, seal_application
from kiosk.store.db import Store, open_store
from kiosk.wiring.clock import store_clock_guard
from sync.agent.link import LinkState
from sync.outbox import Outbox
from sync.protocol.keys import x25519_public_from_b64
from tests.fakes import FakeClock
from tests.sync.rig import KIOSK_ID, Rig, make_rig

CATALOG = load_catalog(ASSETS_DIR / "catalog" / "procedures.json",
                       ASSETS_DIR / "catalog" / "places.json")
HOLIDAYS = load_holidays(ASSETS_DIR / "holidays" / "vn.json")
CITIZEN = Identity(
    citizen_id="049189012345", old_id="", full_name="Huỳnh Thị Ánh", date_of_birth=date(1989, 3, 15),
    gender=Gender.FEMALE, address="Thôn Lý Trường, xã Bình Phú, Đà Nẵng", issue_date=date(2022, 2, 1),
)  # fmt: skip
DEAD_RTC = datetime(2000, 1, 1, tzinfo=UTC).timestamp()


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    with make_rig(tmp_path) as r:
        yield r


def _application(at: float) -> ConfirmedApplication:
    when = datetime.fromtimestamp(at, UTC).replace(microsecond=0)
    page = encode_page(make_sample_page("Quyết định ly hôn", seed=3, dpi=100))
    return ConfirmedApplication(
        application_id=uuid.uuid4(), procedure_code="HT-XNHN", catalog_version=CATALOG.version,
        identity=CITIZEN, answers={"noi_dang_ky": "nha_dat", "tinh_trang": "da_ly_hon",
                                   "co_con": "no"},
        documents=(DocumentPages("divorce_decision", "divorce_decision", (page,)),),
        confirmed_at=when, confirmation=Confirmation(ConfirmationMethod.KIOSK_CODE, when))


def _agent_reaches_the_gateway(rig: Rig, clock: FakeClock) -> None:
    with rig.agent(clock) as agent:
        for _ in range(3):  # the first pass learns the skew from the signed 401 clock_skew
            if agent.run_pass().link is LinkState.ONLINE:
                return
    raise AssertionError("the agent never got online")


def _count(store: Store) -> int:
    return int(store.query("SELECT COUNT(*) FROM applications")[0][0])


def _docs(store: Store) -> list[str]:
    root = store.docs_dir
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def _context(store: Store, rig: Rig, guard: ClockGuard) -> SealContext:
    enc: X25519PublicKey = x25519_public_from_b64(rig.gateway.public_keys.encryption_b64)
    return SealContext(store, SealingKeys(KIOSK_ID, "T01", enc), CATALOG, HOLIDAYS, scan_dpi=100,
                       clock_guard=guard)


def test_a_dead_rtc_cannot_seal_until_the_clock_is_right(rig: Rig) -> None:
    kiosk_clock = FakeClock(DEAD_RTC)
    _agent_reaches_the_gateway(rig, kiosk_clock)
    with Outbox(rig.db, time.time) as outbox:
        record = GatewayClock.from_json(outbox.get_state(SYNC_KEY_GATEWAY_CLOCK))
    assert record is not None
    assert abs(record.gateway_at - time.time()) < 60  # the gateway's real time, signed
    assert record.skew_s > 26 * 365 * 86400

    with open_store(rig.db) as store:
        guard = store_clock_guard(store, data_dir=rig.tmp / "kiosk", now=kiosk_clock)
        context = _context(store, rig, guard)
        app = _application(kiosk_clock.now)
        before = _count(store)
        docs_before = _docs(store)
        with pytest.raises(ClockNotTrusted) as refused:
            seal_application(context, app)
        assert refused.value.verdict.problem is ClockProblem.BEFORE_KNOWN_TIME
        assert "2000-01-01" in str(refused.value)
        assert _count(store) == before  # nothing sealed, no appointment worked out
        assert _docs(store) == docs_before  # not even a temporary file

        kiosk_clock.now = time.time()  # timesyncd (or the technician) put the clock right
        record_after = seal_application(context, app)  # the same application, kept by the caller
        assert _count(store) == before + 1
        sealed_at = store.query("SELECT confirmed_at, appointment_date FROM applications "
                                "WHERE application_id = ?", (str(app.application_id),))[0]
    assert record_after.application_id == str(app.application_id)
    assert str(sealed_at[0]).startswith(datetime.now(UTC).strftime("%Y-"))  # not 2000
    assert date.fromisoformat(str(sealed_at[1])) > datetime.now(UTC).date()


def test_a_clock_set_days_ahead_after_the_gateway_spoke_is_refused(rig: Rig) -> None:
    kiosk_clock = FakeClock(time.time())
    _agent_reaches_the_gateway(rig, kiosk_clock)
    with open_store(rig.db) as store:
        guard = store_clock_guard(store, data_dir=rig.tmp / "kiosk", now=kiosk_clock)
        context = _context(store, rig, guard)
        kiosk_clock.now = time.time() + 3 * 86400  # someone set the date three days ahead
        app = _application(kiosk_clock.now)
        with pytest.raises(ClockNotTrusted) as refused:
            seal_application(context, app)
        assert refused.value.verdict.problem is ClockProblem.FAR_FROM_GATEWAY
        assert _count(store) == 0
        kiosk_clock.now = time.time()
        assert guard.verdict().trusted
        seal_application(context, app)  # allowed (and stamped now, not three days ahead)
        at = str(store.query("SELECT confirmed_at FROM applications")[0][0])
    assert abs(datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() - time.time()) < 120


def test_staff_see_it_in_sync_status_and_the_metrics(rig: Rig) -> None:
    from kiosk.metrics import render
    from sync.agent.status import format_status, read_status

    _agent_reaches_the_gateway(rig, FakeClock(time.time()))
    assert read_status(rig.db).clock == "trusted"
    assert "dvc_kiosk_clock_trusted 1\n" in render(rig.db, datetime.now(UTC))
    with Outbox(rig.db, time.time) as outbox:  # as if the clock had been set 3 days ahead since
        outbox.set_state(SYNC_KEY_GATEWAY_CLOCK,
                         GatewayClock.observed(time.time(), -3 * 86400).to_json())
    status = read_status(rig.db)
    assert status.clock.startswith("NOT TRUSTED (far_from_gateway): the clock is +72.0 h off")
    assert f"clock: {status.clock}" in format_status(status)
    metrics = render(rig.db, datetime.now(UTC))
    assert "dvc_kiosk_clock_trusted 0\n" in metrics
    assert 'dvc_kiosk_clock_problem{problem="far_from_gateway"} 1\n' in metrics
    assert 'dvc_kiosk_clock_problem{problem="before_known_time"} 0\n' in metrics
