"""Technician/staff mode over a real kiosk window, for the admin GUI tests (plus its string tables).

``build_admin`` puts the real overlay on the real kiosk UI from ``tests/gui/conftest.py``, with real
PinGuard, ConfigKeeper, store, simulated devices and sync functions; only the restart and the clocks
are the test's own.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from devices.scanner.sample_pages import make_sample_page
from kiosk.admin.pin import PinGuard, Role
from kiosk.domain.application import (
    Confirmation,
    ConfirmationMethod,
    ConfirmedApplication,
    DocumentPages,
)
from kiosk.domain.fake_citizens import FakeCitizens
from kiosk.pages import encode_page
from kiosk.paths import LOCALES_DIR
from kiosk.sealing import seal_application
from kiosk.store.applications import SealedRecord
from kiosk.ui.admin import ActionResult, AdminOverlay, AdminServices, install_admin
from kiosk.ui.admin.config_form import FIELDS
from kiosk.ui.admin.strings import load_admin_tables
from kiosk.ui.app_ui import KioskUi
from kiosk.wiring.admin import ack_import_action, admin_services_for, usb_export_action
from kiosk.wiring.sim import SimKit
from sync.outbox import Outbox
from tests.fakes import FakeClock

TECH_PIN = "246810"
STAFF_PIN = "135791"
WAIT_MS = 5000
QML_ADMIN = Path(__file__).resolve().parents[2] / "kiosk" / "ui" / "qml"
PY_ADMIN = Path(__file__).resolve().parents[2] / "kiosk" / "ui"

CONFIG_TEXT = """\
[kiosk]
id = "KIOSK-0007"
code_prefix = "K07"
commune_name = "Xã Tân Phú"
commune_code = "26734"
authority = "UBND xã Tân Phú"

[session]
idle_timeout_s = 120

[devices.printer]
backend = "simulated"
paper_width_mm = 80
"""


@dataclass
class AdminKit:
    ui: KioskUi
    kit: SimKit
    overlay: AdminOverlay
    services: AdminServices
    clock: FakeClock
    config_path: Path
    usb: Path
    restarts: list[str] = field(default_factory=list)
    net_answers: list[ActionResult] = field(default_factory=list)


def build_admin(ui: KioskUi, kit: SimKit, tmp_path: Path, *, hold_s: float = 0.3) -> AdminKit:
    clock = FakeClock(1_800_000_000.0)
    pins = PinGuard(tmp_path / "keys" / "pins.json", clock)
    pins.set_pin(Role.TECHNICIAN, TECH_PIN)
    pins.set_pin(Role.STAFF, STAFF_PIN)
    config_path = tmp_path / "etc" / "kiosk.toml"
    config_path.parent.mkdir(parents=True)
    config_path.write_text(CONFIG_TEXT, encoding="utf-8")
    usb = tmp_path / "media" / "USB-01"
    usb.mkdir(parents=True)
    kiosk_key = Ed25519PrivateKey.generate()
    gateway_key = Ed25519PrivateKey.generate().public_key()
    holder: dict[str, AdminKit] = {}

    def network_test() -> ActionResult:
        return holder["kit"].net_answers.pop(0)

    wired = admin_services_for(kit.kiosk, config_path=config_path,
                               restart=lambda: holder["kit"].restarts.append("restart"),
                               on_open=ui.flow.staff_opened, hold_s=hold_s)  # as `kiosk run`
    assert wired.kiosk_id == "KIOSK-DEMO-01"
    services = dataclasses.replace(
        wired,
        pins=pins,  # the test's PINs on the test's clock
        clock=clock,
        network_test=network_test,
        export_bundle=usb_export_action(kit.store.path, "KIOSK-DEMO-01", lambda: kiosk_key),
        import_ack=ack_import_action(kit.store.path, "KIOSK-DEMO-01", lambda: gateway_key),
        usb_roots=lambda: [usb],
    )
    overlay = install_admin(ui.engine, ui.window, services, images=ui.images, kiosk_strings=ui.strings,
                            devices=ui.devices, calls=ui.calls)
    overlay.gate.closed.connect(ui.flow.staff_closed)
    admin = AdminKit(ui, kit, overlay, services, clock, config_path, usb)
    holder["kit"] = admin
    return admin


# -- a finger on the window --------------------------------------------------------------------


def find(window: QQuickWindow, name: str) -> QQuickItem | None:
    stack = [window.contentItem()]
    while stack:
        item = stack.pop()
        if not item.isVisible():
            continue
        if item.objectName() == name:
            return item
        stack.extend(item.childItems())
    return None


def centre(item: QQuickItem) -> Any:
    return item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()


def wait_item(qtbot: QtBot, window: QQuickWindow, name: str, timeout: int = WAIT_MS) -> QQuickItem:
    box: list[QQuickItem] = []

    def found() -> bool:
        item = find(window, name)
        if item is not None:
            box[:] = [item]
        return item is not None

    qtbot.waitUntil(found, timeout=timeout)
    return box[0]


def tap(qtbot: QtBot, window: QQuickWindow, name: str) -> None:
    item = wait_item(qtbot, window, name)
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre(item))


def text_of(qtbot: QtBot, window: QQuickWindow, name: str) -> str:
    item = wait_item(qtbot, window, name)
    own = item.property("text")
    if isinstance(own, str) and own:
        return own
    texts = []
    stack = list(item.childItems())
    while stack:
        child = stack.pop(0)
        value = child.property("text")
        if isinstance(value, str) and value and child.isVisible():
            texts.append(value)
        stack.extend(child.childItems())
    return "\n".join(texts)


def long_press_hotspot(qtbot: QtBot, admin: AdminKit) -> None:
    """Hold the hidden corner until the PIN pad opens (hold_s is short in tests)."""
    window = admin.ui.window
    spot = wait_item(qtbot, window, "adminHotspot")
    where = centre(spot)
    QTest.mousePress(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    with qtbot.waitSignal(admin.overlay.gate.opened, timeout=WAIT_MS):
        pass
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)


def type_pin(qtbot: QtBot, admin: AdminKit, pin: str) -> None:
    for d in pin:
        tap(qtbot, admin.ui.window, f"pin_{d}")
    tap(qtbot, admin.ui.window, "pin_ok")
    qtbot.waitUntil(lambda: not admin.overlay.gate.is_checking(), timeout=WAIT_MS)


def log_in(qtbot: QtBot, admin: AdminKit, pin: str) -> None:
    long_press_hotspot(qtbot, admin)
    type_pin(qtbot, admin, pin)


# -- a quarantined application -------------------------------------------------------------------


def seal_one(kit: SimKit, seed: int = 7) -> SealedRecord:
    """A real application sealed by the kit's real sealer (what a citizen session produces)."""
    procedure = kit.services.catalog.get("HT-XNHN")
    citizens = FakeCitizens(seed, datetime.now(UTC).date())
    answers = citizens.answers(procedure)
    documents = tuple(
        DocumentPages(req.id, req.id, tuple(
            encode_page(make_sample_page(req.title_vi, seed=seed + i, dpi=100)) for i in range(pages)))
        for req, pages in citizens.document_plan(procedure, answers)
    )  # fmt: skip
    now = datetime.now(UTC)
    app = ConfirmedApplication(
        application_id=uuid.uuid4(),
        procedure_code=procedure.code,
        catalog_version=kit.services.catalog.version,
        identity=citizens.identity(),
        answers=answers,
        documents=documents,
        confirmed_at=now,
        confirmation=Confirmation(ConfirmationMethod.KIOSK_CODE, now),
    )
    return seal_application(kit.kiosk.seal_context, app)  # what kit.services.seal does


