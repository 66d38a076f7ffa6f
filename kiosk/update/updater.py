"""`kiosk system update`: one update, between sessions, rolled back if the new version fails.

1. A trial left by an earlier run (the machine rebooted mid-update) is settled first.
2. The new `.deb` is found: from the signed apt repository (`apt-get update` verifies the
   InRelease signature and every hash) or from a staff USB bundle (`repo.verify_bundle`: the
   same signed Release and hashes, checked before anything is installed).
3. The `.deb` of the running version is made sure of in the cache (from the repository if
   missing): without it there is no going back, and the update is refused.
4. The UI is asked to step aside (`gate`) and does so only idle at Welcome; no answer within
   `wait_idle_s` and the update is left for the next run.
5. Stop the unit, install, start; the new version is kept once the UI proves it reached
   Welcome, otherwise (it failed for good, or `confirm_timeout_s` passed) the previous `.deb`
   goes back in and the new version is refused from then on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.update import gate
from kiosk.update.apt import Apt, AptError, Service, compare_versions, deb_field
from kiosk.update.trial import PackageKeeper, Trial


class Result(StrEnum):
    UP_TO_DATE = "up-to-date"
    INSTALLED = "installed"
    ROLLED_BACK = "rolled-back"
    BUSY = "busy"  # a citizen was using the kiosk the whole time; try again later
    REFUSED = "refused"  # nothing installed: no way back, known bad version, bad bundle


@dataclass(frozen=True)
class Outcome:
    result: Result
    message: str
    version: str | None = None

    @property
    def exit_code(self) -> int:
        return {Result.REFUSED: 2, Result.ROLLED_BACK: 3, Result.BUSY: 75}.get(self.result, 0)


@dataclass
class Updater:
    apt: Apt
    service: Service
    keeper: PackageKeeper
    run_dir: Path
    wait_idle_s: float = 3600.0
    confirm_timeout_s: float = 180.0
    poll_s: float = 0.5
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    log: Callable[[str], None] = lambda _line: None

    # -- the whole run ------------------------------------------------------------------------
    def from_repository(self) -> Outcome:
        settled = self.settle_trial()
        if settled is not None and settled.result is Result.ROLLED_BACK:
            return settled
        self.apt.update()
        candidate = self.apt.candidate()
        installed = self.apt.installed_version()
        if candidate is None or (installed is not None
                                 and not compare_versions(candidate, "gt", installed)):
            return Outcome(Result.UP_TO_DATE, f"dvc-kiosk {installed} is the newest", installed)
        if candidate in self.keeper.refused():
            return Outcome(Result.REFUSED, f"dvc-kiosk {candidate} failed to start here before; "
                           "waiting for a newer version", candidate)
        deb = self.apt.download(candidate, self.keeper.dir / "incoming")
        return self.install(deb)

    def from_bundle(self, deb: Path) -> Outcome:
        """Install a `.deb` already verified (`repo.verify_bundle`)."""
        settled = self.settle_trial()
        if settled is not None and settled.result is Result.ROLLED_BACK:
            return settled
        version, installed = deb_field(deb, "Version"), self.apt.installed_version()
        if installed is not None and not compare_versions(version, "gt", installed):
            return Outcome(Result.UP_TO_DATE, f"dvc-kiosk {installed} is not older than the "
                           f"stick's {version}", installed)
        if version in self.keeper.refused():
            return Outcome(Result.REFUSED, f"dvc-kiosk {version} failed to start here before",
                           version)
        return self.install(deb)

    # -- steps --------------------------------------------------------------------------------
    def install(self, deb: Path) -> Outcome:
        version = deb_field(deb, "Version")
        installed = self.apt.installed_version()
        previous = self._previous_deb(installed)
        if installed is not None and previous is None:
            return Outcome(Result.REFUSED, f"no copy of the running dvc-kiosk {installed} to go "
                           f"back to (put its .deb in {self.keeper.dir}); nothing installed", version)
        if not self._wait_for_idle(version):
            return Outcome(Result.BUSY, "the kiosk was in use the whole time; nothing installed",
                           version)
        since = self.clock()
        self.keeper.begin(Trial(version, installed or "", str(previous or ""), since))
        try:
            self.service.stop()
            self.log(f"installing dvc-kiosk {version} (was {installed})")
            self.apt.install(deb)
        except AptError as exc:
            gate.release_hold(self.run_dir)
            return self._roll_back(f"install of {version} failed: {exc}")
        gate.release_hold(self.run_dir)
        self.service.start()
        if self._wait_started(since):
            self.keeper.keep(deb, version)
            self.keeper.end()
            return Outcome(Result.INSTALLED, f"dvc-kiosk {version} installed and started", version)
        return self._roll_back(f"dvc-kiosk {version} did not reach its Welcome screen")

    def settle_trial(self) -> Outcome | None:
        """A trial that outlived its updater (reboot mid-update): keep or roll back now."""
        trial = self.keeper.pending()
        if trial is None:
            return None
        started = gate.started_at(self.run_dir)
        if started is not None and started >= trial.since:
            installed = self.apt.installed_version()
            self.keeper.end()
            return Outcome(Result.INSTALLED, f"dvc-kiosk {installed} started; kept", installed)
        if self.clock() - trial.since < self.confirm_timeout_s and self._wait_started(trial.since):
            self.keeper.end()
            return Outcome(Result.INSTALLED, f"dvc-kiosk {trial.version} started; kept",
                           trial.version)
        return self._roll_back(f"dvc-kiosk {trial.version} never reached its Welcome screen")

    def _previous_deb(self, installed: str | None) -> Path | None:
        if installed is None:
            return None
        cached = self.keeper.deb_for(installed)
        if cached is not None:
            return cached
        try:  # installed by hand: fetch the same version from the repository (it keeps them)
            return self.keeper.keep(self.apt.download(installed, self.keeper.dir / "incoming"),
                                    installed)
        except AptError:
            return None

    def _wait_for_idle(self, target: str) -> bool:
        deadline = self.clock() + self.wait_idle_s
        hold: gate.Hold | None = None
        while True:
            if not self.service.active():
                return True  # nobody can be using a kiosk that is not running
            if hold is None and self.run_dir.is_dir():  # the UI's folder (never made by root)
                hold = gate.request_hold(self.run_dir, target, self.clock())
            state = gate.read_ui_state(self.run_dir)
            if (hold is not None and state is not None and state.state == "yielded"
                    and state.since >= hold.at):
                return True
            if self.clock() >= deadline:
                gate.release_hold(self.run_dir)
                return False
            self.sleep(self.poll_s)

    def _wait_started(self, since: float) -> bool:
        deadline = self.clock() + self.confirm_timeout_s
        while self.clock() < deadline:
            started = gate.started_at(self.run_dir)
            if started is not None and started >= since:
                return True
            if self.service.gave_up():
                return False
            self.sleep(self.poll_s)
        return False

    def _roll_back(self, why: str) -> Outcome:
        trial = self.keeper.pending()
        assert trial is not None
        self.keeper.refuse(trial.version)
        self.log(f"{why}; going back to {trial.previous_version}")
        if not trial.previous_deb:
            self.keeper.end()
            return Outcome(Result.ROLLED_BACK, f"{why}; no previous version to go back to",
                           trial.version)
        self.service.stop()
        self.apt.install(Path(trial.previous_deb))
        self.keeper.end()
        since = self.clock()
        self.service.start()
        back = "and it started" if self._wait_started(since) else "but it did not start either"
        return Outcome(Result.ROLLED_BACK, f"{why}; dvc-kiosk {trial.previous_version} is back, "
                       f"{back}", trial.previous_version)
