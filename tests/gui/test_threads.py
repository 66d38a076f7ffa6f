"""Nothing blocks the GUI thread, and each device is driven from its one thread (issue 9 §3).

The ports and devices of a real simulated kiosk (built by the same root as ``kiosk run``) are
wrapped to note the thread each call arrives on; the citizen's lookup, queue ticket, slip and
rating, and the staff's send-now and retry must all arrive off the GUI thread, and the
technician's printer and scanner tests on the very threads the citizen's screens use.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.app_ui import KioskUi, apply_font, build_ui
from kiosk.wiring.sim import SimKit
from tests.gui.driver import tap, wait_screen
from tests.gui.steps import walk_to_done
from tests.gui.test_admin_kit import STAFF_PIN, TECH_PIN, build_admin, log_in, quarantine, seal_one

pytestmark = pytest.mark.gui
T = TypeVar("T")


class Threads:
    """Which thread each wrapped call ran on, by name of the call."""

    def __init__(self) -> None:
        self.seen: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def wrap(self, name: str, call: Callable[..., T]) -> Callable[..., T]:
        def noted(*args: Any, **kwargs: Any) -> T:
            with self._lock:
                self.seen.setdefault(name, []).append(threading.current_thread().name)
            return call(*args, **kwargs)

        return noted

    def of(self, name: str) -> set[str]:
        with self._lock:
            return set(self.seen.get(name, []))


@pytest.fixture
def threads() -> Threads:
    return Threads()


@pytest.fixture
def ui(qapp: object, kit: SimKit, threads: Threads) -> Iterator[KioskUi]:
    from PySide6.QtGui import QGuiApplication

    assert isinstance(qapp, QGuiApplication)
    apply_font(qapp)
    s = kit.services
    services = dataclasses.replace(
        s,
        seal=threads.wrap("seal", s.seal),
        lookup=threads.wrap("lookup", s.lookup),
        queue_ticket=threads.wrap("queue_ticket", s.queue_ticket),
        record_rating=threads.wrap("record_rating", s.record_rating),
    )
    printer = kit.printer
    printer.print_image = threads.wrap("print_image", printer.print_image)  # type: ignore[method-assign]
    scanner = kit.scanner
    scanner.scan = threads.wrap("scan", scanner.scan)  # type: ignore[method-assign]
    u = build_ui(services)
    yield u
    u.close()


def _gui() -> str:
    return threading.main_thread().name


def test_the_citizens_store_and_printer_work_is_off_the_gui_thread(
    ui: KioskUi, kit: SimKit, qtbot: QtBot, threads: Threads
) -> None:
    walk_to_done(ui, kit, qtbot)
    record = ui.flow.record
    assert record is not None
    tap(ui, qtbot, "nextButton")
    wait_screen(ui, qtbot, "rating")
    tap(ui, qtbot, "rate_3")
    wait_screen(ui, qtbot, "welcome")
    qtbot.waitUntil(lambda: bool(threads.of("record_rating")), timeout=5000)
    ui.flow.open_lookup()
    ui.flow.lookup.find(record.application_code)
    qtbot.waitUntil(lambda: not ui.flow.lookup.is_busy(), timeout=5000)
    assert record.application_code in ui.flow.lookup._get_result()
    ui.flow.home()
    ui.flow.open_queue()
    ui.flow.queue.choose("civil")
    qtbot.waitUntil(lambda: not ui.flow.queue.is_busy() and ui.flow.queue._get_ticket() == "A001",
                    timeout=5000)

    store = {"dev-store"}
    for call in ("seal", "lookup", "queue_ticket", "record_rating"):
        seen = threads.of(call)
        assert seen, call
        assert _gui() not in seen, call
        assert {name.rsplit("_", 1)[0] for name in seen} == store, (call, seen)
    printed = {name.rsplit("_", 1)[0] for name in threads.of("print_image")}
    assert printed == {"dev-printer"}  # the slip and the ticket: drawn and printed there
    assert len(kit.printer.printed) == 2


def test_the_technician_drives_the_devices_on_the_citizens_threads(
    ui: KioskUi, kit: SimKit, qtbot: QtBot, threads: Threads, tmp_path: Path
) -> None:
    admin = build_admin(ui, kit, tmp_path)
    try:
        log_in(qtbot, admin, TECH_PIN)
        tech = admin.overlay.tech
        qtbot.waitUntil(lambda: bool(tech._get_devices()), timeout=5000)
        tech.print_test()
        qtbot.waitUntil(lambda: tech._get_busy() == "" and bool(threads.of("print_image")), timeout=10000)
        tech.scan_test()
        qtbot.waitUntil(lambda: tech._get_busy() == "" and bool(threads.of("scan")), timeout=20000)
    finally:
        admin.overlay.close()
    assert {n.rsplit("_", 1)[0] for n in threads.of("print_image")} == {"dev-printer"}
    assert {n.rsplit("_", 1)[0] for n in threads.of("scan")} == {"dev-scanner"}


def test_staff_send_now_and_retry_are_off_the_gui_thread(
    ui: KioskUi, kit: SimKit, qtbot: QtBot, threads: Threads, tmp_path: Path
) -> None:
    record = seal_one(kit, seed=21)
    quarantine(kit, record, "gateway 422 validation: test")
    admin = build_admin(ui, kit, tmp_path)
    services = admin.services
    overlay = admin.overlay
    try:
        overlay.staff._s = dataclasses.replace(
            services, send_now=threads.wrap("send_now", services.send_now),
            requeue=threads.wrap("requeue", services.requeue),
            sync_status=threads.wrap("sync_status", services.sync_status))
        log_in(qtbot, admin, STAFF_PIN)
        overlay.staff.send_now()
        overlay.staff.retry(record.application_code)
        qtbot.waitUntil(lambda: bool(threads.of("send_now")) and bool(threads.of("requeue")), timeout=5000)
        qtbot.waitUntil(lambda: overlay.staff._get_quarantined() == [], timeout=5000)
    finally:
        overlay.close()
    for call in ("send_now", "requeue", "sync_status"):
        assert threads.of(call), call
        assert _gui() not in threads.of(call), call
