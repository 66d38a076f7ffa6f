"""`kiosk ctl` screen commands, carried out on the GUI thread like a finger on the glass.

The control server answers on its own thread; Qt objects live on the GUI thread. Each command is
sent to the GUI thread through a queued signal and the server thread waits for the answer (with
a timeout, so a frozen UI gives a clear error instead of a hung script). Waiting commands poll from
the server thread so the GUI keeps running while a script waits for a screen.

    screen                          the current screen's name
    tap OBJECTNAME [SECONDS]        a real mouse click at the item's centre (waits for it to show)
    wait-screen NAME [SECONDS]      wait until the screen NAME is shown (default 15 s)
    wait-item OBJECTNAME [SECONDS]  wait until an item is visible
    read OBJECTNAME                 the item's text (or its visible texts, joined by newlines)
    keypad DIGITS [PREFIX]          tap the digits on the visible keypad
    screenshot PATH                 save the kiosk window as a PNG
    items                           the objectNames visible now (to write scripts)
    calls                           citizens' open calls for staff (time, screen, reason)

Any other command goes to ``fallback`` (``kiosk.ctl.sim_commands.SimCommands``).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QPointF, Qt, QThread, Signal
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest

from kiosk.ctl.protocol import CtlError, Request
from kiosk.ui.qtbind import slot

T = TypeVar("T")
Dispatch = Callable[[Request], Any]

GUI_TIMEOUT_S = 20.0
TAP_WAIT_S = 5.0
SCREEN_WAIT_S = 15.0
POLL_S = 0.05
_DIGIT_NAME = re.compile(r"^(.+)_([0-9])$")

UI_HELP = __doc__.split("\n\n", 3)[2].rstrip() if __doc__ else ""


def _items(window: QQuickWindow) -> list[QQuickItem]:
    """Visible items of a window, top-most children first (as a finger would meet them)."""
    found: list[QQuickItem] = []
    stack = [window.contentItem()]
    while stack:
        item = stack.pop()
        if not item.isVisible():
            continue
        found.append(item)
        stack.extend(item.childItems())
    return found


def _text_of(item: QQuickItem) -> str:
    own = item.property("text")
    if isinstance(own, str) and own:
        return own
    texts: list[str] = []
    stack = list(reversed(item.childItems()))
    while stack:
        child = stack.pop()
        if not child.isVisible():
            continue
        value = child.property("text")
        if isinstance(value, str) and value:
            texts.append(value)
            continue
        stack.extend(reversed(child.childItems()))
    return "\n".join(texts)


def _seconds(argv: tuple[str, ...], index: int, default: float) -> float:
    if len(argv) <= index:
        return default
    try:
        value = float(argv[index])
    except ValueError as exc:
        raise CtlError(f"{argv[index]!r} is not a number of seconds") from exc
    if not 0 < value <= 3600:
        raise CtlError("seconds must be more than 0 and at most 3600")
    return value


class UiCtl(QObject):
    """Dispatch for `kiosk ctl`: screen commands here, the rest to ``fallback``.

    Create it on the GUI thread; call it from any thread (the control server's).
    """

    _invoke = Signal(object)

    def __init__(
        self,
        windows: Callable[[], Sequence[QQuickWindow]],
        screen: Callable[[], str],
        fallback: Dispatch | None = None,
        *,
        gui_timeout_s: float = GUI_TIMEOUT_S,
        open_calls: Callable[[], list[dict[str, Any]]] = list,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._windows = windows
        self._screen = screen
        self._fallback = fallback
        self._open_calls = open_calls  # read on the control server's thread (the store's port)
        self._gui_timeout_s = gui_timeout_s
        self._invoke.connect(self._run, Qt.ConnectionType.QueuedConnection)
        self._table: dict[str, Callable[[tuple[str, ...]], Any]] = {
            "screen": lambda _a: {"screen": self._on_gui(self._screen)},
            "tap": self._tap,
            "wait-screen": self._wait_screen,
            "wait-item": self._wait_item,
            "read": self._read,
            "keypad": self._keypad,
            "screenshot": self._screenshot,
            "items": lambda _a: {"items": self._on_gui(self._visible_names)},
            "calls": lambda _a: {"calls": self._open_calls()},
        }

    def __call__(self, request: Request) -> Any:
        handler = self._table.get(request.cmd)
        if handler is not None:
            return handler(request.argv)
        if request.cmd == "help":
            more = self._fallback(request) if self._fallback is not None else {"commands": ""}
            return {"commands": UI_HELP + "\n" + str(more.get("commands", ""))}
        if self._fallback is None:
            raise CtlError(f"unknown command {request.cmd!r}; known here: {', '.join(sorted(self._table))}")
        return self._fallback(request)

    # -- running on the GUI thread ---------------------------------------------------------
    @slot(object)
    def _run(self, job: tuple[Callable[[], Any], Future[Any]]) -> None:
        fn, fut = job
        if not fut.set_running_or_notify_cancel():
            return
        try:
            fut.set_result(fn())
        except BaseException as exc:
            fut.set_exception(exc)

    def _on_gui(self, fn: Callable[[], T]) -> T:
        if QThread.currentThread() is self.thread():
            return fn()
        fut: Future[T] = Future()
        self._invoke.emit((fn, fut))
        try:
            return fut.result(timeout=self._gui_timeout_s)
        except FutureTimeout as exc:
            fut.cancel()
            raise CtlError(f"the kiosk UI did not answer within {self._gui_timeout_s:g} s (frozen?)") from exc

    def _poll(self, check: Callable[[], T | None], seconds: float) -> T | None:
        """Ask the GUI thread until ``check`` gives something, or the time is up."""
        deadline = time.monotonic() + seconds
        pause = threading.Event()
        while True:
            got = self._on_gui(check)
            if got is not None:
                return got
            if time.monotonic() >= deadline or QThread.currentThread() is self.thread():
                return None
            pause.wait(POLL_S)

    # -- finding things (GUI thread) ---------------------------------------------------------
    def _find(self, name: str) -> tuple[QQuickWindow, QQuickItem] | None:
        for window in self._windows():
            for item in _items(window):
                if item.objectName() == name:
                    return window, item
        return None

    def _visible_names(self) -> list[str]:
        names: list[str] = []
        for window in self._windows():
            names += [i.objectName() for i in _items(window) if i.objectName()]
        return sorted(set(names))

    def _click(self, name: str) -> bool | None:
        found = self._find(name)
        if found is None:
            return None
        window, item = found
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
        return True

    # -- commands ---------------------------------------------------------------------------
    def _tap(self, argv: tuple[str, ...]) -> Any:
        if not 1 <= len(argv) <= 2:
            raise CtlError("tap: give an objectName (see `kiosk ctl items`) and optionally seconds")
        name = argv[0]
        if self._poll(lambda: self._click(name), _seconds(argv, 1, TAP_WAIT_S)) is None:
            raise CtlError(f"tap: no visible item {name!r} on screen {self._on_gui(self._screen)!r}")
        return {"tapped": name}

    def _wait_screen(self, argv: tuple[str, ...]) -> Any:
        if not 1 <= len(argv) <= 2:
            raise CtlError("wait-screen: give a screen name and optionally seconds")
        name, seconds = argv[0], _seconds(argv, 1, SCREEN_WAIT_S)

        def shown() -> bool | None:
            return True if self._screen() == name and self._find(f"screen_{name}") else None

        if self._poll(shown, seconds) is None:
            raise CtlError(
                f"wait-screen: still on {self._on_gui(self._screen)!r} after {seconds:g} s, not {name!r}"
            )
        return {"screen": name}

    def _wait_item(self, argv: tuple[str, ...]) -> Any:
        if not 1 <= len(argv) <= 2:
            raise CtlError("wait-item: give an objectName and optionally seconds")
        name, seconds = argv[0], _seconds(argv, 1, SCREEN_WAIT_S)
        if self._poll(lambda: True if self._find(name) else None, seconds) is None:
            raise CtlError(f"wait-item: {name!r} did not show within {seconds:g} s")
        return {"visible": name}

    def _read(self, argv: tuple[str, ...]) -> Any:
        if len(argv) != 1:
            raise CtlError("read: give one objectName")
        name = argv[0]

        def read() -> str | None:
            found = self._find(name)
            return None if found is None else _text_of(found[1])

        text = self._on_gui(read)
        if text is None:
            raise CtlError(f"read: no visible item {name!r}")
        return {"name": name, "text": text}

    def _keypad_prefix(self, wanted: str | None) -> str:
        digits: dict[str, set[str]] = {}
        for name in self._visible_names():
            m = _DIGIT_NAME.match(name)
            if m:
                digits.setdefault(m.group(1), set()).add(m.group(2))
        full = sorted(p for p, ds in digits.items() if len(ds) == 10)
        if wanted is not None:
            if wanted not in full:
                raise CtlError(f"keypad: no visible keypad {wanted!r} (visible: {', '.join(full) or 'none'})")
            return wanted
        if len(full) != 1:
            raise CtlError(f"keypad: {len(full)} keypads visible ({', '.join(full) or 'none'}); name one")
        return full[0]

    def _keypad(self, argv: tuple[str, ...]) -> Any:
        if not 1 <= len(argv) <= 2 or not argv[0].isdigit():
            raise CtlError("keypad: give the digits to tap, e.g. keypad 4821")
        digits, wanted = argv[0], (argv[1] if len(argv) == 2 else None)

        def type_digits() -> str:
            prefix = self._keypad_prefix(wanted)
            for d in digits:
                if self._click(f"{prefix}_{d}") is None:
                    raise CtlError(f"keypad: {prefix}_{d} disappeared while typing")
            return prefix

        return {"keypad": self._on_gui(type_digits), "typed": len(digits)}

    def _screenshot(self, argv: tuple[str, ...]) -> Any:
        if len(argv) != 1:
            raise CtlError("screenshot: give the PNG file to write")
        path = Path(argv[0]).expanduser().resolve()

        def grab() -> tuple[int, int]:
            windows = self._windows()
            if not windows:
                raise CtlError("screenshot: no kiosk window")
            image = windows[0].grabWindow()
            path.parent.mkdir(parents=True, exist_ok=True)
            if not image.save(str(path)):
                raise CtlError(f"screenshot: could not write {path}")
            return image.width(), image.height()

        width, height = self._on_gui(grab)
        return {"saved": str(path), "width": width, "height": height}


def kiosk_ctl(
    window: QQuickWindow,
    screen: Callable[[], str],
    fallback: Dispatch | None,
    *,
    extra_windows: Callable[[], Sequence[QQuickWindow]] = tuple,
    open_calls: Callable[[], list[dict[str, Any]]] = list,
    parent: QObject | None = None,
) -> UiCtl:
    """The dispatch to give ``ControlServer`` for a kiosk window (plus e.g. the dev dock's);
    ``open_calls``: the citizens' calls staff have not closed yet, for ``kiosk ctl calls``."""
    return UiCtl(lambda: (window, *extra_windows()), screen, fallback, open_calls=open_calls,
                 parent=parent)
