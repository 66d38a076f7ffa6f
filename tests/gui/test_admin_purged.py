"""Issue 10 item 2: applications purged after retention are shown on the staff screen.

The agent's retention purge (kiosk.store.retention, run on every pass) deletes the documents and
payload of applications the gateway acknowledged long enough ago; field staff see how many on the
sync screen's queue line, next to the states still in the pipeline.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.store import core
from kiosk.store.retention import purge_expired
from kiosk.store.schema import ApplicationState
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from tests.gui.test_admin_kit import (
    STAFF_PIN,
    AdminKit,
    build_admin,
    log_in,
    quarantine,
    seal_one,
    text_of,
    wait_item,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def admin(ui: KioskUi, kit: SimKit, tmp_path: Path) -> Any:
    a = build_admin(ui, kit, tmp_path)
    yield a
    a.overlay.close()


def acknowledge(kit: SimKit, application_id: str, at: datetime) -> None:
    """As an ACK file read from USB does for an application the gateway received."""
    conn = core.connect(kit.store.path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        core.transition(conn, application_id, ApplicationState.ACKED, at=core.iso_utc(at),
                        columns={"acked_at": core.iso_utc(at)})
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_the_staff_screen_counts_purged_applications(qtbot: QtBot, admin: AdminKit) -> None:
    kit = admin.kit
    now = datetime.now(UTC)
    old = [seal_one(kit, seed=s) for s in (3, 4)]
    recent = seal_one(kit, seed=5)
    for record in (*old, recent):
        quarantine(kit, record, "carried on USB")
    for record in old:
        acknowledge(kit, str(record.application_id), now - timedelta(days=31))
    acknowledge(kit, str(recent.application_id), now - timedelta(days=2))

    conn = core.connect(kit.store.path)
    try:
        report = purge_expired(conn, kit.store.data_dir, now=now, retention=timedelta(days=30))
    finally:
        conn.close()
    assert report.purged == 2
    assert not (kit.store.docs_dir / str(old[0].application_id)).exists()
    assert (kit.store.docs_dir / str(recent.application_id)).is_dir()

    window = admin.ui.window
    log_in(qtbot, admin, STAFF_PIN)
    wait_item(qtbot, window, "screen_admin_staff")
    qtbot.waitUntil(lambda: "đã xóa nội dung 2" in text_of(qtbot, window, "staffQueue"), timeout=5000)
    assert "đã xác nhận 1" in text_of(qtbot, window, "staffQueue")  # the recent one is kept
