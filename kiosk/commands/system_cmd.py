"""`kiosk system install`."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.system_install import install as do_install


def install(args: argparse.Namespace, config: KioskConfig) -> int:
    del config
    result = do_install(args.root)
    for path in result.files:
        print(f"wrote {path}")
    for command in result.commands_run:
        print(f"ran   {command}")
    return 0


def update(args: argparse.Namespace, config: KioskConfig) -> int:
    """`kiosk system update [--bundle DIR]`: install a newer dvc-kiosk between sessions."""
    from kiosk.update.apt import KEYRING, Apt, AptError, SystemdService
    from kiosk.update.repo import BundleError, verify_bundle
    from kiosk.update.trial import PackageKeeper
    from kiosk.update.updater import Updater

    deb = None
    bundle = args.bundle
    if bundle is None and not args.no_usb:
        from kiosk.update.usb import find_bundles

        sticks = find_bundles()
        bundle = sticks[0] if sticks else None
        if bundle is not None:
            print(f"update bundle found on a USB stick: {bundle}")
    if bundle is not None:  # checked before anything else happens
        try:
            # checked on a copy in root's cache, which is what gets installed (not the stick)
            found = verify_bundle(bundle, args.keyring or KEYRING,
                                  keep_in=PackageKeeper(args.cache).dir / "incoming")
        except BundleError as exc:
            print(f"refused: {exc}; nothing installed")
            return 2
        print(f"verified {found.path.name} ({found.version}) against {args.keyring or KEYRING}")
        deb = found.path
    if deb is None and config.gateway.mode == "remote" and config.gateway.url:
        from kiosk.update.sources import ensure_sources, render_sources, repo_url

        if ensure_sources(render_sources(repo_url(config.gateway.url))):
            print(f"apt source: {repo_url(config.gateway.url)} (from the gateway URL)")
    updater = Updater(Apt(), SystemdService(), PackageKeeper(args.cache), config.data_dir / "run",
                      wait_idle_s=args.wait_idle, confirm_timeout_s=args.confirm_timeout,
                      log=print)
    try:
        outcome = updater.from_bundle(deb) if deb is not None else updater.from_repository()
    except AptError as exc:  # lock held, link down, bad signature: said in one line
        print(f"update failed: {exc}")
        print("nothing changed" if updater.keeper.pending() is None else
              "an update is on trial; the next run settles it (keeps it or goes back)")
        return 2
    print(f"{outcome.result}: {outcome.message}")
    return outcome.exit_code


def journal_upload(args: argparse.Namespace, config: KioskConfig) -> int:
    """`kiosk system journal-upload [--url URL]`: point systemd-journal-upload at the collector."""
    from kiosk.logship import (
        DROP_IN,
        check_collector_url,
        collector_url,
        render_upload_conf,
        write_upload_conf,
    )

    url = args.url
    if url is None:
        if not config.gateway.url:
            print("no --url and no [gateway] url in the configuration: nowhere to send logs")
            return 2
        url = collector_url(config.gateway.url)
    try:
        check_collector_url(url)
    except ValueError as exc:
        print(f"kiosk system journal-upload: {exc}; nothing written")
        return 2
    path = args.root / DROP_IN.relative_to("/")
    changed = write_upload_conf(render_upload_conf(url), path)
    print(f"{'wrote' if changed else 'kept '} {path} (URL={url})")
    if changed and args.root == Path("/"):
        print("then: systemctl enable --now systemd-journal-upload.service")
    return 0
