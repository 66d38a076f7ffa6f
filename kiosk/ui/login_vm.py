"""QR login: camera preview with an aiming frame, tips after a while, refusal reasons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from devices.qr.protocol import QrReader
from kiosk.domain.cccd import QrRejected, looks_like_vneid, parse_cccd
from kiosk.domain.identity import Identity
from kiosk.ui.i18n import Strings
from kiosk.ui.images import ImageStore
from kiosk.ui.qtbind import qproperty
from kiosk.ui.worker import DeviceWorker

PREVIEW_MS = 200


class QrSession(QObject):
    """Owns the reader while a screen wants QR payloads; payloads arrive on the GUI thread."""

    def __init__(self, reader: QrReader, worker: DeviceWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self._worker = worker
        self._target: Callable[[bytes], None] | None = None
        self._running = False

    def listen(self, target: Callable[[bytes], None]) -> None:
        self._target = target
        if not self._running:
            self._reader.start(lambda payload: self._worker.post(lambda: self._deliver(payload)))
            self._running = True

    def _deliver(self, payload: bytes) -> None:
        if self._target is not None:
            self._target(payload)

    def stop(self) -> None:
        self._target = None
        if self._running:
            self._running = False
            self._reader.stop()


class LoginVm(QObject):
    changed = Signal()

    def __init__(
        self,
        strings: Strings,
        *,
        qr: QrSession,
        reader: QrReader,
        images: ImageStore,
        tips_after_s: float,
        online: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._strings = strings
        self._qr = qr
        self._reader = reader
        self._images = images
        self._online = online
        self._preview_url = ""
        self._message = ""
        self._show_tips = False
        self._preview = QTimer(self)
        self._preview.setInterval(PREVIEW_MS)
        self._preview.timeout.connect(self._refresh_preview)
        self._tips = QTimer(self)
        self._tips.setSingleShot(True)
        self._tips.setInterval(int(tips_after_s * 1000))
        self._tips.timeout.connect(self._tips_due)
        self.on_identity: Callable[[Identity], None] = lambda _i: None
        self.on_tips: Callable[[], None] = lambda: None
        self._rejection: QrRejected | None = None
        strings.changed.connect(self._relabel)

    def begin(self) -> None:
        self._message = ""
        self._rejection = None
        self._show_tips = False
        self._qr.listen(self._payload)
        self._preview.start()
        self._tips.start()
        self._refresh_preview()
        self.changed.emit()

    def end(self) -> None:
        self._preview.stop()
        self._tips.stop()
        self._qr.stop()
        self._images.drop("preview")
        self._preview_url = ""
        self._message = ""
        self._rejection = None
        self.changed.emit()

    def _refresh_preview(self) -> None:
        frame = self._reader.preview()
        if frame is None:
            self._preview_url = ""
            self._message = self._strings.text("login_camera_error")
        else:
            self._preview_url = self._images.put("preview", frame, max_side=640)
        self.changed.emit()

    def _tips_due(self) -> None:
        self._show_tips = True
        self.on_tips()
        self.changed.emit()

    def _payload(self, payload: bytes) -> None:
        self._tips.start()
        if looks_like_vneid(payload) and not self._online():
            self._rejection = None
            self._message = self._strings.text("login_vneid_offline")
            self.changed.emit()
            return
        result = parse_cccd(payload)
        if isinstance(result, QrRejected):
            self._rejection = result
            self._relabel()
            return
        self.on_identity(result)

    def _relabel(self) -> None:
        r = self._rejection
        if r is not None:
            self._message = r.message_vi if self._strings.lang_code() == "vi" else r.message_en
        self.changed.emit()

    def _get_preview_url(self) -> str:
        return self._preview_url

    def _get_message(self) -> str:
        return self._message

    def _get_show_tips(self) -> bool:
        return self._show_tips

    preview_url = qproperty(str, _get_preview_url, notify=changed)
    message = qproperty(str, _get_message, notify=changed)
    show_tips = qproperty(bool, _get_show_tips, notify=changed)
