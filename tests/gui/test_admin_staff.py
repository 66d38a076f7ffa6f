"""Field staff's sync screen with a quarantined application: retry, export, send now, USB, ACK."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtQuick import QQuickWindow
from pytestqt.qtbot import QtBot

from kiosk.admin.audit import recent
from kiosk.store.schema import SYNC_KEY_SEND_NOW_REQUESTED_AT
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from sync.api import read_status
from sync.outbox import Outbox
from sync.staff_actions import StaffActionError, requeue_quarantined, retry_cli
from tests.gui.test_admin_kit import (
    STAFF_PIN,
    AdminKit,
    build_admin,
    log_in,
    quarantine,
    seal_one,
    tap,
    text_of,
    wait_item,
)

pytestmark = pytest.mark.gui

REASON = "gateway 422 validation: procedure HT-XNHN version 2025.9 is withdrawn"


@pytest.fixture
def admin(ui: KioskUi, kit: SimKit, tmp_path: Path) -> Any:
    a = build_admin(ui, kit, tmp_path)
    yield a
    a.overlay.close()


def shows(qtbot: QtBot, window: QQuickWindow, name: str, text: str) -> None:
    qtbot.waitUntil(lambda: text_of(qtbot, window, name) == text, timeout=5000)


def states(kit: SimKit) -> dict[str, str]:
    return {r[0]: r[1] for r in kit.store.query("SELECT application_code, state FROM applications")}


def test_quarantined_application_is_shown_and_retried(qtbot: QtBot, admin: AdminKit) -> None:
    kit = admin.kit
    bad = seal_one(kit, seed=3)
    fine = seal_one(kit, seed=4)
    quarantine(kit, bad, REASON)
    window = admin.ui.window
    log_in(qtbot, admin, STAFF_PIN)
    wait_item(qtbot, window, "screen_admin_staff")
    shows(qtbot, window, "quarantineTitle", "Hồ sơ cần xử lý: 1")  # the status is read on a worker
    row = text_of(qtbot, window, f"quarantined_{bad.application_code}")
    assert bad.application_code in row
    assert REASON in row
    assert fine.application_code not in text_of(qtbot, window, "quarantineList")
    assert "cần xử lý 1" in text_of(qtbot, window, "staffQueue")
    assert text_of(qtbot, window, "staffLink").startswith("Kết nối: chưa rõ")

    tap(qtbot, window, f"retry_{bad.application_code}")
    qtbot.waitUntil(lambda: "đã được đưa lại vào hàng đợi" in text_of(qtbot, window, "staffMessage"),
                    timeout=5000)
    assert states(kit)[bad.application_code] == "queued"
    shows(qtbot, window, "quarantineTitle", "Hồ sơ cần xử lý: 0")
    events = kit.store.query(
        "SELECT from_state, to_state, detail FROM application_events WHERE application_id = ? "
        "ORDER BY event_id DESC LIMIT 1", (str(bad.application_id),))
    assert (events[0][0], events[0][1]) == ("quarantined", "queued")
    assert events[0][2].startswith("staff: retry (was: gateway 422")
    assert ("staff", "sync.retry") in [(r[1], r[2]) for r in recent(kit.store)]
    after = kit.store.query("SELECT quarantine_reason, attempts FROM applications WHERE application_id = ?",
                            (str(bad.application_id),))[0]
    assert (after[0], after[1]) == (None, 0)


def test_send_now_and_usb_export_and_a_refused_ack(qtbot: QtBot, admin: AdminKit) -> None:
    kit = admin.kit
    first = seal_one(kit, seed=5)
    bad = seal_one(kit, seed=6)
    quarantine(kit, bad, REASON)
    window = admin.ui.window
    log_in(qtbot, admin, STAFF_PIN)
    wait_item(qtbot, window, "screen_admin_staff")

    tap(qtbot, window, "sendNowButton")  # on the overlay's worker: the GUI never waits for the store
    qtbot.waitUntil(lambda: "Đã yêu cầu gửi ngay" in text_of(qtbot, window, "staffMessage"), timeout=5000)
    with Outbox(kit.store.path, lambda: 0.0) as outbox:
        assert outbox.get_state(SYNC_KEY_SEND_NOW_REQUESTED_AT)
    assert "Đã yêu cầu gửi ngay" in text_of(qtbot, window, "staffMessage")

    # export the quarantined one: released, then written with the rest of the queue to the stick
    assert text_of(qtbot, window, "usbFolder").endswith(str(admin.usb))
    tap(qtbot, window, f"export_{bad.application_code}")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "staffMessage").startswith("Xuất xong:"), timeout=20000)
    bundles = [p for p in admin.usb.iterdir() if p.is_dir()]
    assert len(bundles) == 1
    assert {p.name for p in bundles[0].iterdir() if p.is_dir()} == {str(first.application_id),
                                                                    str(bad.application_id)}
    assert states(kit) == {first.application_code: "exported", bad.application_code: "exported"}
    qtbot.waitUntil(lambda: "xuất USB 2" in text_of(qtbot, window, "staffQueue"), timeout=5000)

    # an ACK file that is not from the gateway is refused, nothing changes
    (admin.usb / "ack-forged.json").write_text('{"kiosk_id": "KIOSK-DEMO-01", "items": []}')
    tap(qtbot, window, "refreshFoldersButton")
    tap(qtbot, window, "ack_0")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "staffMessage").startswith("ACK bị từ chối:"),
                    timeout=10000)
    assert "not a valid gateway ACK" in text_of(qtbot, window, "staffMessage")
    assert states(kit) == {first.application_code: "exported", bad.application_code: "exported"}
    actions = [(r[1], r[2]) for r in recent(kit.store)]
    for expected in (("staff", "sync.send_now"), ("staff", "sync.export"), ("staff", "usb.export"),
                     ("staff", "usb.import_ack")):
        assert expected in actions


def test_staff_screen_matches_the_cli_status(qtbot: QtBot, admin: AdminKit) -> None:
    kit = admin.kit
    record = seal_one(kit, seed=8)
    quarantine(kit, record, REASON)
    status = read_status(kit.store.path)
    log_in(qtbot, admin, STAFF_PIN)
    expected = [{"code": q.application_code, "seq": q.kiosk_seq, "reason": q.reason}
                for q in status.quarantined]
    assert expected
    qtbot.waitUntil(lambda: admin.overlay.staff._get_quarantined() == expected, timeout=5000)


def test_retry_cli_is_the_same_action(admin: AdminKit) -> None:
    kit = admin.kit
    record = seal_one(kit, seed=9)
    out = io.StringIO()
    assert retry_cli(kit.store.path, record.application_code, out) == 2
    assert "is sealed, not quarantined" in out.getvalue() or "is queued, not quarantined" in out.getvalue()
    quarantine(kit, record, REASON)
    out = io.StringIO()
    assert retry_cli(kit.store.path, record.application_code, out) == 0
    assert f"{record.application_code} (#{record.kiosk_seq}) is queued again" in out.getvalue()
    assert states(kit)[record.application_code] == "queued"
    with pytest.raises(StaffActionError, match="no application K99-000001-1"):
        requeue_quarantined(kit.store.path, "K99-000001-1")
    with pytest.raises(StaffActionError, match="give an application code"):
        requeue_quarantined(kit.store.path, " ")
    assert ("staff-cli", "sync.retry") in [(r[1], r[2]) for r in recent(kit.store)]
