"""The way in: a long press on the hidden hot-spot, then a PIN whose match chooses the role.

One PIN pad serves both roles. The PIN is matched against each role's hash without counting a
try, so a staff member's daily log-in never counts against the technician's lockout; a PIN that
matches no role is a wrong try for every role (five lock the pad for five minutes). Every outcome
is audited, never with the digits typed.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.admin.pin import PinCheck, PinGuard, PinOutcome, Role
from kiosk.ui.admin.services import AdminServices
from kiosk.ui.admin.strings import AdminStrings
from kiosk.ui.keypad import DigitBuffer
from kiosk.ui.qtbind import qproperty, slot
from kiosk.ui.worker import DeviceWorker

MAX_DIGITS = 12


def check_pin(guard: PinGuard, pin: str) -> tuple[Role | None, PinCheck]:
    """Which role the PIN opens, or why not (wrong with tries left, locked, no PIN set)."""
    roles = [r for r in Role if guard.is_set(r)]
    if not roles:
        return None, PinCheck(PinOutcome.NOT_SET)
    role = guard.matching_role(pin)
    if role is not None:
        return role, guard.check(role, pin)
    results = [guard.check(r, pin) for r in roles]
    locked = [r.locked_for_s for r in results if r.outcome is PinOutcome.LOCKED]
    if locked:
        return None, PinCheck(PinOutcome.LOCKED, locked_for_s=max(locked))
    return None, PinCheck(PinOutcome.WRONG, tries_left=min(r.tries_left for r in results))


class GateVm(QObject):
    """The overlay's state: closed, PIN pad, or a role's screens."""

    changed = Signal()
    opened = Signal()
    closed = Signal()

    def __init__(
        self,
        services: AdminServices,
        strings: AdminStrings,
        worker: DeviceWorker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._s = services
        self._strings = strings
        self._worker = worker
        self._open = False
        self._page = "pin"  # pin | technician | staff
        self._role: Role | None = None
        self._keys = DigitBuffer(MAX_DIGITS)
        self._message = ""
        self._locked_until = 0.0
        self._checking = False
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.refresh_lock)
        strings.changed.connect(self._relabel)

    # -- state for QML -----------------------------------------------------------------------
    def is_open(self) -> bool:
        return self._open

    def page_name(self) -> str:
        return self._page

    def role_name(self) -> str:
        return "" if self._role is None else self._role.value

    def typed_count(self) -> int:
        return len(self._keys)

    def message_text(self) -> str:
        return self._message

    def is_locked(self) -> bool:
        return self._lock_left() > 0

    def is_checking(self) -> bool:
        return self._checking

    def _hold_s(self) -> float:
        return self._s.hold_s

    def _idle_ms(self) -> int:
        return int(self._s.idle_close_s * 1000)

    open = qproperty(bool, is_open, notify=changed)
    page = qproperty(str, page_name, notify=changed)
    role = qproperty(str, role_name, notify=changed)
    typed = qproperty(int, typed_count, notify=changed)
    message = qproperty(str, message_text, notify=changed)
    locked = qproperty(bool, is_locked, notify=changed)
    checking = qproperty(bool, is_checking, notify=changed)
    hold_s = qproperty(float, _hold_s, constant=True)
    idle_ms = qproperty(int, _idle_ms, constant=True)

    # -- the lock ----------------------------------------------------------------------------
    def _lock_left(self) -> int:
        return max(0, math.ceil(self._locked_until - self._s.clock()))

    def _lock_message(self) -> str:
        left = self._lock_left()
        return self._strings.fmt("pin_locked", f"{left // 60}:{left % 60:02d}")

    @slot()
    def refresh_lock(self) -> None:
        """Once a second while locked: the countdown, then the pad again."""
        if self._lock_left() > 0:
            self._message = self._lock_message()
        else:
            self._tick.stop()
            self._message = self._strings.text("pin_prompt")
        self.changed.emit()

    def _relabel(self) -> None:
        if self._page == "pin" and self._open:
            self.refresh_lock()

    # -- actions -----------------------------------------------------------------------------
    @slot()
    def request(self) -> None:
        """The hot-spot was held long enough: hide the citizen's screen and ask for a PIN."""
        if self._open:
            return
        self._s.on_open()
        self._open, self._page, self._role = True, "pin", None
        self._keys.clear()
        self.refresh_lock()
        if self.is_locked():
            self._tick.start()
        self.opened.emit()

    @slot(str)
    def digit(self, d: str) -> None:
        if self._page != "pin" or self._checking or self.is_locked():
            return
        if self._keys.press(d):
            self.changed.emit()

    @slot()
    def erase(self) -> None:
        self._keys.erase()
        self.changed.emit()

    @slot()
    def submit(self) -> None:
        if self._page != "pin" or self._checking or self.is_locked() or not len(self._keys):
            return
        pin, self._checking = self._keys.take(), True
        self._message = self._strings.text("pin_checking")
        self.changed.emit()
        self._worker.run(lambda: self._check_and_audit(pin), self._checked, self._failed)

    def _check_and_audit(self, pin: str) -> tuple[Role | None, PinCheck]:
        role, result = check_pin(self._s.pins, pin)
        match result.outcome:
            case PinOutcome.ACCEPTED:
                assert role is not None
                self._s.audit(role.value, "login", "")
            case PinOutcome.WRONG:
                self._s.audit("unknown", "pin.wrong", f"tries left {result.tries_left}")
            case PinOutcome.LOCKED:
                actor = role.value if role else "unknown"
                self._s.audit(actor, "pin.locked", f"{result.locked_for_s} s")
            case PinOutcome.NOT_SET:
                self._s.audit("unknown", "pin.not_set", "")
        return role, result

    def _checked(self, answer: tuple[Role | None, PinCheck]) -> None:
        role, result = answer
        self._checking = False
        match result.outcome:
            case PinOutcome.ACCEPTED:
                assert role is not None
                self._role, self._page, self._message = role, role.value, ""
            case PinOutcome.WRONG:
                self._message = self._strings.fmt("pin_wrong", result.tries_left)
            case PinOutcome.LOCKED:
                self._locked_until = self._s.clock() + result.locked_for_s
                self._message = self._lock_message()
                self._tick.start()
            case PinOutcome.NOT_SET:
                self._message = self._strings.text("pin_not_set")
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self._checking = False
        self._message = self._strings.fmt("action_failed", type(exc).__name__)
        self.changed.emit()

    @slot()
    def close(self) -> None:
        """Log out and give the screen back to citizens."""
        if not self._open:
            return
        if self._role is not None:
            actor = self._role.value
            self._s.audit(actor, "logout", "")
        self._open, self._page, self._role, self._message = False, "pin", None, ""
        self._keys.clear()
        self._tick.stop()
        self.changed.emit()
        self.closed.emit()

    def actor(self) -> str:
        return self.role_name() or "unknown"
