"""A software update from a staff USB stick installs only the bytes the province signed, even
when the stick changes between the check and the install.

`kiosk system update` (root, kiosk-update.service) checks the bundle (InRelease signature,
Packages hash, the .deb's size and SHA-256), then waits for the kiosk to be idle at Welcome (up
to an hour, `--wait-idle 3600`) and installs. Before, it installed the .deb *from the stick* by
the path it had checked: a stick pulled out in that hour and replaced by another (any stick is
mounted at /media/usbstick) with another .deb under the same name was installed as root
without any check. Now the check is made on a copy taken off the stick into root's own folder,
and that copy is what is installed and kept for going back.

Real parts: a gpg key, real .debs (dpkg-deb), the signed repository, apt and dpkg on a
throwaway root (tests/updates/conftest.py).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from kiosk.update.repo import make_bundle, verify_bundle
from kiosk.update.updater import Result
from tests.updates.conftest import (  # noqa: F401 (pytest fixtures used by name)
    KioskBox,
    Province,
    _keep_umask,
    kiosk_box,
    province,
)

MARK = "opt/dvc-kiosk/NOT-SIGNED-BY-THE-PROVINCE"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _unsigned_twin(signed: Path, out: Path) -> Path:
    """The same package and version with one more file: what a swapped stick could carry."""
    out.mkdir(parents=True)
    tree = out / "tree"
    subprocess.run(["dpkg-deb", "-R", str(signed), str(tree)], check=True, capture_output=True)
    (tree / MARK).write_text("installed from a stick swapped after the check\n", "utf-8")
    (tree / MARK).chmod(0o644)
    twin = out / signed.name
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(tree), str(twin)],
                   check=True, capture_output=True)
    return twin


def test_a_stick_swapped_after_the_check_installs_only_what_was_checked(
        province: Province, kiosk_box: KioskBox, tmp_path: Path) -> None:  # noqa: F811
    province.release("1.0")
    assert kiosk_box.updater().from_repository().result is Result.INSTALLED
    signed = province.release("1.1")
    stick = make_bundle(province.repo, tmp_path / "stick" / "dvc-kiosk-update")
    found = verify_bundle(stick, province.keyring, arch="amd64")
    assert found.version == "1.1"

    # While the updater waits for the kiosk to be idle, the stick is swapped: the same path,
    # the same package and version, bytes the province never signed.
    on_stick = next(stick.glob("pool/**/dvc-kiosk_1.1_amd64.deb"))
    shutil.copyfile(_unsigned_twin(on_stick, tmp_path / "twin"), on_stick)
    assert _sha256(on_stick) != _sha256(signed)

    kiosk_box.service.stop()
    outcome = kiosk_box.updater().from_bundle(found.path)
    assert not (kiosk_box.root / MARK).exists(), "an unchecked .deb was installed as root"
    assert outcome.result is Result.INSTALLED, outcome
    assert kiosk_box.installed() == "1.1"
    kept = kiosk_box.keeper.deb_for("1.1")
    assert kept is not None
    assert _sha256(kept) == _sha256(signed)  # what is kept for going back is the signed one too
