"""The USB update's Packages index is hashed and parsed from one read.

`verify_bundle` checks the Packages file against the SHA-256 the province signed in InRelease,
then takes the .deb's name, size and SHA-256 from it. Before, it hashed the file, then read it a
second time to parse it. The stick is mounted for the kiosk's own user (uid=kiosk), so a process
running as that user (or a device that answers differently on each read) could swap Packages
between the two reads: the hash saw the signed index, the parser an index naming a .deb of the
attacker's own, with its real size and hash, so that .deb passed every check and root installed
it. Now the bytes hashed are the bytes parsed.

The swap is a separate process renaming two versions of Packages into place in a tight loop
while the real verify_bundle (gpgv, the province's signed InRelease) runs again and again.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

from kiosk.update.repo import BundleError, make_bundle, verify_bundle
from tests.updates.conftest import (  # noqa: F401 (pytest fixtures used by name)
    Province,
    _keep_umask,
    build_deb,
    province,
)

_SWAPPER = r"""
import os, sys, time
target, good, evil = sys.argv[1:4]
good_bytes, evil_bytes = open(good, "rb").read(), open(evil, "rb").read()
until = time.monotonic() + float(sys.argv[4])
n = 0
while time.monotonic() < until:
    n += 1
    tmp = f"{target}.{n % 2}"
    with open(tmp, "wb") as f:
        f.write(evil_bytes if n % 2 else good_bytes)
    os.replace(tmp, target)
os.replace(good, target)
"""
ATTEMPTS_S = 8.0


def test_packages_swapped_between_reads_never_names_the_deb(province: Province,  # noqa: F811
                                                            tmp_path: Path) -> None:
    province.release("1.1")
    stick = make_bundle(province.repo, tmp_path / "stick" / "dvc-kiosk-update")
    packages = stick / "dists/stable/main/binary-amd64/Packages"
    good = packages.read_bytes()

    # the attacker's .deb on the stick and an index that names it with its true size and hash
    (tmp_path / "evil-build").mkdir()
    evil_deb = build_deb(tmp_path / "evil-build", "9.9")
    on_stick = stick / "pool/main/d/dvc-kiosk" / evil_deb.name
    on_stick.write_bytes(evil_deb.read_bytes())
    data = on_stick.read_bytes()
    stanza = (f"Package: dvc-kiosk\nVersion: 9.9\nArchitecture: amd64\n"
              f"Filename: pool/main/d/dvc-kiosk/{evil_deb.name}\nSize: {len(data)}\n"
              f"SHA256: {hashlib.sha256(data).hexdigest()}\n")
    (tmp_path / "good").write_bytes(good)
    (tmp_path / "evil").write_bytes(good.rstrip(b"\n") + b"\n\n" + stanza.encode("utf-8"))

    swapper = subprocess.Popen([sys.executable, "-c", _SWAPPER, str(packages),
                                str(tmp_path / "good"), str(tmp_path / "evil"),
                                str(ATTEMPTS_S)])
    versions: list[str] = []
    refused = 0
    try:
        deadline = time.monotonic() + ATTEMPTS_S - 1.0
        while time.monotonic() < deadline:
            try:
                versions.append(verify_bundle(stick, province.keyring, arch="amd64",
                                              keep_in=tmp_path / "checked").version)
            except BundleError:
                refused += 1  # it read the attacker's index whole: its hash is not the signed one
    finally:
        swapper.wait(timeout=ATTEMPTS_S + 10)
    assert swapper.returncode == 0
    assert "9.9" not in versions, (
        f"{versions.count('9.9')} of {len(versions) + refused} checks passed the attacker's .deb")
    assert versions.count("1.1") > 0, (versions, refused)  # the check still passes the real one