def quarantine(kit: SimKit, record: SealedRecord, reason: str) -> None:
    """As the agent does when the gateway refuses an application for good."""
    with Outbox(kit.store.path, lambda: datetime.now(UTC).timestamp()) as outbox:
        outbox.quarantine(str(record.application_id), reason)


# -- the admin string tables --------------------------------------------------------------------


def used_admin_ids() -> set[str]:
    ids: set[str] = set()
    for qml in [*QML_ADMIN.joinpath("admin").glob("*.qml"), *QML_ADMIN.joinpath("devdock").glob("*.qml")]:
        ids |= set(re.findall(r"adminI18n\.t\.([a-z0-9_]+)", qml.read_text(encoding="utf-8")))
    for py in [*PY_ADMIN.joinpath("admin").glob("*.py"), *PY_ADMIN.joinpath("devdock").glob("*.py")]:
        text = py.read_text(encoding="utf-8")
        ids |= set(re.findall(r'\b(?:text|fmt)\(\s*"([a-z0-9_]+)"', text))
    ids |= {f.label for f in FIELDS}
    ids |= {f"tab_{t}" for t in ("devices", "config", "network", "log")}
    ids |= {f"status_{s}" for s in ("ready", "busy", "no_paper", "cover_open", "jammed", "feeder_empty",
                                    "disconnected", "error", "unknown")}
    ids |= {f"device_{d}" for d in ("printer", "scanner", "camera")}
    ids |= {f"link_{s}" for s in ("unknown", "online", "offline", "paused", "lease_held")}
    ids |= {f"dock_printer_{s}" for s in ("ok", "no_paper", "cover_open", "not_answering")}
    ids |= {f"dock_scanner_{s}" for s in ("ok", "jammed", "feeder_empty", "cover_open")}
    ids |= {f"dock_link_{s}" for s in ("up", "down", "slow")}
    ids |= {f"dock_clock_{s}" for s in ("1m", "10m", "1h", "1d")}
    ids |= {"qr_cccd_ok", "qr_test_slip_ok", "qr_other", "usb_export_done", "usb_export_failed",
            "usb_import_done", "usb_import_failed"}
    return ids


def test_every_admin_string_is_in_both_languages() -> None:
    tables = load_admin_tables(LOCALES_DIR)
    ids = used_admin_ids()
    assert len(ids) > 80
    for lang, table in tables.items():
        assert sorted(ids - set(table)) == [], lang
    assert set(tables["vi"]) == set(tables["en"])
    # placeholders agree between the languages
    for key, vi in tables["vi"].items():
        assert re.findall(r"%\d", vi) == re.findall(r"%\d", tables["en"][key]), key
