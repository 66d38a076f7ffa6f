"""Prometheus textfile metrics read from a real store file."""

from datetime import UTC, datetime
from pathlib import Path

from devices.status import DeviceStatus, Health
from kiosk.metrics import render, write_textfile
from kiosk.store.db import open_store

NOW = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)


def _insert(store_path: Path, seq: int, state: str, confirmed_at: str) -> None:
    store = open_store(store_path, clock=lambda: NOW)
    try:
        with store.write() as conn:
            conn.execute(
                "INSERT INTO applications (application_id, kiosk_seq, application_code, procedure_code,"
                " catalog_version, masked_name, confirmed_at, appointment_date, state, manifest_json,"
                " manifest_sha256, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (f"app-{seq}", seq, f"K01-{seq:06d}-0", "HT-KT", "1", "N. V. A.", confirmed_at,
                 "2026-11-25", state, "{}", "00", confirmed_at, confirmed_at),
            )
    finally:
        store.close()


def test_queue_depth_oldest_age_devices_and_daily_counts(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.sqlite3"
    _insert(db, 1, "queued", "2026-11-22T08:00:00Z")
    _insert(db, 2, "retry_wait", "2026-11-22T09:30:00Z")
    _insert(db, 3, "received", "2026-11-21T09:00:00Z")
    text = render(db, NOW, {"printer": Health(DeviceStatus.NO_PAPER)}, {"sessions": 4})
    assert "dvc_kiosk_queue_depth 2\n" in text
    assert 'dvc_kiosk_applications{state="received"} 1\n' in text
    assert "dvc_kiosk_oldest_waiting_age_seconds 7200\n" in text
    assert "dvc_kiosk_last_successful_sync_timestamp_seconds 0\n" in text
    assert 'dvc_kiosk_device_status{device="printer",status="no_paper"} 1\n' in text
    assert 'dvc_kiosk_device_status{device="printer",status="ready"} 0\n' in text
    assert 'dvc_kiosk_today{what="applications_sealed"} 2\n' in text
    assert 'dvc_kiosk_today{what="sessions"} 4\n' in text
    target = write_textfile(tmp_path / "metrics", text)
    assert target.read_text("utf-8") == text
    assert [p.name for p in target.parent.iterdir()] == ["dvc_kiosk.prom"]
