"""Time you can trust: the kiosk seals an application (and promises an appointment date) only while
its clock is plausible.

A kiosk whose RTC battery is dead boots at 1970, 2000 or its firmware's date; until
systemd-timesyncd (or the gateway) puts it right, every appointment worked out from it would be
wrong. The clock is *implausible* when

* it is more than a day before a moment known to have passed: this build of the software, the
  catalog or holiday data in use, the last application sealed here, or the last ``Date`` the
  gateway signed (``before_known_time``); or
* it is more than a day away from the gateway's signed ``Date`` as the sync agent last saw it
  (``far_from_gateway``). The agent records that Date with our own clock and the boot's
  monotonic clock (CLOCK_BOOTTIME, which no clock setting moves): in the same boot the gateway's
  time now is known to the second (its Date plus the time elapsed since); after a reboot only the
  skew measured then is known, and the next exchange with the gateway records a fresh one.

Pure Python and Qt-free; :class:`ClockGuard` gathers the evidence from the store and is called
where the seal is requested. Appointment dates are computed from the confirmation time, so a
refused seal means no date is ever worked out from a dead RTC.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

DAY_S = 86400.0
MAX_GATEWAY_SKEW_S = DAY_S   # "far from the gateway's Date": more than a day
FLOOR_SLACK_S = DAY_S         # "before a known moment": more than a day before it
RESTAMP_AFTER_S = 15 * 60.0   # a confirmation this far from a trusted now was stamped by a bad clock
SYNC_KEY_GATEWAY_CLOCK = "gateway_clock"  # sync_state key the agent writes (JSON GatewayClock)
BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")


# -- what the agent records --------------------------------------------------------------------


@dataclass(frozen=True)
class BootFacts:
    """This boot's id and its monotonic clock (CLOCK_BOOTTIME: counts suspend, never set)."""

    boot_id: str
    boottime_s: float


def boot_facts() -> BootFacts:
    try:
        boot_id = BOOT_ID_FILE.read_text("ascii").strip()
    except OSError:
        boot_id = ""
    return BootFacts(boot_id, time.clock_gettime(time.CLOCK_BOOTTIME))


@dataclass(frozen=True)
class GatewayClock:
    """The gateway's signed Date as the agent last saw it, and our clocks at that moment."""

    gateway_at: float  # epoch seconds, the gateway's clock
    kiosk_at: float    # epoch seconds, our wall clock when the answer came
    boot_id: str = ""
    boottime_s: float | None = None

    @property
    def skew_s(self) -> float:
        """Gateway minus kiosk, at the moment recorded."""
        return self.gateway_at - self.kiosk_at

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @staticmethod
    def from_json(raw: str | None) -> GatewayClock | None:
        if not raw:
            return None
        try:
            d = json.loads(raw)
            boottime = d.get("boottime_s")
            return GatewayClock(float(d["gateway_at"]), float(d["kiosk_at"]),
                                str(d.get("boot_id", "")),
                                None if boottime is None else float(boottime))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None  # a damaged record is no evidence (the next exchange writes a fresh one)

    @staticmethod
    def observed(kiosk_now: float, skew_s: float, boot: BootFacts | None = None) -> GatewayClock:
        """What the agent writes after a verified answer: our clock and the skew it learnt."""
        boot = boot or boot_facts()
        return GatewayClock(kiosk_now + skew_s, kiosk_now, boot.boot_id, boot.boottime_s)


# -- the judgement (pure) ----------------------------------------------------------------------


class ClockProblem(StrEnum):
    BEFORE_KNOWN_TIME = "before_known_time"
    FAR_FROM_GATEWAY = "far_from_gateway"


@dataclass(frozen=True)
class ClockEvidence:
    """Moments known to have passed (epoch seconds, None when unknown) and the gateway's clock."""

    build_time: float | None = None
    data_time: float | None = None
    last_seal_time: float | None = None
    gateway: GatewayClock | None = None
    boot: BootFacts | None = None  # this boot, to compare with the gateway record's


@dataclass(frozen=True)
class ClockVerdict:
    trusted: bool
    problem: ClockProblem | None = None
    detail: str = ""  # for technicians, English
    floors: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        return "trusted" if self.trusted else f"NOT TRUSTED ({self.problem}): {self.detail}"


def _iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _gateway_now(record: GatewayClock, boot: BootFacts | None) -> float | None:
    """The gateway's clock now, when this is the boot the record was made in."""
    if (boot is None or record.boottime_s is None or not record.boot_id
            or record.boot_id != boot.boot_id or boot.boottime_s < record.boottime_s):
        return None
    return record.gateway_at + (boot.boottime_s - record.boottime_s)


