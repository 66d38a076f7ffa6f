"""Headless scripted session on the simulated devices: a PNG per screen and the slip image."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from devices.scanner.sample_pages import make_sample_page
from kiosk.config import ConfigError, KioskConfig, PathsSection
from kiosk.domain.cccd import format_cccd
from kiosk.domain.identity import Gender, Identity
from kiosk.domain.lookup_code import slip_qr_text
from kiosk.ui.services import UiServices

if TYPE_CHECKING:
    from kiosk.domain.catalog import Field
    from kiosk.ui.documents_vm import DocumentsVm
    from kiosk.ui.flow_vm import FlowVm

DEMO_CITIZEN = Identity(
    citizen_id="049175001234",
    old_id="",
    full_name="Huỳnh Thị Ánh Tuyết",
    date_of_birth=date(1975, 3, 8),
    gender=Gender.FEMALE,
    address="Thôn Lý Trường, xã Bình Phú, tỉnh Quảng Nam",
    issue_date=date(2021, 5, 1),
)
DEMO_PROCEDURE = "HT-XNHN"
WAIT_S = 10.0
DEMO_MARK = ".dvc-kiosk-demo"
"""A file in the demo's data folder: only a folder carrying it is ever wiped by the next demo."""


class DemoFolderError(ConfigError):
    """The demo's data folder exists but was not made by `kiosk demo`: it is left alone."""


def fresh_demo_config(config: KioskConfig, out_dir: Path) -> KioskConfig:
    """The demo's own kiosk: built-in demo defaults (embedded gateway, simulated devices) with a
    data folder made afresh in ``out_dir/kiosk-data``, so every run plays the same session (a
    previous run's link state, OTP path or queue never carries over) and a real kiosk's data and
    gateway are never touched. Only the [kiosk] and [display] sections of ``config`` are taken."""
    data = out_dir / "kiosk-data"
    if data.exists() or data.is_symlink():
        if data.is_symlink() or not (data / DEMO_MARK).is_file():
            raise DemoFolderError(f"{data} exists and was not made by kiosk demo: left alone; "
                                  "give another --out")
        shutil.rmtree(data)
    data.mkdir(parents=True)
    (data / DEMO_MARK).write_text("made by kiosk demo; the next kiosk demo removes this folder\n",
                                  encoding="utf-8")
    demo = KioskConfig().model_copy(update={
        "kiosk": config.kiosk, "display": config.display,
        "paths": PathsSection(data_dir=data.resolve())})
    return demo.simulated()


@dataclass
class DemoResult:
    application_code: str
    screenshots: list[Path] = field(default_factory=list)
    slip_path: Path | None = None


def _answer_question(flow: FlowVm) -> Field:
    """Answer the question on screen as the demo citizen (divorced: a document more); its field."""
    f = flow.form.field
    assert f is not None
    if f.kind.value == "text":
        flow.form.set_text("Trần Văn Bình")
    elif f.kind.value in ("choice", "yes_no", "place"):
        options = flow.form._get_options()
        flow.form.choose(options[1 if f.id == "marital_status" else 0]["value"])
    return f


def _pause(ms: int) -> None:
    """Let Qt run its events for ``ms`` in an event loop, which releases the GIL while idle (the
    devices' worker threads scan, seal and print meanwhile). Not ``QTest.qWait``: it keeps the
    GIL while it sleeps, which starved those threads (the demo took twice as long)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _wait(pred: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not pred():
        if time.monotonic() > deadline:
            raise TimeoutError(f"demo: timed out waiting for {what}")
        _pause(20)


def run_demo(
    services: UiServices,
    out_dir: Path,
    *,
    languages: Sequence[str] = ("vi", "en"),
    themes: Sequence[str] = ("default", "high_contrast"),
    text_size: int = 0,
    large_text: bool = True,
) -> DemoResult:
    """Play the whole session once per language and theme at ``text_size``, saving every screen;
    then (``large_text``) once more in the first language at the largest text size, and the
    help / cancel screens of a mid-session."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from kiosk.ui.app_ui import apply_font, build_ui, prepare_environment

    if services.sim is None:
        raise ValueError("the demo needs the simulated devices' controls (services.sim)")
    prepare_environment()
    app = QGuiApplication.instance() or QGuiApplication([])
    assert isinstance(app, QGuiApplication)
    apply_font(app)
    out_dir.mkdir(parents=True, exist_ok=True)
    ui = build_ui(services)
    result = DemoResult(application_code="")
    try:
        for lang in languages:
            for theme in themes:
                tag = f"{lang}_{theme}" + (f"_size{text_size}" if text_size else "")
                code = _play(ui, services, out_dir, tag, lang=lang, theme=theme, result=result,
                             text_size=text_size)
                result.application_code = result.application_code or code
        if large_text and languages:
            _play(ui, services, out_dir, f"{languages[0]}_default_large", lang=languages[0],
                  theme="default", result=result, text_size=2)
        for lang in languages:
            _help_and_cancel(ui, services, out_dir, f"{lang}_default", lang=lang, result=result)
        for lang in languages:
            _paper_out(ui, services, out_dir, f"{lang}_default", lang=lang, result=result)
        if large_text and languages:
            _paper_out(ui, services, out_dir, f"{languages[0]}_default_large", lang=languages[0],
                       result=result, text_size=2)
    finally:
        ui.close()
    return result


