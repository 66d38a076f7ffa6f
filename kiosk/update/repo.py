"""The province's side: a signed apt repository of `dvc-kiosk`, and the same on a USB stick.

`publish` copies `.deb`s into `pool/`, writes `dists/<suite>/main/binary-<arch>/Packages(.gz)`
with `apt-ftparchive` (every version stays, so a kiosk can fetch the one it runs to keep as its
way back), a `Release` with the hashes, and signs it with gpg (`InRelease` clear-signed and
`Release.gpg` detached). The folder is served as static files (the gateway host's `/apt/`).

`make_bundle` copies the repository to a stick; `verify_bundle` checks, on the kiosk, with no
link: the InRelease signature against the kiosk's keyring (gpgv; only the signed text is read),
the Packages file against the Release's SHA256, and the `.deb` against the Packages' SHA256 and
size. Anything off and nothing is installed.

    python -m kiosk.update.repo publish --repo DIR --key FPR [--gnupghome DIR] DEB...
    python -m kiosk.update.repo bundle --repo DIR --to /media/usb/dvc-kiosk-update
    python -m kiosk.update.repo verify --keyring KEYRING.gpg /media/usb/dvc-kiosk-update
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SUITE = "stable"
COMPONENT = "main"
PACKAGE = "dvc-kiosk"


class BundleError(RuntimeError):
    """The bundle is not what the province signed; nothing may be installed from it."""


def _run(argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, check=False,
                          env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {proc.stderr.strip()[-400:]}")
    return proc.stdout


def publish(repo: Path, debs: Sequence[Path], key: str, *, gnupghome: Path | None = None,
            suite: str = SUITE, archs: Sequence[str] = ("amd64",)) -> Path:
    """Add `debs` to the repository and re-sign it; returns the InRelease path."""
    pool = repo / "pool" / COMPONENT / PACKAGE[0] / PACKAGE
    pool.mkdir(parents=True, exist_ok=True)
    for deb in debs:
        shutil.copyfile(deb, pool / deb.name)
    dist = repo / "dists" / suite
    for arch in archs:
        folder = dist / COMPONENT / f"binary-{arch}"
        folder.mkdir(parents=True, exist_ok=True)
        # Packages of this arch and arch "all" (apt-ftparchive --arch filters that way).
        text = _run(["apt-ftparchive", "--arch", arch, "packages", "pool"], cwd=repo)
        (folder / "Packages").write_text(text, "utf-8")
        (folder / "Packages.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    options = [f"-oAPT::FTPArchive::Release::{k}={v}" for k, v in (
        ("Origin", "DVC Kiosk"), ("Label", "DVC Kiosk"), ("Suite", suite), ("Codename", suite),
        ("Components", COMPONENT), ("Architectures", " ".join(archs)))]
    release = _run(["apt-ftparchive", *options, "release", "."], cwd=dist)
    for name in ("Release", "InRelease", "Release.gpg"):
        (dist / name).unlink(missing_ok=True)
    (dist / "Release").write_text(release, "utf-8")
    env = {"GNUPGHOME": str(gnupghome)} if gnupghome is not None else None
    gpg = ["gpg", "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "",
           "--local-user", key, "--digest-algo", "SHA512"]
    _run([*gpg, "--clearsign", "--output", str(dist / "InRelease"), str(dist / "Release")], env=env)
    _run([*gpg, "--detach-sign", "--armor", "--output", str(dist / "Release.gpg"),
          str(dist / "Release")], env=env)
    return dist / "InRelease"


def make_bundle(repo: Path, to: Path) -> Path:
    """The repository as it is, onto the stick (written beside, then moved into place)."""
    part = to.with_name(to.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    shutil.copytree(repo, part)
    if to.exists():
        shutil.rmtree(to)
    part.rename(to)
    return to


def _signed_text(inrelease: Path, keyring: Path) -> str:
    """The text gpgv vouches for (never the file's own lines: text outside the signature lies)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "Release"
        proc = subprocess.run(["gpgv", "--keyring", str(keyring), "--output", str(out),
                               str(inrelease)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise BundleError(f"the bundle's signature is not the province's: "
                              f"{proc.stderr.strip().splitlines()[-1] if proc.stderr else ''}")
        return out.read_text("utf-8")


def _stanzas(text: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith((" ", "\t")) and key:
                fields[key] += "\n" + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if fields:
            out.append(fields)
    return out


@dataclass(frozen=True)
class VerifiedDeb:
    path: Path
    version: str


def _newest(entries: list[dict[str, str]]) -> dict[str, str]:
    best = entries[0]
    for entry in entries[1:]:
        if subprocess.run(["dpkg", "--compare-versions", entry["Version"], "gt", best["Version"]],
                          check=False).returncode == 0:
            best = entry
    return best


def verify_bundle(bundle: Path, keyring: Path, *, arch: str | None = None,
                  suite: str = SUITE, keep_in: Path | None = None) -> VerifiedDeb:
    """The newest `dvc-kiosk` of the bundle, every link of the chain checked, or BundleError.

    The `.deb` is checked on a copy taken off the stick, and the copy is what is returned (in
    ``keep_in``, else in a new temporary folder): the install comes up to an hour later, and by
    then the stick may have been swapped for another with other bytes under the same name."""
    arch = arch or _run(["dpkg", "--print-architecture"]).strip()
    dist = bundle / "dists" / suite
    if not (dist / "InRelease").is_file():
        raise BundleError(f"no dists/{suite}/InRelease in {bundle}: not an update bundle")
    release = _stanzas(_signed_text(dist / "InRelease", keyring))[0]
    hashes: dict[str, tuple[str, int]] = {}
    for line in release.get("SHA256", "").splitlines():
        parts = line.split()
        if len(parts) == 3:
            hashes[parts[2]] = (parts[0], int(parts[1]))
    name = f"{COMPONENT}/binary-{arch}/Packages"
    packages = dist / name
    if name not in hashes or not packages.is_file():
        raise BundleError(f"the signed Release lists no {name}")
    signed_sha, signed_size = hashes[name]
    with packages.open("rb") as f:  # read once: the bytes hashed are the bytes parsed (the
        index = f.read(signed_size + 1)  # stick may change between two reads)
    if (hashlib.sha256(index).hexdigest(), len(index)) != (signed_sha, signed_size):
        raise BundleError(f"{name} differs from what the province signed")
    try:
        text = index.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{name} is not text") from exc
    entries = [s for s in _stanzas(text) if s.get("Package") == PACKAGE]
    if not entries:
        raise BundleError(f"the bundle holds no {PACKAGE}")
    entry = _newest(entries)
    deb = (bundle / entry["Filename"]).resolve()
    if not deb.is_relative_to(bundle.resolve()) or not deb.is_file():
        raise BundleError(f"{entry['Filename']} is missing from the bundle")
    return VerifiedDeb(_verified_copy(deb, int(entry["Size"]), entry["SHA256"], keep_in),
                       entry["Version"])


def _verified_copy(deb: Path, size: int, sha256: str, keep_in: Path | None) -> Path:
    """Copy ``deb`` off the stick (never more than ``size`` bytes), check the copy's size and
    SHA-256, then move it into ``keep_in`` (made 0700); nothing is left there when it differs."""
    with tempfile.TemporaryDirectory(prefix="dvc-kiosk-update-") as tmp:
        copy = Path(tmp) / deb.name
        digest, copied = hashlib.sha256(), 0
        with deb.open("rb") as src, copy.open("wb") as out:
            while copied <= size and (block := src.read(1 << 20)):
                copied += len(block)
                digest.update(block)
                out.write(block)
        if copied != size or digest.hexdigest() != sha256:
            raise BundleError(f"{deb.name} differs from what the province signed")
        folder = keep_in if keep_in is not None else Path(
            tempfile.mkdtemp(prefix="dvc-kiosk-update-"))
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = folder / deb.name
        shutil.move(copy, target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.update.repo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    pub = sub.add_parser("publish", help="add .debs to the repository and sign it")
    pub.add_argument("--repo", type=Path, required=True)
    pub.add_argument("--key", required=True, help="the signing key's fingerprint")
    pub.add_argument("--gnupghome", type=Path)
    pub.add_argument("--arch", action="append", dest="archs")
    pub.add_argument("debs", type=Path, nargs="+")
    bun = sub.add_parser("bundle", help="copy the signed repository onto a USB stick")
    bun.add_argument("--repo", type=Path, required=True)
    bun.add_argument("--to", type=Path, required=True)
    ver = sub.add_parser("verify", help="check a bundle against the kiosk's keyring")
    ver.add_argument("--keyring", type=Path, required=True)
    ver.add_argument("bundle", type=Path)
    args = parser.parse_args(argv)
    if args.command == "publish":
        print(publish(args.repo, args.debs, args.key, gnupghome=args.gnupghome,
                      archs=args.archs or ("amd64",)))
    elif args.command == "bundle":
        print(make_bundle(args.repo, args.to))
    else:
        try:
            with tempfile.TemporaryDirectory(prefix="dvc-kiosk-verify-") as tmp:
                found = verify_bundle(args.bundle, args.keyring, keep_in=Path(tmp))
        except BundleError as exc:
            print(f"refused: {exc}", file=sys.stderr)
            return 2
        print(f"{found.path.name} {found.version} verified")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
