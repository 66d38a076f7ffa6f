"""Leave out of the appliance's virtualenv what the kiosk never loads (used by build-deb.sh).

PySide6-Addons 6.8.3 brings QtWebEngine (a whole Chromium, about 230 MB) and PySide6-Essentials
the developer tools (lupdate, designer, qmlls, ...); the kiosk uses neither. pip also installs
the Qt libraries' symlinks (libavcodec.so -> libavcodec.so.61 -> ...) as identical copies:
those become symlinks again. ``make appliance-check`` proves the result still runs
(`kiosk demo` on the installed package, offscreen).

Usage: python packaging/slim_venv.py VENV      (prints what it removed and the bytes saved)
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections import defaultdict
from pathlib import Path

PYSIDE_TOOLS = ("assistant", "balsam", "balsamui", "designer", "linguist", "lrelease", "lupdate",
                "qmlformat", "qmllint", "qmlls", "qsb", "svgtoqml")
"""Executables at the top of the PySide6 package (developer tools)."""


def _size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _remove(path: Path) -> int:
    size = _size(path)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
    return size


def unused_parts(venv: Path) -> list[Path]:
    """QtWebEngine (bindings, libraries, QML, resources, translations, helper process), the
    PySide6 developer and deployment tools and their console scripts."""
    site = next((venv / "lib").glob("python3*/site-packages"))
    pyside = site / "PySide6"
    parts = [p for p in pyside.rglob("*") if "webengine" in p.name.lower()]
    parts += [pyside / "Qt/resources"]  # icudtl.dat, v8 snapshot, .pak: WebEngine's only
    parts += [pyside / "scripts"]  # pyside6-deploy and the tools' launcher
    parts += [pyside / tool for tool in PYSIDE_TOOLS]
    parts += sorted((venv / "bin").glob("pyside6-*"))
    found = [p for p in parts if p.exists() or p.is_symlink()]
    # a folder removed takes what is under it: keep only the outermost
    return sorted({p for p in found if not any(q in p.parents for q in found)})


def link_copies(root: Path) -> int:
    """Identical shared libraries in one folder (libX.so, libX.so.6, libX.so.6.8.3) become
    symlinks to the one with the longest name; returns the bytes saved."""
    groups: dict[tuple[Path, int, str], list[Path]] = defaultdict(list)
    for path in root.rglob("*.so*"):
        if path.is_file() and not path.is_symlink():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            groups[(path.parent, path.stat().st_size, digest)].append(path)
    saved = 0
    for (_folder, size, _digest), paths in groups.items():
        if len(paths) < 2:
            continue
        keep = max(paths, key=lambda p: (len(p.name), p.name))
        for path in paths:
            if path != keep:
                path.unlink()
                path.symlink_to(keep.name)
                saved += size
    return saved


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    venv = Path(argv[1])
    removed = 0
    for part in unused_parts(venv):
        removed += _remove(part)
    linked = link_copies(venv / "lib")
    print(f"left out {removed // 2**20} MiB (QtWebEngine, PySide6 tools); "
          f"{linked // 2**20} MiB of identical library copies made symlinks")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
