"""The documents checklist: scan each on the scanner's worker, thumbnails, what is missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import Image
from PySide6.QtCore import QObject, Signal

from devices.scanner.protocol import Scanner, ScanOutcome
from devices.status import DeviceStatus
from kiosk.domain.catalog_model import DocumentRequirement, Need, Procedure
from kiosk.ui.i18n import Strings
from kiosk.ui.images import ImageStore
from kiosk.ui.qtbind import qproperty, slot
from kiosk.ui.worker import DeviceWorker

_FAULTS = {
    DeviceStatus.JAMMED: "documents_jammed",
    DeviceStatus.FEEDER_EMPTY: "documents_empty",
    DeviceStatus.COVER_OPEN: "documents_cover_open",
}
THUMB_SIDE = 160


class DocumentsVm(QObject):
    changed = Signal()

    def __init__(
        self,
        strings: Strings,
        scanner: Scanner,
        worker: DeviceWorker,
        images: ImageStore,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._strings = strings
        self._scanner = scanner
        self._worker = worker
        self._images = images
        self._checklist: tuple[tuple[DocumentRequirement, Need], ...] = ()
        self.pages: dict[str, tuple[Image.Image, ...]] = {}
        self._thumbs: dict[str, list[str]] = {}
        self._message = ""
        self._scanning = False
        self.on_activity: Callable[[], None] = lambda: None
        strings.changed.connect(self.changed)

    def show(self, procedure: Procedure, answers: dict[str, str]) -> None:
        self._checklist = procedure.checklist(answers)
        wanted = {d.id for d, _ in self._checklist}
        for doc_id in [k for k in self.pages if k not in wanted]:
            self._forget(doc_id)
        self._message = ""
        self.changed.emit()

    def wipe(self) -> None:
        self._checklist = ()
        self.pages = {}
        self._thumbs = {}
        self._message = ""
        self.changed.emit()

    def _title(self, d: DocumentRequirement) -> str:
        return d.title_vi if self._strings.lang_code() == "vi" else d.title_en

    def missing(self) -> list[str]:
        return [
            self._title(d)
            for d, need in self._checklist
            if need is Need.REQUIRED and len(self.pages.get(d.id, ())) < max(1, d.min_pages)
        ]

    def check_complete(self) -> bool:
        missing = self.missing()
        if missing:
            self._message = self._strings.text("documents_missing").replace("%1", ", ".join(missing))
            self.changed.emit()
            return False
        return True

    def titles(self) -> list[tuple[str, str, int]]:
        return [(d.id, self._title(d), len(self.pages.get(d.id, ()))) for d, _ in self._checklist]

    def _get_items(self) -> list[dict[str, Any]]:
        return [
            {
                "id": d.id,
                "title": self._title(d),
                "required": need is Need.REQUIRED,
                "pages": len(self.pages.get(d.id, ())),
                "thumbs": self._thumbs.get(d.id, []),
            }
            for d, need in self._checklist
        ]

    def _get_message(self) -> str:
        return self._message

    def is_scanning(self) -> bool:
        return self._scanning

    items = qproperty("QVariantList", _get_items, notify=changed)
    message = qproperty(str, _get_message, notify=changed)
    scanning = qproperty(bool, is_scanning, notify=changed)

    @slot(str)
    def scan(self, doc_id: str) -> None:
        if self._scanning:
            return
        self._scanning = True
        self._message = ""
        self.changed.emit()
        self._worker.run(
            lambda: self._scanner.scan(source="feeder", dpi=200, timeout_s=120.0),
            lambda outcome: self._scanned(doc_id, outcome),
            lambda _exc: self._failed(),
        )

    def _scanned(self, doc_id: str, outcome: ScanOutcome) -> None:
        self._scanning = False
        self.on_activity()
        if outcome.pages:
            self._forget(doc_id)
            self.pages[doc_id] = outcome.pages
            self._thumbs[doc_id] = [
                self._images.put(f"page/{doc_id}/{i}", p, max_side=THUMB_SIDE)
                for i, p in enumerate(outcome.pages)
            ]
        if outcome.status is not DeviceStatus.READY:
            self._message = self._strings.text(_FAULTS.get(outcome.status, "documents_scanner_down"))
        self.changed.emit()

    def _failed(self) -> None:
        self._scanning = False
        self._message = self._strings.text("documents_scanner_down")
        self.changed.emit()

    def _forget(self, doc_id: str) -> None:
        self.pages.pop(doc_id, None)
        self._thumbs.pop(doc_id, None)
        self._images.drop(f"page/{doc_id}/")

    @slot(str)
    def clear(self, doc_id: str) -> None:
        self._forget(doc_id)
        self.changed.emit()
