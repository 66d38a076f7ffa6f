"""The dev dock's view-model: every button is a `kiosk ctl` simulation command.

So a tester's click and a tester's script do exactly the same thing (``SimCommands``), and the dock
shows the answer or the refusal the script would print.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from devices.status import Health
from kiosk.ctl.protocol import CtlError
from kiosk.ctl.sim_commands import GATEWAY_STATES, LINK_MODES, SimCommands, sample_citizens
from kiosk.ui.admin.strings import AdminStrings
from kiosk.ui.qtbind import qproperty, slot

REFRESH_MS = 1000


class DockVm(QObject):
    changed = Signal()

    def __init__(
        self,
        commands: SimCommands,
        strings: AdminStrings,
        *,
        health: Callable[[], dict[str, Health]],
        now: Callable[[], datetime],
        recent_codes: Callable[[], list[str]] = list,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._commands = commands
        self._strings = strings
        self._health = health
        self._now = now
        self._recent_codes = recent_codes
        self._last = ""
        self._last_ok = True
        self._link = ""
        self._devices: list[dict[str, str]] = []
        self._codes: list[str] = []
        self._now_text = ""
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        strings.changed.connect(self.refresh)
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    # -- what the dock shows -----------------------------------------------------------------
    @slot()
    def refresh(self) -> None:
        text = self._strings.text
        self._devices = [
            {
                "name": name,
                "status": h.status.value,
                "text": f"{text(f'device_{name}')}: {text(f'status_{h.status.value}')}",
            }
            for name, h in self._health().items()
        ]
        self._codes = self._recent_codes()
        self._now_text = self._now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
        self.changed.emit()

    def _get_samples(self) -> list[dict[str, Any]]:
        people = sample_citizens(self._now().date())
        return [
            {"n": i, "label": f"{i}. {p.masked_name()} ({p.date_of_birth.year})"}
            for i, p in enumerate(people, start=1)
        ]

    def _get_devices(self) -> list[dict[str, str]]:
        return self._devices

    def _get_codes(self) -> list[str]:
        return self._codes

    def _get_now(self) -> str:
        return self._now_text

    def _get_last(self) -> str:
        return self._last

    def _get_last_ok(self) -> bool:
        return self._last_ok

    def _get_link(self) -> str:
        return self._link

    def _get_gateway_states(self) -> list[str]:
        return list(GATEWAY_STATES)

    def _get_link_modes(self) -> list[str]:
        return list(LINK_MODES)

    samples = qproperty("QVariantList", _get_samples, notify=changed)
    devices = qproperty("QVariantList", _get_devices, notify=changed)
    codes = qproperty("QVariantList", _get_codes, notify=changed)
    now = qproperty(str, _get_now, notify=changed)
    last = qproperty(str, _get_last, notify=changed)
    last_ok = qproperty(bool, _get_last_ok, notify=changed)
    link = qproperty(str, _get_link, notify=changed)
    gateway_states = qproperty("QVariantList", _get_gateway_states, constant=True)
    link_modes = qproperty("QVariantList", _get_link_modes, constant=True)

    # -- the buttons -------------------------------------------------------------------------
    def run(self, cmd: str, *argv: str) -> bool:
        """One simulation command; the dock shows the command and its answer or refusal."""
        line = " ".join(["kiosk ctl", cmd, *(f"'{a}'" if " " in a else a for a in argv)])
        try:
            answer = self._commands.run(cmd, *argv)
        except CtlError as exc:
            self._last_ok, self._last = False, self._strings.fmt("dock_refused", line, str(exc))
        else:
            shown = json.dumps(answer, ensure_ascii=False)
            self._last_ok, self._last = True, self._strings.fmt("dock_done", line, shown)
        self.refresh()
        return self._last_ok

    @slot(int)
    def qr_sample(self, n: int) -> None:
        self.run("qr-sample", str(n))

    @slot(str)
    def qr_text(self, text: str) -> None:
        self.run("qr", *([text] if text else []))

    @slot(str)
    def vneid(self, which: str) -> None:
        """``which``: a sample number, or "unknown" (a token the gateway refuses)."""
        self.run("vneid", which)

    @slot(int, bool)
    def feed(self, pages: int, seal: bool) -> None:
        self.run("feed", str(pages), *(["seal"] if seal else []))

    @slot(str)
    def feed_files(self, paths: str) -> None:
        self.run("feed-file", *[p for p in re.split(r"[\n;,]+", paths.strip()) if p.strip()])

    @slot(str)
    def printer(self, state: str) -> None:
        self.run("printer", state)

    @slot(str)
    def scanner(self, state: str) -> None:
        self.run("scanner", state)

    @slot(str)
    def camera(self, action: str) -> None:
        self.run("camera", action)

    @slot(str)
    def set_link(self, mode: str) -> None:
        if self.run("link", mode):
            self._link = mode
            self.changed.emit()

    @slot(str, str, str)
    def gateway_status(self, code: str, state: str, note: str) -> None:
        self.run("gateway-status", code.strip(), state, *([note] if note.strip() else []))

    @slot(int)
    def clock(self, seconds: int) -> None:
        self.run("clock", f"+{seconds}")
