"""Software updates end to end: a signed apt repository over 127.0.0.1, apt-get on a throwaway
root, installed only when the UI yields at Welcome, rolled back when the new version fails."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from kiosk.update import gate
from kiosk.update.apt import AptError
from kiosk.update.gate import Gate
from kiosk.update.trial import Trial
from kiosk.update.updater import Outcome, Result
from tests.updates.conftest import KioskBox, Province, make_key


def _started(box: KioskBox, version: str) -> None:
    assert box.installed() == version
    assert (box.root / "opt/dvc-kiosk/VERSION").read_text().strip() == version


def test_first_install_then_upgrade_waits_for_welcome(province: Province, kiosk_box: KioskBox) -> None:
    province.release("1.0")
    first = kiosk_box.updater().from_repository()
    assert first.result is Result.INSTALLED, first
    _started(kiosk_box, "1.0")
    assert kiosk_box.service.active()
    assert kiosk_box.keeper.deb_for("1.0") is not None  # the way back is kept
    # The technician edits the config; an upgrade keeps it (conffile, --force-confold).
    (kiosk_box.root / "etc/dvc-kiosk/kiosk.toml").write_text("# technician's\n")

    province.release("1.1")
    ui = Gate(kiosk_box.run_dir, min_idle_s=0)
    ui.tick("question")  # a citizen is in the middle of a session
    box: dict[str, Outcome] = {}
    worker = threading.Thread(target=lambda: box.update(r=kiosk_box.updater().from_repository()))
    worker.start()
    try:
        # The updater asks, the UI keeps its citizen: nothing is installed meanwhile.
        deadline = threading.Event()
        for _ in range(200):
            if gate.read_hold(kiosk_box.run_dir, time.time()) is not None:
                break
            deadline.wait(0.05)
        assert gate.read_hold(kiosk_box.run_dir, time.time()) is not None
        for screen in ("question", "documents", "review", "done"):
            assert not ui.tick(screen)
            deadline.wait(0.1)
            assert worker.is_alive()
            assert kiosk_box.installed() == "1.0"
        assert ui.tick("welcome")  # session over, Welcome, idle: the UI yields
    finally:
        worker.join(timeout=60)
    outcome = box["r"]
    assert outcome.result is Result.INSTALLED, outcome
    _started(kiosk_box, "1.1")
    assert (kiosk_box.root / "etc/dvc-kiosk/kiosk.toml").read_text() == "# technician's\n"
    assert gate.read_hold(kiosk_box.run_dir, time.time()) is None
    assert {p.name for p in kiosk_box.keeper.dir.glob("*.deb")} == {
        "dvc-kiosk_1.0_amd64.deb", "dvc-kiosk_1.1_amd64.deb"}
    assert list((kiosk_box.keeper.dir / "incoming").glob("*")) == []  # moved, not left twice
    assert kiosk_box.updater().from_repository().result is Result.UP_TO_DATE


def test_busy_kiosk_gets_no_update(province: Province, kiosk_box: KioskBox) -> None:
    province.release("1.0")
    assert kiosk_box.updater().from_repository().result is Result.INSTALLED
    province.release("1.1")
    Gate(kiosk_box.run_dir, min_idle_s=0).tick("documents")  # and it never comes back
    outcome = kiosk_box.updater(wait_idle_s=0.5).from_repository()
    assert outcome.result is Result.BUSY
    assert outcome.exit_code == 75
    _started(kiosk_box, "1.0")
    assert gate.read_hold(kiosk_box.run_dir, time.time()) is None  # hold withdrawn


def test_failed_start_rolls_back_and_version_is_refused(province: Province, kiosk_box: KioskBox) -> None:
    province.release("1.0")
    assert kiosk_box.updater().from_repository().result is Result.INSTALLED
    province.release("1.2", starts=False)
    kiosk_box.service.stop()  # (no UI running: nothing to wait for)
    outcome = kiosk_box.updater().from_repository()
    assert outcome.result is Result.ROLLED_BACK, outcome
    assert "1.2 did not reach its Welcome screen" in outcome.message
    assert "and it started" in outcome.message
    assert outcome.exit_code == 3
    _started(kiosk_box, "1.0")
    assert kiosk_box.service.active()
    assert kiosk_box.keeper.refused() == {"1.2"}
    assert kiosk_box.keeper.pending() is None
    again = kiosk_box.updater().from_repository()
    assert again.result is Result.REFUSED  # not tried again
    _started(kiosk_box, "1.0")
    province.release("1.3")
    kiosk_box.service.stop()
    assert kiosk_box.updater().from_repository().result is Result.INSTALLED
    _started(kiosk_box, "1.3")
    assert {p.name for p in kiosk_box.keeper.dir.glob("*.deb")} == {  # the failed 1.2 not kept
        "dvc-kiosk_1.0_amd64.deb", "dvc-kiosk_1.3_amd64.deb"}


def test_installed_by_hand_way_back_fetched_from_repository(province: Province,
                                                             kiosk_box: KioskBox) -> None:
    province.release("1.0")
    kiosk_box.apt.update()
    kiosk_box.apt.install(province.debs / "dvc-kiosk_1.0_amd64.deb")  # a technician's dpkg -i
    assert kiosk_box.keeper.deb_for("1.0") is None
    province.release("1.1", starts=False)
    outcome = kiosk_box.updater().from_repository()
    assert outcome.result is Result.ROLLED_BACK
    _started(kiosk_box, "1.0")


def test_no_way_back_no_update(province: Province, kiosk_box: KioskBox, tmp_path: Path) -> None:
    from tests.updates.conftest import build_deb

    kiosk_box.apt.install(build_deb(tmp_path, "0.9"))  # a build the repository never had
    province.release("1.0")
    outcome = kiosk_box.updater().from_repository()
    assert outcome.result is Result.REFUSED
    assert "no copy of the running dvc-kiosk 0.9" in outcome.message
    assert kiosk_box.installed() == "0.9"


def test_reboot_mid_trial_is_settled_by_the_next_run(province: Province, kiosk_box: KioskBox) -> None:
    province.release("1.0")
    assert kiosk_box.updater().from_repository().result is Result.INSTALLED
    previous = kiosk_box.keeper.deb_for("1.0")
    assert previous is not None
    bad = province.release("1.1", starts=False)
    # An updater installed 1.1 and the machine lost power before the UI came up.
    kiosk_box.service.stop()
    now = time.time()
    gate.confirm_started(kiosk_box.run_dir, now=now - 7200)  # 1.0's last start, before the update
    kiosk_box.keeper.begin(Trial("1.1", "1.0", str(previous), now - 3600))
    kiosk_box.apt.install(bad)
    outcome = kiosk_box.updater().from_repository()
    assert outcome.result is Result.ROLLED_BACK, outcome
    assert "1.1 never reached its Welcome screen" in outcome.message
    _started(kiosk_box, "1.0")
    assert kiosk_box.keeper.refused() == {"1.1"}


@pytest.mark.parametrize("attack", ["packages", "deb", "foreign-key"])
def test_repository_not_the_provinces_installs_nothing(province: Province, kiosk_box: KioskBox,
                                                       tmp_path: Path, attack: str) -> None:
    province.release("1.0")
    assert kiosk_box.updater().from_repository().result is Result.INSTALLED
    province.release("1.1")
    if attack == "packages":  # an index changed after signing
        packages = province.repo / "dists/stable/main/binary-amd64/Packages"
        packages.write_text(packages.read_text().replace("Version: 1.1", "Version: 9.9"))
        (packages.with_suffix(".gz")).unlink()
    elif attack == "deb":  # a .deb swapped on the server
        deb = next(province.repo.glob("pool/**/dvc-kiosk_1.1_amd64.deb"))
        data = bytearray(deb.read_bytes())
        data[-10] ^= 0xFF
        deb.write_bytes(bytes(data))
    else:  # signed, but by somebody else's key
        fpr, _ = make_key(tmp_path / "mallory", "Mallory")
        from kiosk.update.repo import publish

        publish(province.repo, [], fpr, gnupghome=tmp_path / "mallory")
    with pytest.raises(AptError):
        kiosk_box.updater().from_repository()
    _started(kiosk_box, "1.0")
    assert kiosk_box.keeper.pending() is None
