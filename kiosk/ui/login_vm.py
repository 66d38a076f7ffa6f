"""QR login: camera preview with an aiming frame, tips after a while, refusal reasons.

A card's QR is read here; a VNeID app QR is checked through the gateway (``UiServices.vneid``)
off the GUI thread when the agent reports a link, and the identity it returns goes through the
same checks and the same ``on_identity`` as a card's. Offline, refused or unanswered, the citizen
is told kindly (shown and spoken) and asked for the card.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from devices.qr.protocol import QrReader
from kiosk.domain.cccd import QrRejected, looks_like_vneid, parse_cccd
from kiosk.domain.identity import Identity
from kiosk.domain.vneid import identity_from_vneid
from kiosk.ui.i18n import Strings
from kiosk.ui.images import ImageStore
from kiosk.ui.qtbind import qproperty
from kiosk.ui.services import VneidPort
from kiosk.ui.worker import DeviceWorker
from sync.api import VneidCheck, VneidVerdict

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
        vneid: VneidPort | None = None,
        net_worker: DeviceWorker | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._strings = strings
        self._vneid = vneid
        self._net = net_worker or DeviceWorker("vneid", self)
        self._checking = False  # a VNeID token is with the gateway
        self._round = 0  # answers for an ended login are ignored
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
        self.on_say: Callable[[str], None] = lambda _t: None  # speak a message (the voice)
        self._rejection: QrRejected | None = None
        self._message_id = ""  # the string shown, when it is one of ours (relabelled on language)
        strings.changed.connect(self._relabel)

    def begin(self) -> None:
        self._message = ""
        self._message_id = ""
        self._rejection = None
        self._checking = False
        self._round += 1
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
        self._message_id = ""
        self._rejection = None
        self._checking = False
        self._round += 1
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
        if self._checking:
            return  # one VNeID check at a time; the camera keeps seeing the same phone
        if looks_like_vneid(payload):
            self._vneid_login(payload)
            return
        self._accept(parse_cccd(payload))

    def _accept(self, result: Identity | QrRejected) -> None:
        if isinstance(result, QrRejected):
            self._message_id = ""
            self._rejection = result
            self._relabel()
            return
        self.on_identity(result)

    def _is_online(self) -> bool:
        try:
            return self._online()
        except Exception:  # a status read must never break a citizen's session
            return False

    def _vneid_login(self, payload: bytes) -> None:
        port = self._vneid
        if port is None or not self._is_online():
            self._tell("login_vneid_offline")
            return
        token = payload.decode("utf-8", "replace").strip()
        self._checking = True
        self._round += 1
        round_no = self._round
        self._tell("login_vneid_checking")
        self._net.run(
            lambda: port.verify(token),
            lambda verdict: self._vneid_answer(round_no, verdict),
            lambda _exc: self._vneid_answer(round_no, None),
        )

    def _vneid_answer(self, round_no: int, verdict: VneidVerdict | None) -> None:
        if round_no != self._round:
            return  # the citizen left the login screen meanwhile
        self._checking = False
        if verdict is None or verdict.kind is VneidCheck.NO_LINK:
            self._tell("login_vneid_no_answer")
            return
        if verdict.kind is VneidCheck.REFUSED:
            self._tell("login_vneid_refused")
            return
        result = identity_from_vneid(verdict.fields)
        if isinstance(result, QrRejected):
            self._tell("login_vneid_refused")
            return
        self._message = ""
        self._message_id = ""
        self.on_identity(result)

    def _tell(self, string_id: str) -> None:
        """A kind message about the VNeID QR: shown, and spoken."""
        self._rejection = None
        self._message_id = string_id
        self._message = self._strings.text(string_id)
        self.changed.emit()
        self.on_say(self._message)

    def is_checking(self) -> bool:
        return self._checking

    def _relabel(self) -> None:
        r = self._rejection
        if r is not None:
            self._message = r.message_vi if self._strings.lang_code() == "vi" else r.message_en
        elif self._message_id:
            self._message = self._strings.text(self._message_id)
        self.changed.emit()

    def _get_preview_url(self) -> str:
        return self._preview_url

    def _get_message(self) -> str:
        return self._message

    def _get_show_tips(self) -> bool:
        return self._show_tips

    def _get_checking(self) -> bool:
        return self._checking

    preview_url = qproperty(str, _get_preview_url, notify=changed)
    message = qproperty(str, _get_message, notify=changed)
    show_tips = qproperty(bool, _get_show_tips, notify=changed)
    checking = qproperty(bool, _get_checking, notify=changed)
