"""Test doubles live in tests/fakes.py: a second hand-made clock class is a test failure."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _clock_classes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    classes = (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef))
    return [c.name for c in classes if c.name.endswith("Clock")]


def test_clock_doubles_are_defined_only_in_fakes() -> None:
    strays = {
        str(path.relative_to(TESTS)): names
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "fakes.py" and (names := _clock_classes(path))
    }
    assert strays == {}, f"use tests.fakes.FakeClock / FakeWallClock instead of: {strays}"


def test_the_check_sees_a_clock_class(tmp_path: Path) -> None:
    sample = tmp_path / "test_x.py"
    sample.write_text("class PinClock:\n    pass\n", encoding="utf-8")
    assert _clock_classes(sample) == ["PinClock"]
