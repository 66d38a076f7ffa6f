"""The import-linter contracts catch what they promise (issue 9 §3): a real failing check.

The kiosk's three packages are copied (Python files only) into a scratch folder with the
project's own pyproject.toml (its ``[tool.importlinter]`` contracts), modules that break a rule are
added, and
``lint-imports`` must fail and name it. The same copy with an allowed import must pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

BAD = {
    "kiosk/ui/bad_store.py": "from kiosk.store.db import Store\n",
    "kiosk/ui/bad_cli.py": "from sync import cli\n",
    "kiosk/ui/bad_agent.py": "from sync.agent.status import read_status\n",
    "kiosk/ui/bad_wiring.py": "from kiosk.wiring.root import build_kiosk\n",
    "kiosk/ui/bad_commands.py": "import kiosk.commands.sync_cmd\n",
    "kiosk/store/bad_ui.py": "from kiosk.ui.services import UiServices\n",
    "kiosk/bad_side_door.py": "from sync.protocol.keys import b64encode\n",  # not through sync.api
    "kiosk/commands/bad_cli.py": "from sync import cli\n",
}
GOOD = {
    "kiosk/ui/good_sync.py": "from sync.api import SyncStatus, read_status\n",
    "kiosk/good_door.py": "from sync import api\n",
    "kiosk/wiring/good_root.py": "from sync.agent.loop import Agent\n",  # the root wires sync itself
}


def _copy_tree(dest: Path, extra: dict[str, str]) -> None:
    for package in ("kiosk", "devices", "sync"):
        for path in (ROOT / package).rglob("*.py"):
            target = dest / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for rel, text in extra.items():
        (dest / rel).write_text(text, encoding="utf-8")
    shutil.copyfile(ROOT / "pyproject.toml", dest / "pyproject.toml")  # the real contracts


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "pyproject.toml"], cwd=folder, env=env,
                           capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("extra", [BAD], ids=["bad imports"])
def test_a_forbidden_import_breaks_the_contracts(tmp_path: Path, extra: dict[str, str]) -> None:
    _copy_tree(tmp_path, extra)
    result = _lint(tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "BROKEN" in out
    for rel in extra:
        module = rel.removesuffix(".py").replace("/", ".")
        assert module in out, f"{module} not reported:\n{out}"


def test_the_door_into_sync_is_allowed(tmp_path: Path) -> None:
    _copy_tree(tmp_path, GOOD)
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
