"""A province's update chain on this machine: a gpg key, real .debs, a signed repository served
over 127.0.0.1, apt and dpkg working on a throwaway root, and a "kiosk" that starts or fails."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.update.apt import Apt
from kiosk.update.repo import publish
from kiosk.update.sources import ensure_sources, render_sources
from kiosk.update.trial import PackageKeeper
from kiosk.update.updater import Updater

TOOLS = ("gpg", "gpgv", "apt-ftparchive", "dpkg-deb", "apt-get")
missing = [t for t in TOOLS if shutil.which(t) is None]
needs_tools = pytest.mark.skipif(bool(missing), reason=f"missing {missing} (apt-utils, gnupg)")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="apt/dpkg on a throwaway root need root")

GOOD = """#!/bin/sh
# A kiosk that starts: it proves it reached Welcome the way `kiosk run` does, then runs.
{python} -c 'import sys; from pathlib import Path; from kiosk.update.gate import confirm_started; \
confirm_started(Path(sys.argv[1]))' "$1" || exit 1
exec sleep 300
"""
BAD = """#!/bin/sh
echo "ModuleNotFoundError: No module named 'kiosk.broken'" >&2
exit 1
"""


@pytest.fixture(autouse=True)
def _keep_umask() -> Iterator[None]:
    """`kiosk.cli.main` sets umask 077 for the kiosk's process; a test calling it must not pass
    that on to the next test (dpkg-deb refuses a 0700 DEBIAN folder)."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def build_deb(out: Path, version: str, *, starts: bool = True, arch: str = "amd64") -> Path:
    """A small real dvc-kiosk .deb (dpkg-deb) whose start script succeeds or fails."""
    tree = out / f"tree-{version}"
    (tree / "DEBIAN").mkdir(parents=True)
    (tree / "DEBIAN" / "control").write_text(
        f"Package: dvc-kiosk\nVersion: {version}\nArchitecture: {arch}\n"
        "Maintainer: DVC Kiosk tests <tests@example.invalid>\nSection: misc\nPriority: optional\n"
        "Description: DVC Kiosk (test build)\n")
    (tree / "etc/dvc-kiosk").mkdir(parents=True)
    (tree / "etc/dvc-kiosk/kiosk.toml").write_text(f"# shipped with {version}\n")
    (tree / "DEBIAN" / "conffiles").write_text("/etc/dvc-kiosk/kiosk.toml\n")
    bin_dir = tree / "opt/dvc-kiosk/bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "kiosk-start"
    script.write_text(GOOD.format(python=sys.executable) if starts else BAD)
    script.chmod(0o755)
    (tree / "opt/dvc-kiosk/VERSION").write_text(version + "\n")
    for path in [tree, *tree.rglob("*")]:  # whatever the umask, the modes a package has
        path.chmod(0o755 if path.is_dir() or path.name == "kiosk-start" else 0o644)
    deb = out / f"dvc-kiosk_{version}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(tree), str(deb)],
                   check=True, capture_output=True)
    shutil.rmtree(tree)
    return deb


@dataclass
class ScriptService:
    """The kiosk unit as a process: runs the installed package's start script."""

    root: Path
    run_dir: Path
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def active(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def start(self) -> None:
        self.stop()
        self.starts += 1
        self.proc = subprocess.Popen([str(self.root / "opt/dvc-kiosk/bin/kiosk-start"),
                                      str(self.run_dir)], stderr=subprocess.DEVNULL)

    def gave_up(self) -> bool:
        return self.proc is not None and self.proc.poll() not in (None, 0)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self) -> Any:
        # Tests publish several releases within one second: Last-Modified has second resolution,
        # so a conditional GET would wrongly answer 304 (a real repository changes less often).
        del self.headers["If-Modified-Since"]
        return super().send_head()


@dataclass
class Province:
    """The province's side: its key, its repository folder and the URL kiosks fetch it from."""

    gnupghome: Path
    fingerprint: str
    keyring: Path
    repo: Path
    url: str
    debs: Path

    def release(self, version: str, *, starts: bool = True) -> Path:
        deb = build_deb(self.debs, version, starts=starts)
        publish(self.repo, [deb], self.fingerprint, gnupghome=self.gnupghome)
        return deb


def make_key(home: Path, name: str) -> tuple[str, Path]:
    home.mkdir(mode=0o700, parents=True)
    env = {**os.environ, "GNUPGHOME": str(home)}
    subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key",
                    f"{name} <updates@example.invalid>", "ed25519", "sign", "never"],
                   check=True, capture_output=True, env=env)
    out = subprocess.run(["gpg", "--list-keys", "--with-colons"], check=True, capture_output=True,
                         text=True, env=env).stdout
    fpr = next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr"))
    keyring = home.parent / f"{home.name}.gpg"
    keyring.write_bytes(subprocess.run(["gpg", "--export", fpr], check=True, capture_output=True,
                                       env=env).stdout)
    return fpr, keyring


@pytest.fixture
def province(tmp_path: Path) -> Iterator[Province]:
    if missing:
        pytest.fail(f"missing {missing}: make test installs apt-utils and gnupg")
    fpr, keyring = make_key(tmp_path / "province-gnupg", "DVC Kiosk province")
    repo = tmp_path / "repo"
    repo.mkdir()
    debs = tmp_path / "debs"
    debs.mkdir()
    handler = functools.partial(_Quiet, directory=str(repo))
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="apt-repo", daemon=True)
    thread.start()
    try:
        yield Province(tmp_path / "province-gnupg", fpr, keyring, repo,
                       f"http://127.0.0.1:{server.server_address[1]}/", debs)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class KioskBox:
    """One kiosk: a throwaway root with its apt sources and keyring, a cache, a UI run folder."""

    root: Path
    apt: Apt
    keeper: PackageKeeper
    run_dir: Path
    service: ScriptService

    def updater(self, *, wait_idle_s: float = 20.0, confirm_timeout_s: float = 20.0) -> Updater:
        return Updater(self.apt, self.service, self.keeper, self.run_dir, wait_idle_s=wait_idle_s,
                       confirm_timeout_s=confirm_timeout_s, poll_s=0.05)

    def installed(self) -> str | None:
        return self.apt.installed_version()


@pytest.fixture
def kiosk_box(tmp_path: Path, province: Province) -> Iterator[KioskBox]:
    if os.geteuid() != 0:
        pytest.skip("apt/dpkg on a throwaway root need root")
    root = tmp_path / "kiosk-root"
    keyring = root / "usr/share/keyrings/dvc-kiosk-archive-keyring.gpg"
    keyring.parent.mkdir(parents=True)
    shutil.copyfile(province.keyring, keyring)
    sources = root / "etc/apt/sources.list.d/dvc-kiosk.sources"
    sources.parent.mkdir(parents=True)
    ensure_sources(render_sources(province.url, keyring), sources)
    run_dir = tmp_path / "kiosk-data" / "run"
    run_dir.mkdir(parents=True)
    service = ScriptService(root, run_dir)
    box = KioskBox(root, Apt(root=root, sources=sources), PackageKeeper(tmp_path / "cache"),
                   run_dir, service)
    try:
        yield box
    finally:
        service.stop()
