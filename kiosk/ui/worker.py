"""One way to run device work off the GUI thread and get the answer back on it.

Each device gets its own single worker thread (calls to one device never overlap); the result
or exception is relayed through a queued signal to the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from kiosk.ui.qtbind import slot

T = TypeVar("T")


class _Relay(QObject):
    deliver = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.deliver.connect(self._run)

    @slot(object)
    def _run(self, call: Callable[[], None]) -> None:
        call()


class DeviceWorker(QObject):
    """A named single-thread executor whose callbacks run on the thread that created it."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"dev-{name}")
        self._relay = _Relay(self)
        self._pending = 0
        self._closed = False

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def post(self, call: Callable[[], None]) -> None:
        """Run ``call`` on the GUI thread (safe from any thread)."""
        if not self._closed:
            self._relay.deliver.emit(call)

    def run(
        self,
        job: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._pending += 1

        def finished(fut: Future[T]) -> None:
            if fut.cancelled():  # closed before it ran: the kiosk is shutting down, no one waits
                return
            exc = fut.exception()
            if exc is not None:
                self.post(lambda: self._finish_error(exc, on_error))
            else:
                value = fut.result()
                self.post(lambda: self._finish(value, on_done))

        self._pool.submit(job).add_done_callback(finished)

    def _finish(self, value: Any, on_done: Callable[[Any], None]) -> None:
        self._pending -= 1
        on_done(value)

    def _finish_error(self, exc: BaseException, on_error: Callable[[BaseException], None] | None) -> None:
        self._pending -= 1
        if on_error is None:
            raise exc
        on_error(exc)

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class DeviceWorkers:
    """The one thread each device is driven from: the citizen's screens and the technician's
    overlay share them, so a printer test never runs while a slip prints."""

    qr: DeviceWorker
    scanner: DeviceWorker
    printer: DeviceWorker
