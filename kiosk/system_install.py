"""`kiosk system install`: put units, tmpfiles, udev rules and a config in place.

Units are kept in `systemd/` with the placeholder prefix /opt/dvc-kiosk; installing replaces it
with the real checkout (which holds the .venv). `--root` installs into a staging folder (tests,
image builds); with the real root it also creates the user and reloads systemd and udev.

The Debian package (``make deb``) lays the same files out where a distribution puts them
(:func:`package_tree`: /lib/systemd/system, /lib/udev/rules.d, /usr/lib/sysusers.d, ...); its
maintainer scripts do what :func:`_activate` does here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kiosk.paths import REPO_ROOT, SYSTEMD_DIR, running_from_checkout

PLACEHOLDER = "/opt/dvc-kiosk"

DEFAULT_CONFIG = resources.files("kiosk").joinpath("default_config.toml").read_text("utf-8")
"""The configuration as shipped (kiosk/default_config.toml): valid, every key with its default."""

UNIT_KINDS = ("service", "timer", "socket", "path", "mount", "automount")
"""The unit files of systemd/ the Debian package ships (in /lib/systemd/system)."""


@dataclass(frozen=True)
class Installed:
    files: tuple[Path, ...]
    commands_run: tuple[str, ...]


def _write_new(dest: Path, text: str) -> None:
    """``dest`` holds ``text`` (0644): written under a temporary name beside it and renamed into
    place. A rename replaces a link planted at ``dest`` instead of following it (root runs this,
    and /etc/dvc-kiosk is writable by the kiosk user)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
    temp = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        temp.chmod(0o644)
        temp.replace(dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _render(src: Path, dest: Path, prefix: Path) -> Path:
    _write_new(dest, src.read_text("utf-8").replace(PLACEHOLDER, str(prefix)))
    return dest


def default_prefix() -> Path:
    """What replaces /opt/dvc-kiosk in the units: the checkout (holding .venv), or the folder
    holding the virtualenv this kiosk runs from (/opt/dvc-kiosk for /opt/dvc-kiosk/.venv)."""
    return REPO_ROOT if running_from_checkout() else Path(sys.prefix).parent


def install(root: Path, prefix: Path | None = None) -> Installed:
    """Install into `root` ("/" for the real system); returns what was written and run."""
    prefix = default_prefix() if prefix is None else prefix
    files: list[Path] = []
    unit_dir = root / "etc/systemd/system"
    for unit in (p for kind in UNIT_KINDS for p in sorted(SYSTEMD_DIR.glob(f"*.{kind}"))):
        files.append(_render(unit, unit_dir / unit.name, prefix))
    for conf in sorted((SYSTEMD_DIR / "tmpfiles").glob("*.conf")):
        files.append(_render(conf, root / "etc/tmpfiles.d" / conf.name, prefix))
    for rules in sorted((SYSTEMD_DIR / "udev").glob("*.rules")):
        files.append(_render(rules, root / "etc/udev/rules.d" / rules.name, prefix))
    # the voice (kiosk-speech.service reads it) and the clock (systemd-timesyncd): kept if edited
    for src, dest in ((SYSTEMD_DIR / "speech-dispatcher/speechd.conf",
                       root / "etc/dvc-kiosk/speech-dispatcher/speechd.conf"),
                      (SYSTEMD_DIR / "timesyncd/dvc-kiosk.conf",
                       root / "etc/systemd/timesyncd.conf.d/dvc-kiosk.conf")):
        if not os.path.lexists(dest):  # a link there is left alone, never followed
            files.append(_render(src, dest, prefix))
    config = root / "etc/dvc-kiosk/kiosk.toml"
    if not os.path.lexists(config):  # never overwrite a technician's configuration
        _write_new(config, DEFAULT_CONFIG)
        files.append(config)
    commands: list[str] = []
    if root.resolve() == Path("/"):
        commands = _activate()
    return Installed(tuple(files), tuple(commands))


def _activate() -> list[str]:
    steps = [
        ["useradd", "--system", "--home-dir", "/var/lib/dvc-kiosk", "--shell", "/usr/sbin/nologin",
         "--groups", "video,lp,dialout,scanner,audio,input,render", "kiosk"],
        ["systemd-tmpfiles", "--create", "/etc/tmpfiles.d/dvc-kiosk.conf"],
        ["udevadm", "control", "--reload-rules"],
        ["systemctl", "daemon-reload"],
        ["systemctl", "enable", "kiosk.service", "kiosk-sync.service", "kiosk-speech.service"],
        ["systemctl", "enable", "--now", "systemd-timesyncd.service"],
    ]
    done = []
    for step in steps:
        if shutil.which(step[0]) is None:
            continue
        subprocess.run(step, check=False, timeout=60)
        done.append(" ".join(step))
    return done


def package_tree(root: Path) -> list[Path]:
    """Lay out the appliance's system files under `root` as the Debian package ships them."""
    prefix = Path(PLACEHOLDER)
    placed: list[Path] = []
    units = [path for kind in UNIT_KINDS for path in sorted(SYSTEMD_DIR.glob(f"*.{kind}"))]
    for unit in units:
        placed.append(_render(unit, root / "lib/systemd/system" / unit.name, prefix))
    for folder, dest in (("tmpfiles", "usr/lib/tmpfiles.d"), ("sysusers", "usr/lib/sysusers.d"),
                         ("timesyncd", "usr/lib/systemd/timesyncd.conf.d")):
        for conf in sorted((SYSTEMD_DIR / folder).glob("*.conf")):
            placed.append(_render(conf, root / dest / conf.name, prefix))
    for rules in sorted((SYSTEMD_DIR / "udev").glob("*.rules")):
        placed.append(_render(rules, root / "lib/udev/rules.d" / rules.name, prefix))
    placed.append(_render(SYSTEMD_DIR / "speech-dispatcher/speechd.conf",
                          root / "etc/dvc-kiosk/speech-dispatcher/speechd.conf", prefix))
    config = root / "etc/dvc-kiosk/kiosk.toml"
    _write_new(config, DEFAULT_CONFIG)
    placed.append(config)
    return placed


if __name__ == "__main__":  # make deb: python -m kiosk.system_install --package-tree ROOT
    if len(sys.argv) != 3 or sys.argv[1] != "--package-tree":
        sys.exit("usage: python -m kiosk.system_install --package-tree ROOT")
    for path in package_tree(Path(sys.argv[2])):
        print(path)
