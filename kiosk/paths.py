"""Where the project's data folders live (next to the packages in a checkout or editable install)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = REPO_ROOT / "assets"
LOCALES_DIR = REPO_ROOT / "locales"
