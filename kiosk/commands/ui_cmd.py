"""`kiosk run` (the citizen kiosk) and `kiosk demo` (a scripted session, offscreen)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    from devices.status import Health
    from kiosk.admin.config_keeper import ConfigKeeper
    from kiosk.ui.app_ui import KioskUi
    from kiosk.wiring.root import Kiosk


def _start_agent(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """The embedded gateway lives in this process, so its agent is our child (systemd runs the
    agent as kiosk-sync.service when the gateway is remote)."""
    from kiosk.config import config_path

    argv = [sys.executable, "-m", "kiosk.cli"]
    path = None if args.demo_defaults else config_path(args.config)
    # the agent finds the same configuration as this process, or is told to use the demo's
    argv += ["--config", str(path)] if path is not None else ["--demo-defaults"]
    return subprocess.Popen([*argv, "sync", "run"], preexec_fn=_die_with_parent)  # noqa: PLW1509


def _die_with_parent() -> None:
    """Linux: the agent child gets SIGTERM if the kiosk dies without cleaning up."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.admin.config_keeper import ConfigKeeper, StartDecision
    from kiosk.config import config_path, load_config
    from kiosk.events import Event
    from kiosk.logs import configure, log_event

    configure()
    path = config_path(args.config)
    keeper = ConfigKeeper(path) if path is not None else None
    if keeper is not None and keeper.on_start() is StartDecision.RESTORED:
        log_event(Event.CONFIG_REJECTED, detail="new configuration never started; last good restored")
        config = load_config(path)
        if args.simulate:
            config = config.simulated()
    if args.safe_mode:
        from kiosk.ui.safe_mode import run_safe_mode

        return run_safe_mode(config.display.language)
    return _run_kiosk(args, config, path, keeper)


def _run_kiosk(args: argparse.Namespace, config: KioskConfig, path: Path | None,
               keeper: ConfigKeeper | None) -> int:
    from kiosk.events import Event
    from kiosk.logs import log_event
    from kiosk.ui.admin import install_admin
    from kiosk.ui.runner import run_kiosk
    from kiosk.wiring.admin import admin_services_for
    from kiosk.wiring.root import build_kiosk
    from kiosk.wiring.ui import build_ui_services

    kiosk = build_kiosk(config)
    agent = _start_agent(args) if config.gateway.mode == "embedded" else None

    def attach(ui: KioskUi, app: QGuiApplication) -> Callable[[], None]:
        admin = admin_services_for(kiosk, config_path=path, restart=app.quit,
                                   on_open=ui.flow.staff_opened)  # a session that called staff stays
        overlay = install_admin(ui.engine, ui.window, admin, images=ui.images,
                                kiosk_strings=ui.strings, devices=ui.devices, calls=ui.calls)
        overlay.gate.closed.connect(ui.flow.staff_closed)
        ui.calls.called.connect(  # also a row staff see on their screen until they close it
            lambda reason, screen: log_event(Event.OFFICER_CALLED, reason=reason, screen=screen))
        ui.flow.clock_refused.connect(lambda detail: log_event(Event.CLOCK_UNTRUSTED, detail=detail))
        metrics = _metrics_timer(kiosk, ui)
        from kiosk.update.ui_hook import start_update_gate  # software updates between sessions

        def screen() -> str:  # a technician in the admin overlay counts as a session
            return "admin" if overlay.gate.is_open() else ui.flow.current_screen()

        update_gate = start_update_gate(  # tests shorten the minute of idleness asked for
            config.data_dir / "run", screen, app.quit, ui.engine,
            min_idle_s=float(os.environ.get("KIOSK_UPDATE_MIN_IDLE_S", "60")))
        updates = _updates_timer(kiosk, ui, app)
        tools = None
        if kiosk.sim_clock is not None:
            from kiosk.wiring.devdock import start_sim_tools

            link = kiosk.link
            tools = start_sim_tools(ui, kiosk, set_link=link.set_mode if link is not None else None)

        def detach() -> None:
            metrics.stop()
            update_gate.stop()
            updates.stop()
            if tools is not None:
                tools.close()
            overlay.close()

        return detach

    try:
        from kiosk.speech import tts_engine

        engine = tts_engine(config)
        services = build_ui_services(kiosk, tts_engine=engine)
        log_event(Event.KIOSK_STARTED, kiosk_id=config.kiosk.id, voice=engine,
                  simulated=kiosk.sim_clock is not None)
        def on_ready() -> None:
            from kiosk.update.gate import confirm_started

            if keeper is not None:
                keeper.confirm_good()
            confirm_started(config.data_dir / "run")  # a new package's trial ends here

        return run_kiosk(services, fullscreen=not args.windowed, attach=attach, on_ready=on_ready)
    finally:
        if agent is not None:
            agent.terminate()
            agent.wait(timeout=30)
        kiosk.close()