def _has_pages(docs: DocumentsVm, doc_id: str) -> Callable[[], bool]:
    return lambda: bool(docs.pages.get(doc_id))


def _play(  # noqa: PLR0915 - one straight script, screen after screen
    ui: object,
    services: UiServices,
    out_dir: Path,
    tag: str,
    *,
    lang: str,
    theme: str,
    result: DemoResult,
    text_size: int = 0,
) -> str:
    from kiosk.ui.app_ui import KioskUi

    assert isinstance(ui, KioskUi)
    assert services.sim is not None
    flow = ui.flow
    shot_no = [0]

    def shot(name: str) -> None:
        _wait(lambda: flow.current_screen() == name or name.startswith(flow.current_screen()), name)
        _pause(120)  # let images load and the scene render
        shot_no[0] += 1
        path = out_dir / f"{tag}_{shot_no[0]:02d}_{name}.png"
        ui.window.grabWindow().save(str(path))
        result.screenshots.append(path)

    ui.strings.set_language(lang)
    ui.theme._set_name(theme)
    ui.units._set_text_size(text_size)
    shot("welcome")
    flow.start()
    shot("procedure")
    guide = ui.engine.rootContext().contextProperty("guide")
    guide.preview_procedure(DEMO_PROCEDURE)  # fee, time, documents and come-back, before login
    shot("procedure_details")
    guide.go()
    services.sim.qr.inject(b"VNEID:demo-token-8f2c1e7a")  # the demo kiosk has no link
    _wait(lambda: bool(flow.login._get_message()), "VNeID offline")
    shot("login_vneid_offline")
    services.sim.qr.inject(b"https://example.invalid/not-a-card")
    _wait(lambda: bool(flow.login._get_message()), "refusal")
    shot("login")
    services.sim.qr.inject(format_cccd(DEMO_CITIZEN).encode("utf-8"))
    _wait(lambda: flow.current_screen() == "question", "login")
    first = True
    while flow.current_screen() == "question":
        f = _answer_question(flow)
        if first or f.id == "marital_status" or f.kind.value == "text":
            shot(f"question_{f.id}")
        if f.kind.value == "text" and flow.form.can_scan_card:
            flow.form.scan_card()  # "Quét thẻ căn cước của người đó"
            shot(f"question_{f.id}_card")
            flow.form.stop_card()
        first = False
        flow.next()
    shot("documents_empty")
    for item in flow.docs._get_items():
        if item["required"]:
            services.sim.scanner.feed([make_sample_page(item["title"], seed=3)])
            flow.docs.scan(item["id"])
            doc_id = str(item["id"])
            _wait(_has_pages(flow.docs, doc_id), "scan")
    shot("documents")
    flow.idle._set(counting=True, left=60)  # how the countdown looks (the clock is not ours)
    shot("documents_idle_countdown")
    flow.idle.still_here()
    flow.next()
    shot("review")
    flow.next()
    for d in flow.confirm.current_code()[:4]:
        flow.confirm.digit(d)
    shot("confirm")
    for d in flow.confirm.current_code()[4:]:
        flow.confirm.digit(d)
    flow.confirm.submit()
    _wait(lambda: flow.current_screen() == "done" and not flow.done.is_printing(), "done")
    shot("done")
    record = flow.record
    assert record is not None
    if result.slip_path is None and flow.done.slip_image is not None:
        result.slip_path = out_dir / "slip.png"
        flow.done.slip_image.save(result.slip_path)
    flow.next()
    shot("rating")
    flow.rate(3)
    flow.open_lookup()
    ui.strings.set_language(lang)  # the end of a session put the display choices back
    ui.theme._set_name(theme)
    ui.units._set_text_size(text_size)
    # the slip's QR (code + lookup token), as a citizen holding the slip would show it
    services.sim.qr.inject(slip_qr_text(record.application_code, record.lookup_token).encode("utf-8"))
    _wait(lambda: bool(flow.lookup._get_result()), "lookup")
    shot("lookup")
    flow.home()
    ui.strings.set_language(lang)
    ui.theme._set_name(theme)
    ui.units._set_text_size(text_size)
    flow.open_queue()
    flow.queue.choose("civil")
    _wait(lambda: not flow.queue.is_busy(), "ticket")
    shot("queue")
    flow.home()
    return record.application_code


