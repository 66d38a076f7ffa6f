"""Builds the view-models for one window and exposes them to QML (the UI's composition)."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QFont, QGuiApplication, QWindow
from PySide6.QtQml import QQmlApplicationEngine, QQmlEngine
from PySide6.QtQuick import QQuickWindow

from kiosk.domain.session import Session
from kiosk.ui.calls import StaffCaller
from kiosk.ui.confirm_vm import ConfirmVm
from kiosk.ui.documents_vm import DocumentsVm
from kiosk.ui.done_vm import DoneVm
from kiosk.ui.flow_vm import FlowVm
from kiosk.ui.form_vm import FormVm
from kiosk.ui.guide_vm import GuideVm
from kiosk.ui.i18n import Strings
from kiosk.ui.idle_vm import IdleVm
from kiosk.ui.images import PROVIDER_ID, ImageStore
from kiosk.ui.login_vm import LoginVm, QrSession
from kiosk.ui.lookup_vm import LookupVm
from kiosk.ui.queue_vm import QueueVm
from kiosk.ui.services import UiServices
from kiosk.ui.theme import Theme
from kiosk.ui.units import Units
from kiosk.ui.voice import Voice
from kiosk.ui.worker import DeviceWorker, DeviceWorkers

QML_MAIN = Path(__file__).resolve().parent / "qml" / "Main.qml"
FONT_FAMILY = "Noto Sans"


def prepare_environment() -> None:
    """Environment the Qt Virtual Keyboard needs; call before QGuiApplication exists."""
    import os

    os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    os.environ.setdefault("QT_VIRTUALKEYBOARD_DESKTOP_DISABLE", "0")


def dispose_engine(engine: QQmlEngine) -> None:
    """Close and delete ``engine`` with every window and object it owns, now, on this thread.

    ``deleteLater`` alone leaves the engine alive until some later event loop runs, which in a
    test suite is the *next* test's: an old engine and its windows then die in the middle of a new
    engine's work. Call this from outside any slot of the objects being deleted (after
    ``app.exec()`` returns, or from a test's teardown).
    """
    if isinstance(engine, QQmlApplicationEngine):
        for root in engine.rootObjects():
            if isinstance(root, QWindow):
                root.close()
    engine.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # The view-models' Python wrappers sit in reference cycles (closures, slots) and outlive their
    # C++ objects until the cyclic GC runs. Left to chance, that GC runs in the middle of the next
    # engine's work, after Qt has handed the freed addresses to new objects, and shiboken then
    # acts on a stale wrapper whose address now belongs to a live object (it crashed
    # QQmlEngine::singletonInstance during engine.load). Collect them now, while nothing reuses
    # those addresses.
    gc.collect()


def apply_font(app: QGuiApplication) -> None:
    font = QFont(FONT_FAMILY)
    app.setFont(font)


@dataclass
class KioskUi:
    """Everything alive for one kiosk window; ``close`` stops devices and threads."""

    engine: QQmlApplicationEngine
    window: QQuickWindow
    flow: FlowVm
    strings: Strings
    voice: Voice
    units: Units
    theme: Theme
    images: ImageStore
    workers: tuple[DeviceWorker, ...]
    calls: StaffCaller  # citizens' calls for staff, and slips held for a reprint by staff

    @property
    def devices(self) -> DeviceWorkers:
        """The devices' own threads (the admin overlay drives the same devices through them)."""
        named = {w.name: w for w in self.workers}
        return DeviceWorkers(named["qr"], named["scanner"], named["printer"])

    def close(self) -> None:
        self.flow.idle.stop()
        self.flow.login.end()
        self.flow.lookup.end()
        self.voice.stop()
        self.voice.close()
        for w in self.workers:
            w.close()
        dispose_engine(self.engine)


def make_session(services: UiServices) -> Session:
    if services.session_factory is not None:
        return services.session_factory()
    st = services.settings
    return Session(
        services.catalog,
        services.clock,
        st.idle_s,
        st.countdown_s,
        wall_clock=services.now,
        otp_available=False,
    )


