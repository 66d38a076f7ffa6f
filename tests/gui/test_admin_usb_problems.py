"""A stick that will not take the export: staff read why, in their words, and nothing is lost.

The staff screen's USB folder is a real file system mounted for the test: a read-only one (as a
stick with its write-protect switch on) and a tiny one (a full stick). The loop-device test in
tests/appliance/test_usb_stick.py does the same with a real exFAT stick through `kiosk export`.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.sim import SimKit
from tests.gui.test_admin_kit import (
    STAFF_PIN,
    AdminKit,
    build_admin,
    log_in,
    seal_one,
    tap,
    text_of,
    wait_item,
)

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(os.geteuid() != 0, reason="mounting a file system needs root")]


@pytest.fixture
def admin(ui: KioskUi, kit: SimKit, tmp_path: Path) -> Any:
    a = build_admin(ui, kit, tmp_path)
    yield a
    a.overlay.close()


@contextmanager
def tmpfs(where: Path, options: str) -> Iterator[None]:
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=True,
                   timeout=60)
    try:
        yield
    finally:
        subprocess.run(["umount", str(where)], check=False, timeout=60)


def states(kit: SimKit) -> dict[str, str]:
    return {r[0]: r[1] for r in kit.store.query("SELECT application_code, state FROM applications")}


@pytest.mark.parametrize(("options", "says"), [
    ("ro,size=4m", "Xuất KHÔNG thành công: USB đang bị khoá ghi (nút gạt khoá trên USB"),
    ("size=12k,nr_inodes=64", "Xuất KHÔNG thành công: USB đã đầy: xoá bớt tệp trên USB"),
], ids=["read-only", "full"])
def test_staff_read_why_the_stick_failed_and_nothing_is_lost(
        qtbot: QtBot, admin: AdminKit, options: str, says: str) -> None:
    kit = admin.kit
    sealed = [seal_one(kit, seed=5), seal_one(kit, seed=6)]
    window = admin.ui.window
    with tmpfs(admin.usb, options):
        log_in(qtbot, admin, STAFF_PIN)
        wait_item(qtbot, window, "screen_admin_staff")
        tap(qtbot, window, "exportUsbButton")
        qtbot.waitUntil(lambda: text_of(qtbot, window, "staffMessage").startswith("Xuất KHÔNG"),
                        timeout=20000)
        message = text_of(qtbot, window, "staffMessage")
        assert message.startswith(says), message
        assert message.endswith("Hồ sơ vẫn ở máy, không mất hồ sơ nào.")
        assert list(admin.usb.iterdir()) == []  # no half bundle left on the stick
    assert states(kit) == {r.application_code: "queued" for r in sealed}
    # the next stick takes them all
    tap(qtbot, window, "exportUsbButton")
    qtbot.waitUntil(lambda: text_of(qtbot, window, "staffMessage").startswith("Xuất xong:"),
                    timeout=20000)
    assert states(kit) == {r.application_code: "exported" for r in sealed}
