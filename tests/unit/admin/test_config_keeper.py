"""A technician's configuration change: refused when bad, kept when it starts, undone when not."""

from pathlib import Path

from kiosk.admin.config_keeper import ConfigKeeper, StartDecision
from kiosk.config import load_config

GOOD = '[kiosk]\nid = "KIOSK-0001"\n'
NEW = '[kiosk]\nid = "KIOSK-0002"\n'


def test_bad_change_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD, "utf-8")
    proposal = ConfigKeeper(path).propose('[devices.printer]\npaper_width_mm = 70\n')
    assert not proposal.accepted
    assert "devices.printer.paper_width_mm" in proposal.message
    assert path.read_text("utf-8") == GOOD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kiosk.toml"]


def test_good_change_survives_a_successful_start(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD, "utf-8")
    keeper = ConfigKeeper(path)
    assert keeper.propose(NEW).accepted
    assert keeper.on_start() is StartDecision.TRIAL
    keeper.confirm_good()
    assert ConfigKeeper(path).on_start() is StartDecision.NORMAL
    assert load_config(path).kiosk.id == "KIOSK-0002"


def test_change_that_never_starts_is_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD, "utf-8")
    keeper = ConfigKeeper(path)
    assert keeper.propose(NEW).accepted
    assert keeper.on_start() is StartDecision.TRIAL  # ...and the kiosk dies before Welcome
    assert ConfigKeeper(path).on_start() is StartDecision.RESTORED
    assert load_config(path).kiosk.id == "KIOSK-0001"
