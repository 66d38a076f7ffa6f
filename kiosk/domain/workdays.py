"""Appointment dates in working days, with public holidays from data.

The legal processing time of a procedure counts working days: Monday to Friday, minus public
holidays. Holidays, Tết above all, move each year and are decided by the Government year by year,
so they live in `assets/holidays/vn.json`, which the province must update every year; beyond the
years it covers only weekends are known (`HolidayCalendar.covers` lets the UI warn a technician).
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Final

DEFAULT_CUTOFF: Final = time(15, 0)
MAX_WORKING_DAYS: Final = 366


class HolidayDataError(ValueError):
    """The holidays file is unusable; the message names the file and the key."""


@dataclass(frozen=True)
class HolidayCalendar:
    """Which dates the one-stop office is open."""

    days_off: frozenset[date]
    working_weekend_days: frozenset[date] = frozenset()
    first_year: int = 0
    last_year: int = 0

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekend_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        candidate = day + timedelta(days=1)
        for _ in range(MAX_WORKING_DAYS):
            if self.is_working_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError(f"no working day within a year after {day}")

    def covers(self, day: date) -> bool:
        """Whether the holiday data includes `day`'s year (outside it, only weekends are known)."""
        return self.first_year <= day.year <= self.last_year


def appointment_date(
    received: datetime,
    working_days: int,
    holidays: HolidayCalendar,
    *,
    cutoff: time = DEFAULT_CUTOFF,
) -> date:
    """The day the result is ready.

    An application received on a non-working day or at/after `cutoff` counts as received on the
    next working day; `working_days` more working days are then counted (0: that same day).
    """
    if not 0 <= working_days <= MAX_WORKING_DAYS:
        raise ValueError(f"working_days must be 0..{MAX_WORKING_DAYS}, got {working_days}")
    day = received.date()
    if not holidays.is_working_day(day) or received.time() >= cutoff:
        day = holidays.next_working_day(day)
    for _ in range(working_days):
        day = holidays.next_working_day(day)
    return day


def load_holidays(path: Path) -> HolidayCalendar:
    """The calendar in `path` (format of `assets/holidays/vn.json`); refuses a bad file clearly."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise HolidayDataError(f"{path}: cannot be read ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HolidayDataError(f"{path}: not valid UTF-8 JSON ({error})") from None
    if not isinstance(data, dict):
        raise HolidayDataError(f"{path}: expected an object at the top level")
    covers = data.get("covers")
    if not (
        isinstance(covers, dict)
        and isinstance(covers.get("from_year"), int)
        and isinstance(covers.get("to_year"), int)
        and covers["from_year"] <= covers["to_year"]
    ):
        raise HolidayDataError(f"{path}: covers: expected {{from_year, to_year}} with from <= to")
    first, last = covers["from_year"], covers["to_year"]
    days_off = _dates(path, data, "days_off", first, last)
    extra = _dates(path, data, "working_weekend_days", first, last)
    for day in days_off:
        if day.weekday() >= 5:
            raise HolidayDataError(f"{path}: days_off: {day} is a weekend day; list its day in lieu")
    for day in extra:
        if day.weekday() < 5:
            raise HolidayDataError(f"{path}: working_weekend_days: {day} is not a weekend day")
    return HolidayCalendar(frozenset(days_off), frozenset(extra), first, last)


def _dates(path: Path, data: dict[str, object], key: str, first: int, last: int) -> list[date]:
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise HolidayDataError(f"{path}: {key}: expected a list")
    days: list[date] = []
    for index, entry in enumerate(entries):
        where = f"{path}: {key}[{index}].date"
        raw = entry.get("date") if isinstance(entry, dict) else None
        if not isinstance(raw, str):
            raise HolidayDataError(f"{where}: is missing")
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise HolidayDataError(f"{where}: {raw!r} is not a date (YYYY-MM-DD)") from None
        if not first <= day.year <= last:
            raise HolidayDataError(f"{where}: {day} is outside covers {first}..{last}")
        if day in days:
            raise HolidayDataError(f"{where}: {day} is listed twice")
        days.append(day)
    return days
