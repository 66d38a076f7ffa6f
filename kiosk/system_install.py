"""`kiosk system install`: put units, tmpfiles, udev rules and a config in place.

Units are kept in `systemd/` with the placeholder prefix /opt/dvc-kiosk; installing replaces it
with the real checkout (which holds the .venv). `--root` installs into a staging folder (tests,
image builds); with the real root it also creates the user and reloads systemd and udev.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kiosk.paths import REPO_ROOT

PLACEHOLDER = "/opt/dvc-kiosk"
SYSTEMD_DIR = REPO_ROOT / "systemd"

DEFAULT_CONFIG = """\
# DVC Kiosk configuration (validated at start; see README "Configuration").
[kiosk]
id = "KIOSK-0001"
code_prefix = "K01"
commune_name = "Xã Tân Phú"
commune_code = "26734"
authority = "UBND xã Tân Phú"

[paths]
data_dir = "/var/lib/dvc-kiosk/data"

[devices.camera]
backend = "opencv"
source = "0"

[devices.scanner]
backend = "sane"

[devices.printer]
backend = "usb"

[gateway]
# Set by provisioning: the province's gateway (an https:// URL) and its two public keys, from
# the gateway operator (`kiosk provision` shows this kiosk's key to give them). Until they are
# set the kiosk does not start: the embedded reference gateway is for simulation only.
mode = "remote"
url = ""
signing_public_key = ""
encryption_public_key = ""
"""


@dataclass(frozen=True)
class Installed:
    files: tuple[Path, ...]
    commands_run: tuple[str, ...]


def _render(src: Path, dest: Path, prefix: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(src.read_text("utf-8").replace(PLACEHOLDER, str(prefix)), "utf-8")
    return dest


def install(root: Path, prefix: Path = REPO_ROOT) -> Installed:
    """Install into `root` ("/" for the real system); returns what was written and run."""
    files: list[Path] = []
    unit_dir = root / "etc/systemd/system"
    for unit in sorted(SYSTEMD_DIR.glob("*.service")) + sorted(SYSTEMD_DIR.glob("*.timer")):
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
        if not dest.exists():
            files.append(_render(src, dest, prefix))
    config = root / "etc/dvc-kiosk/kiosk.toml"
    if not config.exists():  # never overwrite a technician's configuration
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(DEFAULT_CONFIG, "utf-8")
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
