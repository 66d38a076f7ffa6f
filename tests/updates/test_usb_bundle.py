"""The same update on the staff USB stick, for communes with no link for weeks: verified against
the province's key (signed Release, Packages hash, .deb hash and size) before anything installs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.update.repo import BundleError, make_bundle, verify_bundle
from kiosk.update.updater import Result
from kiosk.update.usb import find_bundles
from tests.updates.conftest import KioskBox, Province, make_key


def _flip(path: Path, at: int = -10) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_bundle_installs_with_no_link(province: Province, kiosk_box: KioskBox, tmp_path: Path) -> None:
    province.release("1.0")
    assert kiosk_box.updater().from_repository().result is Result.INSTALLED
    province.release("1.1")
    stick = make_bundle(province.repo, tmp_path / "stick" / "dvc-kiosk-update")
    # The commune's link is down: the repository URL answers nothing.
    sources = kiosk_box.apt.sources
    sources.write_text(sources.read_text().replace(province.url, "http://127.0.0.1:9/"))
    found = verify_bundle(stick, province.keyring, arch="amd64")
    assert found.version == "1.1"
    assert not found.path.is_relative_to(stick)  # checked and installed from a copy off it
    kiosk_box.service.stop()
    outcome = kiosk_box.updater().from_bundle(found.path)
    assert outcome.result is Result.INSTALLED, outcome
    assert kiosk_box.installed() == "1.1"
    assert kiosk_box.keeper.deb_for("1.1") is not None  # copied off the stick for going back
    assert kiosk_box.updater().from_bundle(found.path).result is Result.UP_TO_DATE


def test_bundle_with_a_failing_version_rolls_back(province: Province, kiosk_box: KioskBox,
                                                  tmp_path: Path) -> None:
    province.release("1.0")
    assert kiosk_box.updater().from_repository().result is Result.INSTALLED
    province.release("1.1", starts=False)
    stick = make_bundle(province.repo, tmp_path / "stick")
    kiosk_box.service.stop()
    outcome = kiosk_box.updater().from_bundle(verify_bundle(stick, province.keyring, arch="amd64").path)
    assert outcome.result is Result.ROLLED_BACK, outcome
    assert kiosk_box.installed() == "1.0"


TAMPER: dict[str, Callable[[Path], object]] = {
    "deb": lambda s: _flip(next(s.glob("pool/**/dvc-kiosk_1.1_amd64.deb"))),
    "deb-replaced": lambda s: shutil.copyfile(next(s.glob("pool/**/dvc-kiosk_1.0_amd64.deb")),
                                              next(s.glob("pool/**/dvc-kiosk_1.1_amd64.deb"))),
    "packages": lambda s: _flip(s / "dists/stable/main/binary-amd64/Packages", 40),
    "release-body": lambda s: (s / "dists/stable/InRelease").write_text(
        (s / "dists/stable/InRelease").read_text().replace("Suite: stable", "Suite: stablf")),
    "no-signature": lambda s: (s / "dists/stable/InRelease").write_text(
        (s / "dists/stable/Release").read_text()),
    "deb-missing": lambda s: next(s.glob("pool/**/dvc-kiosk_1.1_amd64.deb")).unlink(),
}


@pytest.mark.parametrize("how", sorted(TAMPER))
def test_tampered_bundle_refused(province: Province, tmp_path: Path, how: str) -> None:
    province.release("1.0")
    province.release("1.1")
    stick = make_bundle(province.repo, tmp_path / "stick")
    assert verify_bundle(stick, province.keyring, arch="amd64").version == "1.1"
    TAMPER[how](stick)
    with pytest.raises(BundleError):
        verify_bundle(stick, province.keyring, arch="amd64")


def test_bundle_signed_by_another_key_refused(province: Province, tmp_path: Path) -> None:
    province.release("1.1")
    stick = make_bundle(province.repo, tmp_path / "stick")
    _, other = make_key(tmp_path / "other-gnupg", "Not the province")
    with pytest.raises(BundleError, match="signature is not the province's"):
        verify_bundle(stick, other, arch="amd64")


def test_cli_refuses_a_tampered_stick_before_anything(province: Province, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    province.release("1.1")
    stick = make_bundle(province.repo, tmp_path / "stick")
    _flip(next(stick.glob("pool/**/*.deb")))
    cache = tmp_path / "cache"
    code = main(["system", "update", "--bundle", str(stick), "--keyring", str(province.keyring),
                 "--cache", str(cache)])
    out = capsys.readouterr().out
    assert code == 2
    assert "refused:" in out
    assert "differs from what the province signed; nothing installed" in out
    assert not cache.exists()


def test_bundles_found_on_mounted_sticks(tmp_path: Path) -> None:
    media, run_media = tmp_path / "media", tmp_path / "run-media"
    (media / "STAFF" / "dvc-kiosk-update").mkdir(parents=True)  # a fixed mount: /media/LABEL
    (run_media / "kiosk" / "USB1" / "dvc-kiosk-update").mkdir(parents=True)  # udisks
    (media / "OTHER" / "photos").mkdir(parents=True)
    (media / "FILE").mkdir()
    (media / "FILE" / "dvc-kiosk-update").write_text("not a folder")
    assert find_bundles((media, run_media, tmp_path / "absent")) == [
        media / "STAFF" / "dvc-kiosk-update", run_media / "kiosk" / "USB1" / "dvc-kiosk-update"]
