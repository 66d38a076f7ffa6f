"""Offscreen Qt for the GUI tests (set before Qt is imported)."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ui.app_ui import KioskUi, apply_font, build_ui
from kiosk.ui.services import UiSettings
from kiosk.wiring.sim import SimKit, build_sim_kit
from tests.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)


PORTRAIT = (285.75, 508.0)  # the default config: 1080 x 1920 px at 96 dpi
LANDSCAPE = (476.0, 268.0)  # a 21.5-inch 16:9 panel on its side


@pytest.fixture
def panel() -> tuple[float, float]:
    """Panel width and height in mm; tests parametrize it to try other screens."""
    return PORTRAIT


@pytest.fixture
def kit(tmp_path: Path, clock: FakeClock, panel: tuple[float, float]) -> Iterator[SimKit]:
    width_mm, height_mm = panel
    settings = UiSettings(panel_dpi=96.0, width_mm=width_mm, height_mm=height_mm, tts_engine="mock")
    k = build_sim_kit(tmp_path, clock=clock, settings=settings)
    yield k
    k.close()


@pytest.fixture
def ui(qapp: object, kit: SimKit) -> Iterator[KioskUi]:
    from PySide6.QtGui import QGuiApplication

    assert isinstance(qapp, QGuiApplication)
    apply_font(qapp)
    u = build_ui(kit.services)
    yield u
    u.close()