def _metrics_timer(kiosk: Kiosk, ui: KioskUi) -> QTimer:
    """Prometheus textfile metrics every minute (node_exporter's textfile collector reads them)."""
    import contextlib
    import hashlib
    import sqlite3

    from PySide6.QtCore import QTimer

    from kiosk.layout import metrics_dir, store_path
    from kiosk.metrics import render, write_textfile
    from sync.api import KioskFacts, UpdateLayout, publish_kiosk_facts

    config_version = "cfg-" + hashlib.sha256(
        kiosk.config.model_dump_json().encode("utf-8")).hexdigest()[:12]
    holidays = UpdateLayout(kiosk.config.data_dir).applied("holidays")  # None: the packaged file

    def write() -> None:
        health = {**kiosk.devices.health(), **_speaker_health(ui)}
        try:
            text = render(store_path(kiosk.config), kiosk.now(), health)
            write_textfile(metrics_dir(kiosk.config), text)
        except OSError:
            pass  # a full or read-only disk must not stop the kiosk; the store reports it
        # What the agent's heartbeat carries and cannot know itself.
        with contextlib.suppress(OSError, sqlite3.Error):
            publish_kiosk_facts(store_path(kiosk.config), KioskFacts(
                config_version=config_version, catalog_version=kiosk.catalog.version,
                holidays_version=holidays.version if holidays is not None else None,
                holidays_to_year=kiosk.holidays.last_year,
                devices={name: h.status.value for name, h in health.items()}))

    timer = QTimer(ui.engine)
    timer.setInterval(60_000)
    timer.timeout.connect(write)
    timer.start()
    write()
    return timer


def _speaker_health(ui: KioskUi) -> dict[str, Health]:
    """The text-to-speech voice as a device (metrics, the gateway's heartbeat): ready when
    speech-dispatcher answers and its last utterance ended; nothing when the voice is "mock"."""
    from devices.status import DeviceStatus, Health
    from kiosk.ui.voice import MUTED

    status = ui.voice.speech_status()
    if status is MUTED:
        return {}
    state = (DeviceStatus.READY if status.available else
             DeviceStatus.ERROR if status.known else DeviceStatus.UNKNOWN)
    return {"speaker": Health(state, status.detail)}


def _updates_timer(kiosk: Kiosk, ui: KioskUi, app: QGuiApplication) -> QTimer:
    """Between sessions, take the catalog/holiday updates the agent staged: under systemd
    (Restart=always), quit while the welcome screen shows and no citizen is in a session; the
    next start applies them (kiosk.data_updates) before any session begins."""
    import logging

    from PySide6.QtCore import QTimer

    from kiosk.data_updates import has_pending

    under_systemd = bool(os.environ.get("NOTIFY_SOCKET"))

    def check() -> None:
        if under_systemd and ui.flow.current_screen() == "welcome" and has_pending(
                kiosk.config.data_dir):
            logging.getLogger(__name__).info("data update staged: restarting between sessions")
            app.quit()

    timer = QTimer(ui.engine)
    timer.setInterval(30_000)
    timer.timeout.connect(check)
    timer.start()
    return timer


def demo(args: argparse.Namespace, config: KioskConfig) -> int:
    """Play a whole citizen session on simulated devices, then sync it to the embedded gateway."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image

    from devices.qr.decode import decode_image
    from kiosk.ui.demo import fresh_demo_config, run_demo
    from kiosk.wiring.gateway import run_agent_once
    from kiosk.wiring.root import build_kiosk
    from kiosk.wiring.ui import build_ui_services

    config = fresh_demo_config(config, args.out)  # a clean demo kiosk each time (never the real one)
    print(f"demo kiosk data: {config.data_dir} (made afresh)")
    kiosk = build_kiosk(config)
    try:
        services = build_ui_services(kiosk, tts_engine="mock")
        result = run_demo(services, args.out, languages=args.lang or ("vi", "en"),
                          themes=args.theme or ("default", "high_contrast"),
                          text_size=args.text_size or 0, large_text=args.text_size is None)
        read_back: list[str] = []
        if result.slip_path is not None:
            with Image.open(result.slip_path) as slip:
                read_back = [p.decode("utf-8") for p in decode_image(slip.convert("RGB"))]
        print(f"screenshots: {len(result.screenshots)} in {args.out}")
        print(f"slip: {result.slip_path} (QR reads back: {', '.join(read_back) or 'NOTHING'})")
        print("syncing to the embedded reference gateway:")
        synced = run_agent_once(config)
        print(f"application code: {result.application_code}")
        from kiosk.domain.lookup_code import parse_lookup_text

        codes = [parsed[0] for text in read_back if (parsed := parse_lookup_text(text)) is not None]
        if result.application_code not in codes:  # the slip's QR: DVCK1:<code>:<lookup token>
            print("the slip's QR does not read back to the application code", file=sys.stderr)
            return 1
        return synced
    finally:
        kiosk.close()