def judge(now: float, ev: ClockEvidence, *, max_skew_s: float = MAX_GATEWAY_SKEW_S,
          slack_s: float = FLOOR_SLACK_S) -> ClockVerdict:
    """Is ``now`` (our wall clock, epoch seconds) plausible given the evidence?"""
    record = ev.gateway
    gateway_now = _gateway_now(record, ev.boot) if record is not None else None
    floors: dict[str, float] = {}
    if ev.build_time is not None:
        floors["this software's build"] = ev.build_time
    if ev.data_time is not None:
        floors["the catalog/holiday data"] = ev.data_time
    if record is not None:
        floors["the gateway's last signed Date"] = record.gateway_at
    if ev.last_seal_time is not None:
        # a seal stamped by a clock that ran ahead (before this check existed) must not lock the
        # kiosk out: it counts only when not beyond what the gateway says by more than a day
        upper = gateway_now if gateway_now is not None else (
            None if record is None else record.gateway_at + max(0.0, now - record.kiosk_at))
        if upper is None or ev.last_seal_time <= upper + slack_s:
            floors["the last application sealed here"] = ev.last_seal_time
    if floors:
        name, floor = max(floors.items(), key=lambda kv: kv[1])
        if now < floor - slack_s:
            return ClockVerdict(False, ClockProblem.BEFORE_KNOWN_TIME,
                                f"the clock says {_iso(now)}, before {name} ({_iso(floor)}): "
                                "the RTC battery may be dead or the time was never set", floors)
    if record is not None:
        if gateway_now is not None:
            off = now - gateway_now
            since = "since the gateway's last signed Date in this boot"
        else:
            off = -record.skew_s
            since = f"when the gateway last answered ({_iso(record.gateway_at)}, before a reboot)"
        if abs(off) > max_skew_s:
            return ClockVerdict(False, ClockProblem.FAR_FROM_GATEWAY,
                                f"the clock is {off / 3600:+.1f} h off the gateway's time {since}",
                                floors)
    return ClockVerdict(True, None, "", floors)


# -- evidence from what the kiosk has ------------------------------------------------------------

_VERSION_DATE = re.compile(r"^(\d{4})[.-](\d{2})(?:[.-](\d{2}))?")


def time_of_version(text: str | None) -> float | None:
    """A data version or timestamp that starts with a date ("2026.12-vn-ht-2", "2026-12-01",
    "2026-12-01T08:00:00Z") as epoch seconds of its start; None when it does not."""
    if not text:
        return None
    m = _VERSION_DATE.match(text.strip())
    if m is None:
        return None
    try:
        day = datetime(int(m[1]), int(m[2]), int(m[3] or 1), tzinfo=UTC)
    except ValueError:
        return None
    if len(text) >= 20 and text[10] == "T":
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    return day.timestamp()


class ClockNotTrusted(Exception):  # noqa: N818 (a refusal, not a crash)
    """Sealing refused: the clock is implausible. Nothing is written; the caller keeps the
    application and may try again once the clock is right."""

    def __init__(self, verdict: ClockVerdict) -> None:
        super().__init__(verdict.detail)
        self.verdict = verdict


class ClockGuard:
    """Called where a seal is requested: the time to stamp, or :class:`ClockNotTrusted`.

    ``read_state`` reads a sync_state value, ``last_seal_time`` the newest confirmed_at in the
    store; ``now`` and ``boot`` are injectable for tests.
    """

    def __init__(
        self,
        *,
        read_state: Callable[[str], str | None],
        last_seal_time: Callable[[], float | None],
        build_time: float | None,
        data_time: float | None = None,
        now: Callable[[], float] = time.time,
        boot: Callable[[], BootFacts] = boot_facts,
    ) -> None:
        self._read_state = read_state
        self._last_seal_time = last_seal_time
        self._build_time = build_time
        self._data_time = data_time
        self._now = now
        self._boot = boot

    def evidence(self) -> ClockEvidence:
        return ClockEvidence(
            build_time=self._build_time, data_time=self._data_time,
            last_seal_time=self._last_seal_time(),
            gateway=GatewayClock.from_json(self._read_state(SYNC_KEY_GATEWAY_CLOCK)),
            boot=self._boot())

    def verdict(self) -> ClockVerdict:
        return judge(self._now(), self.evidence())

    def __call__(self, confirmed_at: datetime) -> datetime:
        """The confirmation time to seal with: ``confirmed_at``, or now when the clock was put
        right since the citizen confirmed (the application was not sealed then)."""
        now = self._now()
        verdict = judge(now, self.evidence())
        if not verdict.trusted:
            raise ClockNotTrusted(verdict)
        if abs(confirmed_at.timestamp() - now) > RESTAMP_AFTER_S:
            return datetime.fromtimestamp(now, confirmed_at.tzinfo or UTC)
        return confirmed_at


def verdict_from_db(db_path: Path, now: float, *, build_time: float | None,
                    data_time: float | None = None,
                    boot: Callable[[], BootFacts] = boot_facts) -> ClockVerdict:
    """The verdict from a store file, read-only (``kiosk sync status``, the metrics): the same
    evidence the seal is judged on."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)) as conn:
        row = conn.execute("SELECT value FROM sync_state WHERE key = ?",
                           (SYNC_KEY_GATEWAY_CLOCK,)).fetchone()
        last = conn.execute("SELECT MAX(confirmed_at) FROM applications").fetchone()
    return judge(now, ClockEvidence(
        build_time=build_time, data_time=data_time,
        last_seal_time=time_of_version(last[0]) if last and last[0] else None,
        gateway=GatewayClock.from_json(row[0] if row else None), boot=boot()))
