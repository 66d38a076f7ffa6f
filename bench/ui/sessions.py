"""UI benchmarks (not tests): cold start, tap-to-rendered latency, memory over many sessions.

``python -m bench.ui.sessions [--sessions 200]`` prints JSON. Offscreen, simulated devices, the
kiosk built by the same root as ``kiosk run`` (``kiosk.wiring.sim``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtQuick import QQuickItem

from devices.scanner.sample_pages import make_sample_page
from kiosk.domain.cccd import format_cccd
from kiosk.ui.app_ui import KioskUi, apply_font, build_ui, prepare_environment
from kiosk.ui.demo import DEMO_CITIZEN
from kiosk.ui.flow_vm import FlowVm
from kiosk.wiring.sim import SimKit, build_sim_kit

COLD_START_CHILD = """
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from PySide6.QtGui import QGuiApplication
from kiosk.ui.app_ui import apply_font, build_ui, prepare_environment
from collections.abc import Callable

from PySide6.QtQuick import QQuickItem

from devices.scanner.sample_pages import make_sample_page
from kiosk.domain.cccd import format_cccd
from kiosk.ui.app_ui import KioskUi, apply_font, build_ui, prepare_environment
from kiosk.ui.demo import DEMO_CITIZEN
from kiosk.ui.flow_vm import FlowVm
from kiosk.wiring.sim import SimKit, build_sim_kit
prepare_environment()
app = QGuiApplication([])
apply_font(app)
kit = build_sim_kit(Path(sys.argv[1]))
ui = build_ui(kit.services)
ui.window.frameSwapped.connect(lambda: (print("FRAME", flush=True), app.exit(0)))
ui.window.update()
app.exec()
"""


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def cold_start_s(runs: int = 3) -> float:
    best = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", COLD_START_CHILD, tmp],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            assert "FRAME" in out.stdout
            best.append(time.perf_counter() - t0)
    return statistics.median(best)


def _moved_on(flow: FlowVm, field_id: str) -> Callable[[], bool]:
    def moved() -> bool:
        f = flow.form.field
        return flow.current_screen() != "question" or (f is not None and f.id != field_id)

    return moved


def _has_pages(flow: FlowVm, doc_id: str) -> Callable[[], bool]:
    return lambda: bool(flow.session.pages(doc_id))


class _SessionBench:
    """Plays whole sessions on one window, timing tap → next screen rendered."""

    def __init__(self, ui: KioskUi, kit: SimKit) -> None:
        self.ui, self.kit, self.flow = ui, kit, ui.flow
        self.page = make_sample_page("Trang", seed=1)
        self.frames = 0
        self.count = 0
        ui.window.frameSwapped.connect(self._swapped)
        ui.window.update()
        self.wait(lambda: self.frames > 0 and ui.window.isExposed())

    def _swapped(self) -> None:
        self.frames += 1

    @staticmethod
    def wait(pred: Callable[[], bool], limit: float = 10.0) -> None:
        from PySide6.QtTest import QTest

        end = time.perf_counter() + limit
        while not pred():
            if time.perf_counter() > end:
                raise TimeoutError
            QTest.qWait(1)

    def _find(self, name: str) -> QQuickItem:
        stack = [self.ui.window.contentItem()]
        while stack:
            it = stack.pop()
            if it.objectName() == name and it.isVisible():
                return it
            stack.extend(it.childItems())
        raise LookupError(name)

    def tap(self, name: str) -> float:
        from PySide6.QtCore import QPointF, Qt
        from PySide6.QtTest import QTest

        item = self._find(name)
        pos = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        screen, frames = self.flow.current_screen(), self.frames
        t0 = time.perf_counter()
        QTest.mouseClick(self.ui.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
        self.wait(lambda: self.flow.current_screen() != screen and self.frames > frames)
        return time.perf_counter() - t0

    def _answer_all(self, lat: list[float]) -> None:
        flow = self.flow
        while flow.current_screen() == "question":
            f = flow.form.field
            assert f is not None
            if f.kind.value == "text":
                flow.form.set_text("Trần Văn Bình")
            else:
                flow.form.choose(flow.form._get_options()[0]["value"])
            t0 = time.perf_counter()
            flow.next()
            self.wait(_moved_on(self.flow, f.id))
            lat.append(time.perf_counter() - t0)

    def session(self, lat: list[float]) -> None:
        flow, kit = self.flow, self.kit
        self.count += 1
        self.wait(lambda: flow.current_screen() == "welcome")
        lat.append(self.tap("startButton"))
        lat.append(self.tap("proc_HT-XNHN"))
        lat.append(self.tap("procedureGo"))
        # a different payload each time: the reader drops a repeat within its window
        payload = format_cccd(DEMO_CITIZEN, trailing_empty=self.count % 2).encode()
        kit.qr.control.inject(payload)
        self.wait(lambda: flow.current_screen() == "question")
        self._answer_all(lat)
        for item in flow.docs.items_list():
            if item["required"]:
                kit.scanner.control.feed([self.page])
                flow.docs.scan(item["id"])
                self.wait(_has_pages(flow, str(item["id"])))
        lat.append(self.tap("nextButton"))  # documents -> review
        lat.append(self.tap("nextButton"))  # review -> confirm
        for d in flow.confirm.current_code():
            flow.confirm.digit(d)
        flow.confirm.submit()
        self.wait(lambda: flow.current_screen() == "done" and not flow.done.is_printing())
        lat.append(self.tap("nextButton"))  # done -> rating
        lat.append(self.tap("rate_3"))  # rating -> welcome
        kit.printer._printed.clear()  # the simulator keeps every slip; a real printer does not


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    result: dict[str, float] = {"cold_start_to_welcome_s": cold_start_s()}
    prepare_environment()
    app = QGuiApplication.instance() or QGuiApplication([])
    assert isinstance(app, QGuiApplication)
    apply_font(app)
    with tempfile.TemporaryDirectory() as tmp:
        kit = build_sim_kit(Path(tmp))
        ui = build_ui(kit.services)
        bench = _SessionBench(ui, kit)
        latencies: list[float] = []
        for _ in range(10):
            bench.session(latencies)
        result["tap_to_next_screen_p95_ms"] = 1000 * statistics.quantiles(latencies, n=20)[18]
        result["tap_to_next_screen_median_ms"] = 1000 * statistics.median(latencies)
        result["rss_after_10_sessions_mb"] = _rss_mb()
        for _ in range(args.sessions - 10):
            bench.session([])
        result[f"rss_after_{args.sessions}_sessions_mb"] = _rss_mb()
        ui.close()
        kit.close()
    print(json.dumps({k: round(v, 3) for k, v in result.items()}, indent=2))


if __name__ == "__main__":
    main()