def _help_and_cancel(ui: object, services: UiServices, out_dir: Path, tag: str, *, lang: str,
                     result: DemoResult) -> None:
    """Help called from a mid-session screen, then "Hủy, làm lại" asking before it wipes."""
    from kiosk.ui.app_ui import KioskUi

    assert isinstance(ui, KioskUi)
    assert services.sim is not None
    flow = ui.flow
    guide = ui.engine.rootContext().contextProperty("guide")

    def shot(name: str) -> None:
        _pause(120)
        path = out_dir / f"{tag}_{name}.png"
        ui.window.grabWindow().save(str(path))
        result.screenshots.append(path)

    ui.strings.set_language(lang)
    flow.start()
    guide.preview_procedure(DEMO_PROCEDURE)
    guide.go()
    # another variant of the same card: the reader drops a repeat of the last payload
    variant = len(result.screenshots) % 4 + 1
    services.sim.qr.inject(format_cccd(DEMO_CITIZEN, trailing_empty=variant).encode("utf-8"))
    _wait(lambda: flow.current_screen() == "question", "login")
    guide.call_staff()
    _wait(lambda: bool(guide.officer_called), "help")
    shot("20_question_help_called")
    guide.ask_cancel()
    _wait(lambda: bool(guide.asking_cancel), "cancel dialog")
    shot("21_question_cancel_dialog")
    flow.home()
    _wait(lambda: flow.current_screen() == "welcome", "wiped")


def _paper_out(ui: object, services: UiServices, out_dir: Path, tag: str, *, lang: str,
               result: DemoResult, text_size: int = 0) -> None:
    """The printer is out of paper at the end: the done screen shows and says the code, staff are
    called (a call on the staff screen, which reprints the slip); here the kiosk's own reprint."""
    from devices.status import DeviceStatus
    from kiosk.ui.app_ui import KioskUi

    assert isinstance(ui, KioskUi)
    assert services.sim is not None
    flow = ui.flow
    guide = ui.engine.rootContext().contextProperty("guide")
    ui.strings.set_language(lang)
    ui.units._set_text_size(text_size)
    flow.start()
    guide.preview_procedure(DEMO_PROCEDURE)
    guide.go()
    variant = len(result.screenshots) % 4 + 1  # the reader drops a repeat of the last payload
    services.sim.qr.inject(format_cccd(DEMO_CITIZEN, trailing_empty=variant).encode("utf-8"))
    _wait(lambda: flow.current_screen() == "question", "login")
    while flow.current_screen() == "question":
        _answer_question(flow)
        flow.next()
    for item in flow.docs._get_items():
        if item["required"]:
            services.sim.scanner.feed([make_sample_page(item["title"], seed=3)])
            flow.docs.scan(item["id"])
            _wait(_has_pages(flow.docs, str(item["id"])), "scan")
    flow.next()
    flow.next()
    services.sim.printer.set_status(DeviceStatus.NO_PAPER)
    for d in flow.confirm.current_code():
        flow.confirm.digit(d)
    flow.confirm.submit()
    _wait(lambda: flow.current_screen() == "done" and flow.done.print_state == "failed"
          and bool(flow.done.officer_notified), "paper out")
    _pause(120)
    path = out_dir / f"{tag}_19_done_printer_failed.png"
    ui.window.grabWindow().save(str(path))
    result.screenshots.append(path)
    services.sim.printer.set_status(DeviceStatus.READY)  # paper back: the slip prints
    flow.done.reprint()
    _wait(lambda: flow.done.print_state == "printed", "reprint")
    flow.next()
    flow.rate(3)
    ui.units._set_text_size(0)
    _wait(lambda: flow.current_screen() == "welcome", "home")
