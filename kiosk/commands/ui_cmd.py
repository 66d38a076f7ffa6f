"""`kiosk run` (the citizen kiosk) and `kiosk demo` (a scripted session, offscreen)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from kiosk.config import KioskConfig


def _start_agent(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """The embedded gateway lives in this process, so its agent is our child (systemd runs the
    agent as kiosk-sync.service when the gateway is remote)."""
    argv = [sys.executable, "-m", "kiosk.cli"]
    if args.config is not None:
        argv += ["--config", str(args.config)]
    return subprocess.Popen([*argv, "sync", "run"], preexec_fn=_die_with_parent)  # noqa: PLW1509


def _die_with_parent() -> None:
    """Linux: the agent child gets SIGTERM if the kiosk dies without cleaning up."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.app import build_kiosk, build_ui_services
    from kiosk.logs import configure
    from kiosk.ui.runner import run_kiosk

    configure()
    kiosk = build_kiosk(config)
    agent = _start_agent(args) if config.gateway.mode == "embedded" else None
    try:
        services = build_ui_services(kiosk)
        return run_kiosk(services, fullscreen=not args.windowed)
    finally:
        if agent is not None:
            agent.terminate()
            agent.wait(timeout=30)
        kiosk.close()


def demo(args: argparse.Namespace, config: KioskConfig) -> int:
    """Play a whole citizen session on simulated devices, then sync it to the embedded gateway."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image

    from devices.qr.decode import decode_image
    from kiosk.app import build_kiosk, build_ui_services
    from kiosk.commands.sync_cmd import agent_config
    from kiosk.ui.demo import run_demo
    from sync import cli as sync_cli

    config = config.simulated()
    kiosk = build_kiosk(config)
    try:
        services = build_ui_services(kiosk, tts_engine="mock")
        result = run_demo(services, args.out)
        read_back: list[str] = []
        if result.slip_path is not None:
            with Image.open(result.slip_path) as slip:
                read_back = [p.decode("utf-8") for p in decode_image(slip.convert("RGB"))]
        print(f"screenshots: {len(result.screenshots)} in {args.out}")
        print(f"slip: {result.slip_path} (QR reads back: {', '.join(read_back) or 'NOTHING'})")
        print("syncing to the embedded reference gateway:")
        synced = sync_cli.run_once(agent_config(config))
        print(f"application code: {result.application_code}")
        if result.application_code not in read_back:
            print("the slip's QR does not read back to the application code", file=sys.stderr)
            return 1
        return synced
    finally:
        kiosk.close()
