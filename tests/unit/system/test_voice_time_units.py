"""The voice and the clock are part of the installed appliance: kiosk-speech.service starts
speech-dispatcher before the kiosk on the socket the kiosk is told about, with the shipped
configuration; systemd-timesyncd gets a drop-in the installed timesyncd understands."""

from __future__ import annotations

import configparser
import re
import shutil
from pathlib import Path

import pytest

from kiosk.paths import SYSTEMD_DIR
from kiosk.speech import APPLIANCE_SOCKET
from kiosk.system_install import install


def _unit(root: Path, name: str) -> str:
    return (root / "etc/systemd/system" / name).read_text("utf-8")


def test_install_puts_the_speech_unit_and_configs_in_place(tmp_path: Path) -> None:
    installed = install(tmp_path, prefix=Path("/opt/dvc-kiosk"))
    names = {p.relative_to(tmp_path).as_posix() for p in installed.files}
    assert "etc/systemd/system/kiosk-speech.service" in names
    assert "etc/dvc-kiosk/speech-dispatcher/speechd.conf" in names
    assert "etc/systemd/timesyncd.conf.d/dvc-kiosk.conf" in names
    # a technician's edit survives a second install
    conf = tmp_path / "etc/dvc-kiosk/speech-dispatcher/speechd.conf"
    conf.write_text(conf.read_text("utf-8").replace('"default"', '"plughw:CARD=PCH,DEV=0"'))
    install(tmp_path, prefix=Path("/opt/dvc-kiosk"))
    assert '"plughw:CARD=PCH,DEV=0"' in conf.read_text("utf-8")


def test_the_kiosk_starts_after_speech_on_the_socket_speech_makes(tmp_path: Path) -> None:
    install(tmp_path, prefix=Path("/opt/dvc-kiosk"))
    kiosk, speech = _unit(tmp_path, "kiosk.service"), _unit(tmp_path, "kiosk-speech.service")
    assert re.search(r"^After=.*\bkiosk-speech\.service\b", kiosk, re.M)
    assert re.search(r"^Wants=.*\bkiosk-speech\.service\b", kiosk, re.M)
    assert f"Environment=SPEECHD_ADDRESS=unix_socket:{APPLIANCE_SOCKET}\n" in kiosk
    assert f"--socket-path {APPLIANCE_SOCKET}" in speech
    assert f"[ ! -S {APPLIANCE_SOCKET} ]" in speech  # started only once the socket exists
    assert "--config-dir /etc/dvc-kiosk/speech-dispatcher" in speech
    assert f"RuntimeDirectory={APPLIANCE_SOCKET.parent.name}\n" in speech
    assert "--timeout 0" in speech  # never quits for lack of clients
    assert "DeviceAllow=char-alsa rw" in speech


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_the_speech_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    import subprocess

    install(tmp_path, prefix=Path("/opt/dvc-kiosk"))
    unit = tmp_path / "etc/systemd/system/kiosk-speech.service"
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "kiosk-speech.service" not in result.stderr, result.stderr


TIMESYNCD = Path("/lib/systemd/systemd-timesyncd")


@pytest.mark.skipif(not TIMESYNCD.exists(), reason="systemd-timesyncd is not installed")
def test_every_timesyncd_key_is_one_the_installed_timesyncd_knows() -> None:
    parser = configparser.ConfigParser(strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(SYSTEMD_DIR / "timesyncd/dvc-kiosk.conf", encoding="utf-8")
    assert parser.sections() == ["Time"]
    binary = TIMESYNCD.read_bytes()
    keys = list(parser["Time"])
    assert {"NTP", "SaveIntervalSec"} <= set(keys)
    for key in keys:
        assert f"Time.{key}\x00".encode() in binary, key
