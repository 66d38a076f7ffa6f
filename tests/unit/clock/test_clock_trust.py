"""Time you can trust (issue 11 item 7): the judgement itself, with injected clocks.

Sealing is refused while the clock is more than a day before a moment known to have passed
(the build, the signed data updates, the last seal, the gateway's last signed Date) or more than
a day from the gateway's time; allowed otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk import build_info
from kiosk.clock_trust import (
    DAY_S,
    BootFacts,
    ClockEvidence,
    ClockGuard,
    ClockNotTrusted,
    ClockProblem,
    GatewayClock,
    judge,
    time_of_version,
)
from tests.fakes import FakeClock

BUILD = datetime(2026, 11, 20, tzinfo=UTC).timestamp()
REAL = datetime(2026, 12, 5, 9, 0, tzinfo=UTC).timestamp()  # the true time in these stories
DEAD_RTC = datetime(2000, 1, 1, tzinfo=UTC).timestamp()  # what a board without battery boots at
BOOT = BootFacts("boot-a", 500.0)


def test_a_dead_rtc_is_refused_before_the_build_date() -> None:
    verdict = judge(DEAD_RTC, ClockEvidence(build_time=BUILD))
    assert not verdict.trusted
    assert verdict.problem is ClockProblem.BEFORE_KNOWN_TIME
    assert "2000-01-01" in verdict.detail
    assert "this software's build" in verdict.detail


def test_a_day_of_slack_before_the_build_and_any_time_after() -> None:
    assert judge(BUILD - DAY_S + 60, ClockEvidence(build_time=BUILD)).trusted
    assert not judge(BUILD - DAY_S - 60, ClockEvidence(build_time=BUILD)).trusted
    assert judge(REAL, ClockEvidence(build_time=BUILD)).trusted
    assert judge(REAL, ClockEvidence()).trusted  # nothing known: nothing to refuse on


def test_the_newest_known_moment_counts() -> None:
    published = datetime(2026, 12, 1, tzinfo=UTC).timestamp()
    ev = ClockEvidence(build_time=BUILD, data_time=published)
    verdict = judge(datetime(2026, 11, 25, tzinfo=UTC).timestamp(), ev)  # after the build only
    assert verdict.problem is ClockProblem.BEFORE_KNOWN_TIME
    assert "the catalog/holiday data" in verdict.detail


def test_far_from_the_gateway_in_the_same_boot_is_refused() -> None:
    """The agent saw the gateway's Date 10 minutes of boot time ago; the clock has since been set
    two days ahead (or behind): refused. Within a day: allowed."""
    record = GatewayClock(gateway_at=REAL, kiosk_at=REAL, boot_id="boot-a", boottime_s=500.0)
    later = BootFacts("boot-a", 500.0 + 600)
    ev = ClockEvidence(build_time=BUILD, gateway=record, boot=later)
    assert judge(REAL + 600, ev).trusted
    assert judge(REAL + 600 + 3 * 3600, ev).trusted  # off by 3 h: within a day
    for off in (2 * DAY_S, -2 * DAY_S):
        verdict = judge(REAL + 600 + off, ev)
        assert not verdict.trusted
        assert verdict.problem in (ClockProblem.FAR_FROM_GATEWAY, ClockProblem.BEFORE_KNOWN_TIME)
    verdict = judge(REAL + 600 + 2 * DAY_S, ev)
    assert verdict.problem is ClockProblem.FAR_FROM_GATEWAY
    assert "+48.0 h" in verdict.detail


def test_a_clock_put_right_in_the_same_boot_is_trusted_at_once() -> None:
    """Booted at 2000 (dead RTC), the agent reached the gateway anyway (the client learns the
    skew), then timesyncd set the clock: the boot clock shows it is right now."""
    record = GatewayClock.observed(DEAD_RTC + 30, skew_s=REAL - DEAD_RTC, boot=BOOT)
    assert abs(record.skew_s - (REAL - DEAD_RTC)) < 1e-6
    before_fix = ClockEvidence(build_time=BUILD, gateway=record, boot=BootFacts("boot-a", 520.0))
    assert not judge(DEAD_RTC + 50, before_fix).trusted
    after_fix = ClockEvidence(build_time=BUILD, gateway=record, boot=BootFacts("boot-a", 800.0))
    assert judge(REAL + 300 - 30, after_fix).trusted  # REAL + (800 - 500) s since the Date


def test_after_a_reboot_the_recorded_skew_decides() -> None:
    skewed = GatewayClock(gateway_at=REAL, kiosk_at=REAL + 3 * DAY_S, boot_id="boot-a",
                          boottime_s=500.0)
    ev = ClockEvidence(build_time=BUILD, gateway=skewed, boot=BootFacts("boot-b", 20.0))
    verdict = judge(REAL + 3 * DAY_S + 3600, ev)
    assert verdict.problem is ClockProblem.FAR_FROM_GATEWAY
    assert "before a reboot" in verdict.detail
    fine = GatewayClock(gateway_at=REAL, kiosk_at=REAL - 2, boot_id="boot-a", boottime_s=500.0)
    ev = ClockEvidence(build_time=BUILD, gateway=fine, boot=BootFacts("boot-b", 20.0))
    assert judge(REAL + 5 * DAY_S, ev).trusted  # a kiosk switched off for days, then on
    assert judge(REAL - 2 * DAY_S, ev).problem is ClockProblem.BEFORE_KNOWN_TIME


def test_the_last_seal_is_a_floor_unless_the_gateway_says_it_was_stamped_ahead() -> None:
    sealed = datetime(2026, 12, 4, tzinfo=UTC).timestamp()
    ev = ClockEvidence(build_time=BUILD, last_seal_time=sealed)
    verdict = judge(datetime(2026, 11, 28, tzinfo=UTC).timestamp(), ev)
    assert verdict.problem is ClockProblem.BEFORE_KNOWN_TIME
    assert "the last application sealed here" in verdict.detail
    # an old version sealed with a clock 10 years ahead; the gateway knows the real time
    ahead = datetime(2036, 12, 4, tzinfo=UTC).timestamp()
    record = GatewayClock(gateway_at=REAL, kiosk_at=REAL, boot_id="boot-a", boottime_s=500.0)
    ev = ClockEvidence(build_time=BUILD, last_seal_time=ahead, gateway=record,
                       boot=BootFacts("boot-a", 560.0))
    assert judge(REAL + 60, ev).trusted


def test_gateway_record_json_and_damage() -> None:
    record = GatewayClock(REAL, REAL - 5, "boot-a", 12.5)
    assert GatewayClock.from_json(record.to_json()) == record
    for raw in (None, "", "{", "[]", '{"gateway_at": "x", "kiosk_at": 1}', '{"kiosk_at": 1}'):
        assert GatewayClock.from_json(raw) is None


def test_time_of_version() -> None:
    assert time_of_version("2026-11-22T13:02:43Z") == datetime(2026, 11, 22, 13, 2, 43,
                                                               tzinfo=UTC).timestamp()
    assert time_of_version("2026-11-22") == datetime(2026, 11, 22, tzinfo=UTC).timestamp()
    for bad in (None, "", "v3", "2026-13-01"):
        assert time_of_version(bad) is None


def _guard(clock: FakeClock, state: dict[str, str], last_seal: float | None = None) -> ClockGuard:
    return ClockGuard(read_state=state.get, last_seal_time=lambda: last_seal, build_time=BUILD,
                      now=clock, boot=lambda: BOOT)


def test_the_guard_refuses_then_stamps_the_corrected_time() -> None:
    clock = FakeClock(DEAD_RTC)
    guard = _guard(clock, {})
    confirmed = datetime.fromtimestamp(DEAD_RTC - 40, UTC)
    with pytest.raises(ClockNotTrusted) as refused:
        guard(confirmed)
    assert refused.value.verdict.problem is ClockProblem.BEFORE_KNOWN_TIME
    clock.now = REAL  # timesyncd put it right while the citizen waited for staff
    assert guard(confirmed) == datetime.fromtimestamp(REAL, UTC)  # not the year 2000
    recent = datetime.fromtimestamp(REAL - 90, UTC)
    assert guard(recent) == recent  # a normal seal keeps its confirmation time


def test_the_guard_reads_the_agents_record() -> None:
    clock = FakeClock(REAL + 3 * DAY_S)
    record = GatewayClock(REAL, REAL, "boot-a", BOOT.boottime_s - 60)
    guard = _guard(clock, {"gateway_clock": record.to_json()})
    assert guard.verdict().problem is ClockProblem.FAR_FROM_GATEWAY
    clock.now = REAL + 60
    assert guard.verdict().trusted


def test_build_info_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "build_info.py"
    copy.write_text(Path(build_info.__file__).read_text("utf-8"), "utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(REAL)))
    assert build_info.stamp(copy) == "2026-12-05T09:00:00Z"
    assert 'BUILD_TIME = "2026-12-05T09:00:00Z"\n' in copy.read_text("utf-8")
    namespace: dict[str, object] = {"__name__": "stamped"}
    exec(compile(copy.read_text("utf-8"), str(copy), "exec"), namespace)
    stamped_time = namespace["build_time"]
    assert callable(stamped_time)
    assert stamped_time() == REAL
    assert build_info.build_time() == datetime.fromisoformat(
        build_info.SOURCE_DATE.replace("Z", "+00:00")).timestamp()  # a checkout: the source date
