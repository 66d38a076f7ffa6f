"""`kiosk` command line: one entry point for citizens' kiosk, technicians, field staff and testers.

Each sub-command imports what it needs only when it runs, so `kiosk sync status` never loads Qt
and the kiosk's cold start pays only for the UI.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk import config as config_module
from kiosk.config import ConfigError, KioskConfig, check_simulation_target, config_path, load_config

Handler = Callable[[argparse.Namespace, KioskConfig], int]

# What a command does without a configuration file (set on each sub-command's parser):
NEEDS_CONFIG = "needs"  # refused: an installed kiosk's data must never be mixed up with a demo's
DEMO_DEFAULTS = "demo"  # the built-in demo defaults (var/kiosk under the current folder)
NO_CONFIG = "none"  # reads no kiosk data (a config is used when there is one)



def _no_config_found() -> str:
    return ("kiosk: no configuration: give --config FILE, set KIOSK_CONFIG, or install "
            f"{config_module.SYSTEM_CONFIG} (the dvc-kiosk package or `kiosk system install` writes "
            "it). The built-in demo defaults are used only by `kiosk demo`, `kiosk run --simulate` "
            "and `kiosk sim`.")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return value


def _handler(module: str, name: str) -> Callable[[argparse.Namespace, KioskConfig], int]:
    def run(args: argparse.Namespace, config: KioskConfig) -> int:
        func: Handler = getattr(importlib.import_module(f"kiosk.commands.{module}"), name)
        return func(args, config)

    return run


def _add(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_: str,
         module: str, func: str, *, config: str = NEEDS_CONFIG) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_, description=help_)
    parser.set_defaults(handler=_handler(module, func), without_config=config)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="DVC Kiosk (Kiosk dịch vụ công)")
    parser.add_argument("--config", type=Path,
                        help="TOML configuration (default: $KIOSK_CONFIG, else "
                             f"{config_module.SYSTEM_CONFIG})")
    parser.add_argument("--demo-defaults", action="store_true",
                        help="use the built-in demo configuration even where a file would be found")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="say which configuration and data folder are used")
    parser.add_argument("--version", action="store_true",
                        help="print the version, the build and the configuration in use")
    sub = parser.add_subparsers(dest="command")

    run = _add(sub, "run", "run the fullscreen kiosk (with --simulate: demo defaults allowed)",
               "ui_cmd", "run")
    run.add_argument("--simulate", action="store_true", help="simulated devices")
    run.add_argument("--allow-remote-gateway", action="store_true", help=ALLOW_REMOTE_HELP)
    run.add_argument("--windowed", action="store_true", help="a window instead of fullscreen")
    run.add_argument("--safe-mode", action="store_true",
                     help="only an out-of-service screen (kiosk-safe-mode.service)")
    demo = _add(sub, "demo", "play a scripted session offscreen, write screenshots and the slip",
                "ui_cmd", "demo", config=DEMO_DEFAULTS)
    demo.add_argument("--out", type=Path, required=True)
    demo.add_argument("--lang", choices=["vi", "en"], action="append",
                      help="only this language (repeatable; default: vi and en)")
    demo.add_argument("--theme", choices=["default", "high_contrast"], action="append",
                      help="only this theme (repeatable; default: both)")
    demo.add_argument("--text-size", type=int, choices=[0, 1, 2],
                      help="play at this text size only (default: 0, then once at 2)")

    sim = sub.add_parser("sim", help="simulation tools for testers").add_subparsers(
        dest="sim_command", required=True)
    submit = _add(sim, "submit", "seal N realistic applications", "sim_cmd", "submit",
                  config=DEMO_DEFAULTS)
    submit.add_argument("--count", type=int, default=1)
    submit.add_argument("--seed", type=int, default=1)
    submit.add_argument("--pages", type=int, default=1, help="pages per document")
    submit.add_argument("--allow-remote-gateway", action="store_true", help=ALLOW_REMOTE_HELP)

    devices = sub.add_parser("devices", help="device tools for technicians").add_subparsers(
        dest="devices_command", required=True)
    decode = _add(devices, "decode-qr", "read identity QR codes in image files",
                  "devices_cmd", "decode_qr", config=NO_CONFIG)
    decode.add_argument("files", nargs="+", type=Path)
    _add(devices, "list", "list the configured devices and their health", "devices_cmd", "list_")
    test = _add(devices, "test", "self-test one device", "devices_cmd", "self_test")
    test.add_argument("device", choices=["camera", "scanner", "printer", "speaker"])

    gateway = sub.add_parser("gateway", help="the reference gateway").add_subparsers(
        dest="gateway_command", required=True)
    serve = _add(gateway, "serve", "run the reference gateway", "gateway_cmd", "serve",
                 config=NO_CONFIG)
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--data", type=Path, required=True)
    serve.add_argument("--database", help="postgresql://... to keep the rows in PostgreSQL, "
                       "shared by several gateway processes (default: SQLite in --data); a "
                       "password here shows in the process list: use PGPASSFILE or --database-file")
    serve.add_argument("--database-file", type=Path,
                       help="a file holding the postgresql://... URL (systemd LoadCredential=)")
    serve.add_argument("--documents", help="'folder' (under --data) or s3://bucket[/prefix] "
                       "(default: $DVC_GATEWAY_DOCUMENTS, else folder)")
    serve.add_argument("--s3-endpoint", help="URL of an S3-compatible store that is not AWS "
                       "(default: $DVC_GATEWAY_S3_ENDPOINT)")
    serve.add_argument("--pool-size", type=_positive_int, help="most PostgreSQL connections "
                       "this process opens (default: $DVC_GATEWAY_DB_POOL, else 8)")

    _add_sync_commands(sub)
    _add_admin_commands(sub)
    return parser


def _add_sync_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    prov = _add(sub, "provision", "make this kiosk's key and record the gateway", "sync_cmd",
                "provision")
    prov.add_argument("--gateway-url")
    prov.add_argument("--gateway-signing-key", help="base64 Ed25519 public key")
    prov.add_argument("--gateway-encryption-key", help="base64 X25519 public key")

    sync = sub.add_parser("sync", help="the sync agent").add_subparsers(
        dest="sync_command", required=True)
    _add(sync, "run", "run the agent until stopped", "sync_cmd", "run")
    _add(sync, "once", "send what can be sent now, then exit", "sync_cmd", "once")
    _add(sync, "now", "wake the agent and reset its backoff", "sync_cmd", "now")
    status = _add(sync, "status", "link, queue, last success, quarantine", "sync_cmd", "status")
    status.add_argument("--json", action="store_true")
    retry = _add(sync, "retry", "queue a quarantined application again", "sync_cmd", "retry")
    retry.add_argument("code", help="application code (or application id)")

    export = _add(sub, "export", "write a USB bundle of unsent applications", "sync_cmd", "export")
    export.add_argument("--to", type=Path, required=True,
                        help="the USB stick's folder (/media/usbstick on the appliance)")
    export.add_argument("--same-disk", action="store_true",
                        help="write there although it is on the kiosk's own disk (no stick)")
    ack = _add(sub, "import-ack", "import a gateway ACK file from USB", "sync_cmd", "import_ack")
    ack.add_argument("file", type=Path)


def _add_admin_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ctl = _add(sub, "ctl", "drive a running simulated kiosk (testers' scripts)", "ctl_cmd", "ctl",
               config=DEMO_DEFAULTS)
    ctl.add_argument("cmd", help="e.g. qr, feed, printer, scanner, camera, link, clock, tap, wait-screen")
    ctl.add_argument("argv", nargs="*")
    ctl.add_argument("--timeout", type=float, default=60.0)

    admin = sub.add_parser("admin", help="technician and staff access").add_subparsers(
        dest="admin_command", required=True)
    pin = _add(admin, "set-pin", "set the technician's or staff's PIN (asked, never echoed)",
               "admin_cmd", "set_pin")
    pin.add_argument("role", choices=["technician", "staff"])

    system = sub.add_parser("system", help="install as an appliance").add_subparsers(
        dest="system_command", required=True)
    inst = _add(system, "install", "install systemd units, tmpfiles, udev rules and a config",
                "system_cmd", "install", config=NO_CONFIG)
    inst.add_argument("--root", type=Path, default=Path("/"), help="staging root (default /)")
    upd = _add(system, "update", "install a newer dvc-kiosk between sessions (apt repository "
               "or a staff USB bundle); a version that fails to start is rolled back",
               "system_cmd", "update", config=NO_CONFIG)
    upd.add_argument("--bundle", type=Path, help="an update bundle on a USB stick (verified first)")
    upd.add_argument("--no-usb", action="store_true",
                     help="do not look for a dvc-kiosk-update folder on mounted USB sticks")
    upd.add_argument("--keyring", type=Path, help="the province's signing key (default: the package's)")
    upd.add_argument("--cache", type=Path, default=Path("/var/cache/dvc-kiosk/debs"),
                     help="where the .debs that started are kept for going back")
    upd.add_argument("--wait-idle", type=float, default=3600.0,
                     help="seconds to wait for the kiosk to be idle at Welcome (default 3600)")
    upd.add_argument("--confirm-timeout", type=float, default=180.0,
                     help="seconds the new version has to reach Welcome (default 180)")
    jup = _add(system, "journal-upload", "send the journal to the province's collector "
               "(writes the systemd-journal-upload drop-in)", "system_cmd", "journal_upload")
    jup.add_argument("--url", help="the collector (default: the gateway's host, port 19532)")
    jup.add_argument("--root", type=Path, default=Path("/"), help="staging root (default /)")


def _is_provisioning_error(exc: BaseException) -> bool:
    """A ``kiosk.provision`` error, checked without importing it (and with it the gateway client,
    requests and numpy: a tenth of a second) for every command: ``kiosk ctl`` runs dozens a session."""
    provision = sys.modules.get("kiosk.provision")
    return provision is not None and isinstance(exc, provision.ProvisioningError)


def _is_store_error(exc: BaseException) -> bool:
    """A ``kiosk.store`` error (checked without importing the store for every command)."""
    errors = sys.modules.get("kiosk.store.errors")
    return errors is not None and isinstance(exc, errors.StoreError)


def _version_text(path: Path | None) -> str:
    from importlib import metadata

    from kiosk.paths import DATA_ROOT, running_from_checkout

    try:
        version = metadata.version("dvc-kiosk")
    except metadata.PackageNotFoundError:
        version = "unknown (not installed)"
    build = "a git checkout" if running_from_checkout() else "a built package"
    try:
        from kiosk import build_info

        stamp = build_info.BUILD_TIME or f"none (source date {build_info.SOURCE_DATE})"
    except ImportError:
        stamp = "unknown"
    shown = str(path) if path is not None else (
        f"none found (--config, $KIOSK_CONFIG, {config_module.SYSTEM_CONFIG}); "
        "only the demo commands run")
    return "\n".join([f"kiosk (dvc-kiosk) {version}", f"build: {stamp}, from {build}",
                      f"data: {DATA_ROOT}", f"python: {sys.executable}", f"config: {shown}"])


def _config_for(args: argparse.Namespace) -> tuple[KioskConfig, str]:
    """The configuration this command runs with, and where it came from (for --verbose)."""
    mode = getattr(args, "without_config", NEEDS_CONFIG)
    if args.command == "run" and getattr(args, "simulate", False):
        mode = DEMO_DEFAULTS
    if args.command == "system":
        mode = NO_CONFIG
    if args.demo_defaults and args.config is None:  # asked for by name (the demo's own agent)
        return KioskConfig(), "built-in demo defaults (--demo-defaults)"
    path = config_path(args.config)
    if path is None:
        if mode == NEEDS_CONFIG:
            raise ConfigError(_no_config_found())
        return KioskConfig(), "built-in demo defaults (no configuration file)"
    return load_config(path), str(path)


ALLOW_REMOTE_HELP = ("made-up applications may go to the configured gateway although it is not on "
                     "this machine (a province's test gateway)")


def _refuse(text: str) -> None:
    """Why the kiosk will not do what it was asked, for a technician: plain lines on a terminal;
    under journald (a unit's stderr) each line starts with ``<3>`` so that journald files it at
    PRIORITY=3 and ``journalctl -p err`` shows why a kiosk did not start."""
    from kiosk.logs import stderr_is_journal

    prefix = "<3>" if stderr_is_journal() else ""
    print("\n".join(prefix + line for line in text.splitlines()), file=sys.stderr)


def _internal_error(exc: Exception) -> int:
    """A fault nobody foresaw: logged as every crash is (type, scrubbed message, where: never a
    raw traceback, which could carry a citizen's data), then one plain line; exit 1."""
    import logging

    logging.getLogger("kiosk.crash").critical("uncaught exception", exc_info=exc)
    _refuse(f"kiosk: internal error ({type(exc).__name__}); nothing more was done. The line above "
            "says where; please report it with `journalctl -u kiosk* --since today`")
    return 1


def _configure_logging() -> None:
    """Every kiosk command logs through the one scrubbed JSON set-up (kiosk.logs), not Python's
    plain last-resort line: under systemd (kiosk-update.service runs ``kiosk system update``) at
    INFO with journald priorities, on a technician's terminal only warnings and worse. The UI,
    the agent and the gateway set it up again at INFO when they start."""
    import logging

    from kiosk.logs import configure, stderr_is_journal

    configure(level=logging.INFO if stderr_is_journal() else logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    os.umask(0o077)  # everything the kiosk creates (store, documents, slips, keys) is its own
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(_version_text(config_path(args.config)))
        return 0
    if args.command is None:
        parser.error("a command is required (kiosk --help lists them)")
    _configure_logging()
    try:
        config, source = _config_for(args)
        if getattr(args, "simulate", False):
            config = config.simulated()
        if getattr(args, "simulate", False) or getattr(args, "sim_command", None) == "submit":
            check_simulation_target(config, allow_remote=args.allow_remote_gateway)
        if args.verbose:
            print(f"kiosk: config: {source}", file=sys.stderr)
            print(f"kiosk: data dir: {config.data_dir}", file=sys.stderr)
        handler: Handler = args.handler
        return handler(args, config)
    except Exception as exc:
        if isinstance(exc, ConfigError) or _is_provisioning_error(exc):
            _refuse(str(exc))
            return 2
        if not _is_store_error(exc):
            return _internal_error(exc)
        _refuse(f"kiosk: {exc}")  # lost, damaged or unavailable store: one line
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
