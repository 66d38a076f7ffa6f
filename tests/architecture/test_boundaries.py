"""The layers stay apart: a failing test, not a wish.

import-linter checks the static import graph (contracts in pyproject.toml); this test also imports
every module of the Qt-free packages in a fresh interpreter and fails if Qt got loaded anyway
(a dynamic import would slip past the static check).
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QT_FREE = ("devices", "sync", "kiosk.domain", "kiosk.store")


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _modules(package: str) -> list[str]:
    folder = ROOT.joinpath(*package.split("."))
    names = []
    for path in sorted(folder.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        if "__main__" in parts:
            continue
        names.append(".".join(parts))
    return names


@pytest.mark.parametrize("package", QT_FREE)
def test_qt_free_packages_never_load_qt(package: str) -> None:
    modules = _modules(package)
    assert modules, f"no modules found in {package}"
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'kiosk.ui')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{package} loaded {result.stdout.strip()}"
