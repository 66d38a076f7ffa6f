"""Where the project's data folders live: catalog, holidays, locales, unit templates.

In a checkout (and an editable install) they are the folders at the top of the repository:
``assets/``, ``locales/``, ``systemd/``. A built wheel carries copies of them as package data,
``kiosk/_data/`` (see setup.py), found here with :mod:`importlib.resources`; then the kiosk
works from any install (``/opt/dvc-kiosk/.venv``, a plain ``pip install``), not only from git.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The checkout's top folder (meaningful only when running from a checkout)."""


def data_root() -> Path:
    """The folder holding ``assets/``, ``locales/`` and ``systemd/``: packaged first, else the checkout."""
    packaged = resources.files("kiosk").joinpath("_data")
    if packaged.is_dir():
        return Path(str(packaged))
    return REPO_ROOT


def running_from_checkout() -> bool:
    """True when the data comes from a git checkout (editable install), not from a built wheel."""
    return data_root() == REPO_ROOT


DATA_ROOT = data_root()
ASSETS_DIR = DATA_ROOT / "assets"
LOCALES_DIR = DATA_ROOT / "locales"
SYSTEMD_DIR = DATA_ROOT / "systemd"
