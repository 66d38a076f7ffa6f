"""Appointment dates in working days, over the shipped holiday data."""

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from kiosk.domain.workdays import (
    HolidayCalendar,
    HolidayDataError,
    appointment_date,
    load_holidays,
)
from kiosk.paths import ASSETS_DIR

VN = load_holidays(ASSETS_DIR / "holidays" / "vn.json")
NO_HOLIDAYS = HolidayCalendar(frozenset())


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute))


def test_the_shipped_calendar_covers_2025_to_2028_with_tet() -> None:
    assert VN.covers(date(2025, 1, 1))
    assert VN.covers(date(2028, 12, 31))
    assert not VN.covers(date(2029, 1, 1))
    for tet in (date(2025, 1, 29), date(2026, 2, 17), date(2028, 1, 26)):
        assert not VN.is_working_day(tet)
    for fixed in ("2025-04-30", "2025-05-01", "2025-09-02", "2026-04-30", "2026-09-02"):
        assert not VN.is_working_day(date.fromisoformat(fixed))
    assert not VN.is_working_day(date(2025, 4, 7))  # Hùng Kings 2025
    assert not VN.is_working_day(date(2026, 4, 27))  # in lieu of Sunday 26 April 2026


def test_a_make_up_saturday_is_a_working_day() -> None:
    assert VN.is_working_day(date(2025, 4, 26))
    assert not VN.is_working_day(date(2025, 4, 27))


def test_same_day_procedures() -> None:
    assert appointment_date(at("2026-11-23", 10), 0, VN) == date(2026, 11, 23)  # Monday morning
    assert appointment_date(at("2026-11-23", 14, 59), 0, VN) == date(2026, 11, 23)
    assert appointment_date(at("2026-11-23", 15, 0), 0, VN) == date(2026, 11, 24)  # after cut-off
    assert appointment_date(at("2026-11-27", 16), 0, VN) == date(2026, 11, 30)  # Friday late
    assert appointment_date(at("2026-11-28", 9), 0, VN) == date(2026, 11, 30)  # Saturday
    assert appointment_date(at("2026-11-23", 15, 30), 0, VN, cutoff=time(16)) == date(2026, 11, 23)


def test_working_days_skip_weekends() -> None:
    assert appointment_date(at("2026-11-23"), 3, VN) == date(2026, 11, 26)  # Mon + 3 = Thu
    assert appointment_date(at("2026-11-26"), 3, VN) == date(2026, 12, 1)  # Thu + 3 = Tue
    assert appointment_date(at("2026-11-28"), 3, VN) == date(2026, 12, 3)  # Sat counts from Mon
    assert appointment_date(at("2026-11-23", 17), 5, VN) == date(2026, 12, 1)


def test_tet_is_skipped() -> None:
    # Friday 13 Feb 2026, then the Tết week 16-20 Feb is off.
    assert appointment_date(at("2026-02-13"), 3, VN) == date(2026, 2, 25)
    assert appointment_date(at("2026-02-13"), 0, VN) == date(2026, 2, 13)
    assert appointment_date(at("2026-02-13", 15, 30), 0, VN) == date(2026, 2, 23)


def test_the_result_is_always_a_working_day_and_never_early() -> None:
    start = datetime(2025, 1, 1, 8)
    for hours in range(0, 24 * 400, 7):
        received = start + timedelta(hours=hours)
        for days in (0, 1, 3, 5):
            result = appointment_date(received, days, VN)
            assert VN.is_working_day(result)
            assert result >= received.date()
            counted = sum(
                VN.is_working_day(received.date() + timedelta(days=n))
                for n in range(1, (result - received.date()).days + 1)
            )
            late = received.time() >= time(15) or not VN.is_working_day(received.date())
            assert counted == days + late


def test_without_data_only_weekends_count() -> None:
    assert appointment_date(at("2026-02-13"), 3, NO_HOLIDAYS) == date(2026, 2, 18)


def test_out_of_range_days_are_refused() -> None:
    with pytest.raises(ValueError, match="working_days"):
        appointment_date(at("2026-02-13"), -1, VN)


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "vn.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "top level"),
        ({"covers": {"from_year": 2026}}, "covers"),
        ({"covers": {"from_year": 2026, "to_year": 2026}, "days_off": [{"date": "2026-13-01"}]},
         r"days_off\[0\].date: '2026-13-01' is not a date"),
        ({"covers": {"from_year": 2026, "to_year": 2026}, "days_off": [{"date": "2027-01-01"}]},
         "outside covers"),
        ({"covers": {"from_year": 2026, "to_year": 2026}, "days_off": [{"date": "2026-11-28"}]},
         "weekend day; list its day in lieu"),
        ({"covers": {"from_year": 2026, "to_year": 2026}, "days_off": [{"name": "x"}]},
         r"days_off\[0\].date: is missing"),
        ({"covers": {"from_year": 2026, "to_year": 2026}, "working_weekend_days": [{"date": "2026-11-27"}]},
         "not a weekend day"),
    ],
)
def test_bad_holiday_files_are_refused_naming_the_key(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(HolidayDataError, match=message):
        load_holidays(_write(tmp_path, data))


def test_shipped_file_flags_unconfirmed_years() -> None:
    data = json.loads((ASSETS_DIR / "holidays" / "vn.json").read_text(encoding="utf-8"))
    statuses: dict[str, set[str]] = {d["date"][:4]: set() for d in data["days_off"]}
    for entry in data["days_off"]:
        statuses[entry["date"][:4]].add(entry["status"])
    assert statuses["2025"] == {"official"}
    assert statuses["2028"] == {"expected"}
    assert "updated every year" in data["note"]
