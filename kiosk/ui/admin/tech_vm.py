"""Technician screens: devices and their self-tests, configuration, network test, log, restart.

Technicians never see citizens' data: the camera test says what kind of QR it read (a CCCD, the
test slip, something else) and its length, never its content; the log is the audit log, which
holds actions and codes only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from devices.scanner.protocol import ScanOutcome, ScanSource
from devices.selftest import TEST_QR_TEXT, SelfTestReport, self_test_printer
from devices.status import DeviceStatus, Health
from kiosk.admin.config_keeper import ConfigKeeper, Proposal
from kiosk.domain.cccd import QrRejected, parse_cccd
from kiosk.ui.admin.config_form import FIELDS, current_values, merged, to_toml
from kiosk.ui.admin.gate_vm import GateVm
from kiosk.ui.admin.services import ActionResult, AdminServices
from kiosk.ui.admin.strings import AdminStrings
from kiosk.ui.images import ImageStore
from kiosk.ui.qtbind import qproperty, slot
from kiosk.ui.worker import DeviceWorker, DeviceWorkers

CAMERA_FRAME_MS = 250
SCAN_TEST_DPI = 100
LOG_ROWS = 40


def describe_qr(payload: bytes) -> str:
    """What the camera test may say about a QR: its kind and length, never its content."""
    if payload == TEST_QR_TEXT.encode():
        return "qr_test_slip_ok"
    if not isinstance(parse_cccd(payload), QrRejected):
        return "qr_cccd_ok"
    return "qr_other"


class TechVm(QObject):
    changed = Signal()
    fields_changed = Signal()  # not on every keystroke: the form keeps its focus while typing
    camera_read = Signal(str, int)  # from the camera's thread to the GUI thread

    def __init__(
        self,
        services: AdminServices,
        gate: GateVm,
        strings: AdminStrings,
        *,
        images: ImageStore,
        worker: DeviceWorker,
        devices: DeviceWorkers,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._s = services
        self._gate = gate
        self._strings = strings
        self._images = images
        self._worker = worker  # the overlay's own: PIN file, network, store
        self._devices_w = devices  # each device from its one thread, shared with the citizen's screens
        self._health_got: dict[str, Health] = {}
        self._tab = "devices"
        self._devices: list[dict[str, Any]] = []
        self._busy = ""
        self._result = ""
        self._result_ok = True
        self._scan_url = ""
        self._camera_url = ""
        self._camera_on = False
        self._camera_seen = ""
        self._camera_reads = 0
        self._config_text: str | None = None
        self._values: dict[str, str] = {}
        self._form_rev = 0
        self._config_message = ""
        self._config_ok = True
        self._net_message = ""
        self._net_ok = True
        self._log: list[dict[str, str]] = []
        self._frames = QTimer(self)
        self._frames.setInterval(CAMERA_FRAME_MS)
        self._frames.timeout.connect(self._frame)
        self._reader_lock = threading.Lock()
        self.camera_read.connect(self._on_camera_read)
        gate.changed.connect(self._gate_changed)
        self._was_open = False

    def _gate_changed(self) -> None:
        here = self._gate.page_name() == "technician" and self._gate.is_open()
        if here and not self._was_open:
            self.set_tab("devices")
            self.load_config()
        if not here and self._was_open:
            self.camera_stop()
        self._was_open = here

    def _audit(self, action: str, detail: str = "") -> None:
        self._s.audit(self._gate.actor(), action, detail)

    # -- tabs --------------------------------------------------------------------------------
    def _get_tab(self) -> str:
        return self._tab

    @slot(str)
    def set_tab(self, tab: str) -> None:
        if tab != "devices":
            self.camera_stop()
        self._tab = tab
        if tab == "devices":
            self.refresh_devices()
        elif tab == "log":
            self.refresh_log()
        self.changed.emit()

    tab = qproperty(str, _get_tab, set_tab, notify=changed)

    # -- devices -----------------------------------------------------------------------------
    @slot()
    def refresh_devices(self) -> None:
        """Ask each device how it is, on that device's own thread."""
        self._health_got = {}
        for name, worker, health in (
            ("printer", self._devices_w.printer, self._s.printer.health),
            ("scanner", self._devices_w.scanner, self._s.scanner.health),
            ("camera", self._devices_w.qr, self._s.qr_reader.health),
        ):
            worker.run(health, partial(self._got_one, name), self._failed)

    def _got_one(self, name: str, health: Health) -> None:
        self._health_got[name] = health
        if len(self._health_got) == 3:
            got = self._health_got
            self._got_health({n: got[n] for n in ("printer", "scanner", "camera")})

    def _got_health(self, health: dict[str, Health]) -> None:
        self._devices = [
            {
                "name": name,
                "label": self._strings.text(f"device_{name}"),
                "status": h.status.value,
                "status_text": self._strings.text(f"status_{h.status.value}"),
                "detail": h.detail,
                "ok": h.status is DeviceStatus.READY,
            }
            for name, h in health.items()
        ]
        self.changed.emit()

    def _get_devices(self) -> list[dict[str, Any]]:
        return self._devices

    devices = qproperty("QVariantList", _get_devices, notify=changed)

    def _start(self, what: str, job: Callable[[], Any], done: Callable[[Any], None],
               worker: DeviceWorker | None = None) -> None:
        if self._busy:
            return
        self._busy = what
        self._result = self._strings.text(f"busy_{what}")
        self._result_ok = True
        self.changed.emit()

        def finish(value: Any) -> None:
            self._busy = ""
            done(value)
            self.refresh_devices()
            self.changed.emit()

        (worker or self._worker).run(job, finish, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._busy = ""
        self._result_ok = False
        self._result = self._strings.fmt("action_failed", f"{type(exc).__name__}: {exc}")
        self.changed.emit()

    def _report(self, report: SelfTestReport) -> None:
        self._result_ok = report.passed
        key = "test_passed" if report.passed else "test_failed"
        self._result = self._strings.fmt(
            key,
            self._strings.text(f"device_{report.device}"),
            self._strings.text(f"status_{report.status.value}"),
            report.detail,
        )
        outcome = "passed" if report.passed else "failed"
        self._audit(f"selftest.{report.device}", f"{outcome}: {report.detail}")

    @slot()
    def print_test(self) -> None:
        label = f"{self._s.kiosk_id}"
        self._start(
            "printer",
            lambda: self_test_printer(self._s.printer, label=label, font_path=self._s.receipt_font),
            self._report,
            self._devices_w.printer,
        )

    @slot()
    def scan_test(self) -> None:
        source: ScanSource = "feeder" if self._s.scanner_source == "feeder" else "flatbed"

        def scan() -> ScanOutcome:
            return self._s.scanner.scan(source=source, dpi=SCAN_TEST_DPI, timeout_s=60.0)

        def done(outcome: ScanOutcome) -> None:
            passed = outcome.status is DeviceStatus.READY and bool(outcome.pages)
            if outcome.pages:
                self._scan_url = self._images.put("admin_scan", outcome.pages[0], max_side=900)
            detail = (
                f"{len(outcome.pages)} page(s) at {outcome.dpi} dpi"
                if passed
                else outcome.detail or outcome.status.value
            )
            self._report(SelfTestReport("scanner", passed, outcome.status, detail))

        self._start("scanner", scan, done, self._devices_w.scanner)

    def _get_busy(self) -> str:
        return self._busy

    def _get_result(self) -> str:
        return self._result

    def _get_result_ok(self) -> bool:
        return self._result_ok

    def _get_scan_url(self) -> str:
        return self._scan_url

    busy = qproperty(str, _get_busy, notify=changed)
    result = qproperty(str, _get_result, notify=changed)
    result_ok = qproperty(bool, _get_result_ok, notify=changed)
    scan_url = qproperty(str, _get_scan_url, notify=changed)

    # -- camera ------------------------------------------------------------------------------
    @slot()
    def camera_start(self) -> None:
        if self._camera_on:
            return
        try:
            self._s.qr_reader.start(lambda payload: self.camera_read.emit(describe_qr(payload), len(payload)))
        except RuntimeError as exc:
            self._failed(exc)
            return
        self._camera_on, self._camera_seen, self._camera_reads = True, "", 0
        self._frames.start()
        self._frame()
        self._audit("selftest.camera", "live view opened")

    @slot()
    def camera_stop(self) -> None:
        if not self._camera_on:
            return
        self._frames.stop()
        self._camera_on = False
        self._camera_url = ""
        self._images.drop("admin_camera")
        self._s.qr_reader.stop()
        self.changed.emit()

    def _frame(self) -> None:
        frame = self._s.qr_reader.preview()
        self._camera_url = "" if frame is None else self._images.put("admin_camera", frame, max_side=640)
        self.changed.emit()

    def _on_camera_read(self, kind: str, length: int) -> None:
        self._camera_reads += 1
        self._camera_seen = self._strings.fmt(kind, length)
        self._audit("selftest.camera", f"{kind}, {length} bytes")
        self.changed.emit()

    def _get_camera_on(self) -> bool:
        return self._camera_on

    def _get_camera_url(self) -> str:
        return self._camera_url

    def _get_camera_seen(self) -> str:
        return self._camera_seen

    camera_on = qproperty(bool, _get_camera_on, notify=changed)
    camera_url = qproperty(str, _get_camera_url, notify=changed)
    camera_seen = qproperty(str, _get_camera_seen, notify=changed)

    # -- configuration -----------------------------------------------------------------------
    @slot()
    def load_config(self) -> None:
        path = self._s.config_path
        self._config_text = path.read_text("utf-8") if path is not None and path.exists() else None
        self._values = current_values(self._config_text)
        self._config_message = "" if path is not None else self._strings.text("cfg_no_file")
        self._config_ok = True
        self._form_rev += 1
        self.fields_changed.emit()
        self.changed.emit()

    def _get_fields(self) -> list[dict[str, Any]]:
        return [
            {
                "key": f.key,
                "label": self._strings.text(f.label),
                "kind": f.kind,
                "choices": list(f.choices),
                "value": self._values.get(f.key, ""),
            }
            for f in FIELDS
        ]

    fields = qproperty("QVariantList", _get_fields, notify=fields_changed)

    @slot(str, result=str)
    def value(self, key: str) -> str:
        return self._values[key]

    @slot(str, str)
    def set_value(self, key: str, value: str) -> None:
        """A typed value (the form shows it already)."""
        if key not in self._values:
            raise KeyError(key)
        self._values[key] = value

    @slot(str)
    def cycle(self, key: str) -> None:
        """A choice field: the next allowed value."""
        spec = next(f for f in FIELDS if f.key == key)
        if spec.choices:
            current = self._values.get(key, "")
            i = spec.choices.index(current) + 1 if current in spec.choices else 0
            self.set_value(key, spec.choices[i % len(spec.choices)])
            self.fields_changed.emit()

    @slot()
    def save_config(self) -> None:
        path = self._s.config_path
        if path is None:
            self._config_ok, self._config_message = False, self._strings.text("cfg_no_file")
            self.changed.emit()
            return
        before = current_values(self._config_text)
        changed_keys = [k for k, v in self._values.items() if before.get(k) != v]
        text = to_toml(merged(self._config_text, self._values))
        proposal: Proposal = ConfigKeeper(path).propose(text)
        self._config_ok = proposal.accepted
        if proposal.accepted:
            self._config_text = text
            self._config_message = self._strings.text("cfg_saved")
            self._audit("config.saved", "keys: " + ", ".join(changed_keys))
        else:
            self._config_message = self._strings.fmt("cfg_refused", proposal.message)
            self._audit("config.refused", "keys: " + ", ".join(changed_keys))
        self.changed.emit()

    def _get_config_message(self) -> str:
        return self._config_message

    def _get_config_ok(self) -> bool:
        return self._config_ok

    config_message = qproperty(str, _get_config_message, notify=changed)
    config_ok = qproperty(bool, _get_config_ok, notify=changed)

    # -- network, log, restart ---------------------------------------------------------------
    @slot()
    def network_test(self) -> None:
        if self._busy:
            return
        self._busy = "network"
        self._net_message, self._net_ok = self._strings.text("busy_network"), True
        self.changed.emit()

        def done(result: ActionResult) -> None:
            self._busy = ""
            self._net_ok = result.ok
            self._net_message = self._strings.fmt("net_ok" if result.ok else "net_failed", result.message)
            self._audit("network.test", ("ok: " if result.ok else "failed: ") + result.message)
            self.changed.emit()

        self._worker.run(self._s.network_test, done, self._failed)

    def _get_net_message(self) -> str:
        return self._net_message

    def _get_net_ok(self) -> bool:
        return self._net_ok

    net_message = qproperty(str, _get_net_message, notify=changed)
    net_ok = qproperty(bool, _get_net_ok, notify=changed)

    @slot()
    def refresh_log(self) -> None:
        self._worker.run(lambda: self._s.recent_audit(LOG_ROWS), self._got_log, self._failed)

    def _got_log(self, rows: list[tuple[str, str, str, str]]) -> None:
        self._log = [
            {"at": at, "actor": actor, "action": action, "detail": detail}
            for at, actor, action, detail in rows
        ]
        self.changed.emit()

    def _get_log(self) -> list[dict[str, str]]:
        return self._log

    log = qproperty("QVariantList", _get_log, notify=changed)

    @slot()
    def restart(self) -> None:
        self._s.audit(self._gate.actor(), "restart", "")
        self._gate.close()
        self._s.restart()