def build_ui(services: UiServices) -> KioskUi:
    """Create the view-models, load Main.qml and return the live window."""
    st = services.settings
    engine = QQmlApplicationEngine()
    strings = Strings(st.language, parent=engine)
    voice = Voice(strings, engine=st.tts_engine, clips_dir=st.voice_dir, parent=engine)
    units = Units(st.panel_dpi, parent=engine)
    theme = Theme(parent=engine)
    images = ImageStore()
    engine.addImageProvider(PROVIDER_ID, images)
    qr_w = DeviceWorker("qr", engine)
    scan_w = DeviceWorker("scanner", engine)
    print_w = DeviceWorker("printer", engine)
    store_w = DeviceWorker("store", engine)
    otp_w = DeviceWorker("otp", engine)
    session = make_session(services)
    qr = QrSession(services.qr_reader, qr_w, engine)
    form = FormVm(strings, services.catalog, engine)
    form.attach_reader(qr)  # another person's card, on their name's question
    docs = DocumentsVm(
        strings, services.scanner, scan_w, images=images, session=lambda: session, parent=engine
    )
    login = LoginVm(
        strings,
        qr=qr,
        reader=services.qr_reader,
        images=images,
        tips_after_s=st.login_tips_s,
        online=services.online,
        vneid=services.vneid,
        net_worker=otp_w,  # the gateway's citizen calls (VNeID, OTP) share one thread
        parent=engine,
    )
    confirm = ConfirmVm(strings, engine)
    done = DoneVm(services.printer, print_w, images, services.receipt_font, engine)
    lookup = LookupVm(strings, services.lookup, qr, services.kiosk.code_prefix, worker=store_w, parent=engine)
    queue = QueueVm(
        strings,
        ticket=services.queue_ticket,
        printer=services.printer,
        worker=print_w,
        store_worker=store_w,
        today=lambda: services.now().date(),
        commune=services.kiosk.commune_name,
        font=services.receipt_font,
        parent=engine,
    )
    idle = IdleVm(lambda: session, engine)
    flow = FlowVm(
        services,
        session,
        strings=strings,
        voice=voice,
        units=units,
        theme=theme,
        images=images,
        parts=(form, docs, login, confirm, done, lookup, queue, idle),
        store_worker=store_w,
        otp_worker=otp_w,
        parent=engine,
    )
    calls = StaffCaller(services.call_staff, store_w, flow.current_screen, engine)
    done.on_call_staff = calls.call
    done.on_reprinted = calls.drop_slip
    calls.reprinted.connect(done.reprinted_elsewhere)
    guide = GuideVm(strings, services.catalog, screen=flow.current_screen, screen_changed=flow.changed,
                    say=voice.say, call_officer=lambda: done.call_officer("help"),
                    choose=flow.choose_procedure, parent=engine)
    ctx = engine.rootContext()
    for name, obj in (
        ("units", units),
        ("theme", theme),
        ("i18n", strings),
        ("voice", voice),
        ("flow", flow),
        ("form", form),
        ("docs", docs),
        ("login", login),
        ("confirm", confirm),
        ("done", done),
        ("lookup", lookup),
        ("queue", queue),
        ("idle", idle),
        ("guide", guide),
    ):
        ctx.setContextProperty(name, obj)
    ctx.setContextProperty("panelWidthMm", st.width_mm)
    ctx.setContextProperty("panelHeightMm", st.height_mm)
    ctx.setContextProperty("portrait", st.height_mm > st.width_mm)
    engine.load(QML_MAIN)
    roots = engine.rootObjects()
    if not roots or not isinstance(roots[0], QQuickWindow):
        raise RuntimeError(f"could not load {QML_MAIN}")
    window = roots[0]
    voice.prompt("welcome")
    return KioskUi(
        engine=engine,
        window=window,
        flow=flow,
        strings=strings,
        voice=voice,
        units=units,
        theme=theme,
        images=images,
        workers=(qr_w, scan_w, print_w, store_w, otp_w),
        calls=calls,
    )
