"""The Debian package, built from this checkout and used as a technician would (issue 11 item 2).

Runs ``packaging/build-deb.sh`` (what ``make deb`` runs) and ``packaging/appliance-check.sh``
(what ``make appliance-check`` runs): install with the dependencies in a throwaway Debian 12
root, ``kiosk --version``, ``kiosk devices list``, ``systemd-analyze verify``, ``kiosk demo``
from the package, upgrades to a second real build (newer version, later build time) and to a
re-versioned copy whose shipped kiosk.toml changed, keeping the technician's config and the data,
``dpkg -r`` and ``dpkg --purge`` keeping the data. The script exits non-zero on the first failed expectation;
this test also reads its report for each of them.

Needs root (chroot, dpkg in the throwaway root), debootstrap and lintian (``make test`` installs
them) and deb.debian.org, or the cache: the base root and apt's downloads are kept in
``$DVC_CACHE`` (default ~/.cache/dvc-kiosk), so only the first run debootstraps. The package is
compressed with gzip -1 here (xz for ``make deb``: smaller, minutes slower) to keep it short.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.paths import REPO_ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: chroot and dpkg in a throwaway root"),
]

EXPECTED = (
    "ok: the package is installed",
    "ok: the build time stamped by make deb",
    "ok: the installed configuration is found",
    "ok: enabled: multi-user.target.wants/kiosk.service",
    "ok: enabled: timers.target.wants/kiosk-update.timer",
    "ok: devices list read the installed config",
    "units verified",
    "ok: every library found",
    "ok: the demo sealed an application",
    "ok: kiosk provision made this kiosk's key",
    "upgrade to {base}+99990101000000.later (build ",
    "shipped kiosk.toml unchanged)",
    "shipped kiosk.toml changed)",
    "ok: the package's new kiosk.toml is beside it as kiosk.toml.dpkg-dist",
    "ok: the new build runs",
    "ok: the technician's kiosk.toml is kept",
    "ok: /var/lib/dvc-kiosk unchanged",
    "ok: postinst restarts kiosk.service if running",
    "ok: nothing stopped by prerm on upgrade",
    "ok: prerm stops the units on removal",
    "ok: /opt/dvc-kiosk, /usr/bin/kiosk and the units are gone",
    "ok: /var/lib/dvc-kiosk kept",
    "ok: purge removed /etc/dvc-kiosk's files; /var/lib/dvc-kiosk kept",
    "ok: lintian: no errors",
    "APPLIANCE CHECK PASSED",
)


def _run(argv: list[str], env: dict[str, str], timeout: float) -> str:
    result = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout, check=False)
    out = result.stdout + result.stderr
    assert result.returncode == 0, f"{argv[0]} failed ({result.returncode}):\n{out[-6000:]}"
    return out


@pytest.mark.timeout(2400)  # the first run debootstraps (about a minute) and fills apt's cache
def test_deb_installs_upgrades_and_removes_on_debian_12(tmp_path: Path) -> None:
    for tool in ("debootstrap", "lintian", "dpkg-deb", "chroot"):
        assert shutil.which(tool), f"{tool} missing (make test installs it)"
    # gzip -1: seconds instead of xz's minutes (lintian in Debian 12 refuses zstd packages)
    env = {**os.environ, "DEB_COMPRESS": "gzip", "DEB_COMPRESS_LEVEL": "1",
           "PY": str(REPO_ROOT / ".venv/bin/python")}
    env.pop("KIOSK_CONFIG", None)
    dist, later = tmp_path / "dist", tmp_path / "later"
    # a second real build: newer (DEB_VERSION) and built an hour later
    # (SOURCE_DATE_EPOCH), for the upgrade
    commit_time = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=REPO_ROOT,
                                 capture_output=True, text=True, check=True).stdout.strip()
    base = subprocess.run([env["PY"], "-c", "import tomllib; print(tomllib.load(open('pyproject.toml', "
                           "'rb'))['project']['version'])"], cwd=REPO_ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()
    later_env = {**env, "DEB_VERSION": f"{base}+99990101000000.later",
                 "SOURCE_DATE_EPOCH": str(int(commit_time) + 3600)}
    # the second starts from the virtualenv pip made for the first (DEB_VENV_CACHE; every later
    # step of the build runs again) and runs beside the check, which waits for it (NEW_DIST)
    # only at its first upgrade: lintian and the install start as soon as the first is built
    cache = {"DEB_VENV_CACHE": str(tmp_path / "venv-cache")}
    built = _run(["packaging/build-deb.sh", "requirements/runtime.txt", str(dist)],
                 {**env, **cache}, 1200)
    assert len(list(dist.glob("dvc-kiosk_*.deb"))) == 1, built
    assert "build time 20" in built
    log = tmp_path / "appliance-check.log"
    with log.open("w") as sink, subprocess.Popen(
            ["packaging/appliance-check.sh", str(dist)], cwd=REPO_ROOT,
            env={**env, "NEW_DIST": str(later)}, stdout=sink, stderr=subprocess.STDOUT) as check:
        try:
            second_out = _run(["packaging/build-deb.sh", "requirements/runtime.txt", str(later)],
                              {**later_env, **cache}, 1200)
            check.wait(timeout=2400)
        finally:
            if check.poll() is None:  # the second build failed: the check's EXIT trap unmounts
                check.terminate()
                try:
                    check.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    check.kill()
    report = log.read_text()
    assert "as installed by an earlier build" in second_out, second_out[-3000:]
    assert len(list(later.glob("dvc-kiosk_*.deb"))) == 1, second_out[-3000:]
    assert check.returncode == 0, f"appliance-check.sh failed ({check.returncode}):\n{report[-6000:]}"
    missing = [line for line in (s.format(base=base) for s in EXPECTED) if line not in report]
    assert not missing, f"not shown: {missing}\n{report[-6000:]}"
    assert "APPLIANCE CHECK FAILED" not in report
