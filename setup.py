"""Build hook: the wheel carries the checkout's data folders as package data.

assets/ (catalog, holidays), locales/ and systemd/ (unit templates, udev, tmpfiles) live at the
top of the checkout, where people edit them. A built wheel copies them into ``kiosk/_data/``;
``kiosk.paths`` finds them there with importlib.resources, and falls back on the checkout in an
editable install (where nothing is copied). Everything else is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FOLDERS = ("assets", "locales", "systemd")


class BuildPyWithData(build_py):
    """build_py, then copy the data folders into kiosk/_data of the build tree."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        dest = Path(self.build_lib) / "kiosk" / "_data"
        for name in DATA_FOLDERS:
            src = ROOT / name
            if not src.is_dir():
                raise SystemExit(f"setup.py: {src} is missing: the wheel would be broken")
            for path in sorted(src.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    target = dest / name / path.relative_to(src)
                    self.mkpath(str(target.parent))
                    self.copy_file(str(path), str(target))


setup(cmdclass={"build_py": BuildPyWithData})
