"""apt-get, dpkg and systemctl behind two small classes.

`Apt(root=None)` is the real system. `Apt(root=...)` works on a throwaway root (its own sources,
lists, cache and dpkg database; dpkg installs with `--root`), which is how the tests run the whole
update against a real signed repository without touching the machine.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

PACKAGE = "dvc-kiosk"
SOURCES = Path("/etc/apt/sources.list.d/dvc-kiosk.sources")
KEYRING = Path("/usr/share/keyrings/dvc-kiosk-archive-keyring.gpg")


class AptError(RuntimeError):
    """An apt or dpkg command failed; the message carries its last lines."""


def _run(argv: list[str], *, cwd: Path | None = None) -> str:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C.UTF-8"}
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, check=False,
                          timeout=900)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-6:])
        raise AptError(f"{' '.join(argv[:2])} ... failed ({proc.returncode}): {tail}")
    return proc.stdout


def compare_versions(a: str, op: str, b: str) -> bool:
    """Debian version order (`dpkg --compare-versions`), op one of lt le eq ge gt."""
    return subprocess.run(["dpkg", "--compare-versions", a, op, b], check=False).returncode == 0


@dataclass
class Apt:
    root: Path | None = None
    sources: Path = SOURCES
    package: str = PACKAGE
    _opts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.root is not None:
            r = self.root
            for sub in ("etc/apt/apt.conf.d", "etc/apt/preferences.d", "etc/apt/sources.list.d",
                        "var/lib/apt/lists/partial", "var/cache/apt/archives/partial",
                        "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log/apt"):
                (r / sub).mkdir(parents=True, exist_ok=True)
            (r / "var/lib/dpkg/status").touch()
            self._opts = ["-o", f"Dir={r}", "-o", f"Dir::State::status={r}/var/lib/dpkg/status",
                          "-o", f"DPkg::Options::=--root={r}", "-o", "Dir::Etc::trusted=/dev/null",
                          "-o", "Dir::Etc::trustedparts=/dev/null"]
        # Downloads land in root-only folders; apt's _apt sandbox user could not write there.
        self._opts += ["-o", "APT::Sandbox::User=root"]

    def update(self) -> None:
        """Fetch and verify (signature, hashes) our repository's index only."""
        _run(["apt-get", "-q", *self._opts, "-o", f"Dir::Etc::sourcelist={self.sources}",
              "-o", "Dir::Etc::sourceparts=-", "-o", "APT::Get::List-Cleanup=0", "update",
              "--error-on=any"])  # a bad signature is only a warning to apt otherwise

    def candidate(self) -> str | None:
        out = _run(["apt-cache", *self._opts, "policy", self.package])
        match = re.search(r"^\s*Candidate:\s*(\S+)", out, re.MULTILINE)
        return match.group(1) if match and match.group(1) != "(none)" else None

    def installed_version(self) -> str | None:
        argv = ["dpkg-query", "-W", "-f=${db:Status-Abbrev}\t${Version}", self.package]
        if self.root is not None:
            argv.insert(1, f"--admindir={self.root}/var/lib/dpkg")
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        status, _, version = proc.stdout.partition("\t")
        return version.strip() if proc.returncode == 0 and status.startswith("ii") else None

    def download(self, version: str, into: Path) -> Path:
        """The `.deb` of one version from the repository (verified by apt against the index)."""
        into.mkdir(parents=True, exist_ok=True)
        before = set(into.glob("*.deb"))
        _run(["apt-get", "-q", *self._opts, "download", f"{self.package}={version}"], cwd=into)
        new = [p for p in into.glob("*.deb") if p not in before]
        found = new or [p for p in into.glob(f"{self.package}_*.deb") if _deb_version(p) == version]
        if not found:
            raise AptError(f"apt-get download {self.package}={version} left no .deb")
        return found[0]

    def install(self, deb: Path) -> None:
        """Install (or go back to) one `.deb`, dependencies from the archive, config files kept."""
        _run(["apt-get", "-q", "-y", *self._opts, "--allow-downgrades",
              "-o", "DPkg::Options::=--force-confold", "-o", "DPkg::Options::=--force-confdef",
              "install", str(deb.resolve())])


def _deb_version(deb: Path) -> str:
    return _run(["dpkg-deb", "-f", str(deb), "Version"]).strip()


def deb_field(deb: Path, name: str) -> str:
    return _run(["dpkg-deb", "-f", str(deb), name]).strip()


class Service(Protocol):
    """The kiosk's UI service as the updater sees it."""

    def active(self) -> bool: ...
    def stop(self) -> None: ...
    def start(self) -> None: ...
    def gave_up(self) -> bool:
        """The new version will not come up by itself (failed for good, safe mode took over)."""
        ...


@dataclass
class SystemdService:
    unit: str = "kiosk.service"
    safe_unit: str = "kiosk-safe-mode.service"

    def _ctl(self, *args: str) -> int:
        return subprocess.run(["systemctl", *args], capture_output=True, check=False).returncode

    def active(self) -> bool:
        return self._ctl("is-active", "--quiet", self.unit) == 0

    def stop(self) -> None:
        self._ctl("stop", self.unit)

    def start(self) -> None:
        self._ctl("reset-failed", self.unit)  # a rollback starts afresh, not at the start limit
        if self._ctl("start", "--no-block", self.unit) != 0:
            raise AptError(f"systemctl start {self.unit} failed")

    def gave_up(self) -> bool:
        return (self._ctl("is-failed", "--quiet", self.unit) == 0
                or self._ctl("is-active", "--quiet", self.safe_unit) == 0)
