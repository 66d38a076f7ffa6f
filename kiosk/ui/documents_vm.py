"""The documents checklist: scans on the scanner's worker, thumbnails, what is still missing.

The pages themselves go into the domain ``Session`` (encoded bytes), the one place they are held
and sealed from; the view-model keeps only thumbnails and warnings, and drops them on wipe.
Each page is also run through the imaging pipeline on the worker, so a blank or blurry page is
pointed out while the citizen can still scan it again (sealing would only drop or keep it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from devices.imaging import PageWarning, page_warnings
from devices.scanner.protocol import Scanner, ScanOutcome
from devices.status import DeviceStatus
from kiosk.domain.catalog_model import DocumentRequirement, Need
from kiosk.domain.session import Session
from kiosk.pages import encode_page
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
PAGE_SIDE = 1400  # a page tapped to be seen large: enough to judge the scan
SCAN_DPI = 200


Warnings = tuple[frozenset[PageWarning], ...]


def _scan_and_encode(scanner: Scanner) -> tuple[ScanOutcome, tuple[bytes, ...], Warnings]:
    outcome = scanner.scan(source="feeder", dpi=SCAN_DPI, timeout_s=120.0)
    encoded = tuple(encode_page(p) for p in outcome.pages)
    return outcome, encoded, tuple(page_warnings(p, outcome.dpi) for p in outcome.pages)


def _pages_text(warnings: Warnings, kind: PageWarning, one: str, pages: str) -> str:
    """``one`` for a one-page document, else ``pages`` with its "%1" set to the page numbers."""
    numbers = [str(i + 1) for i, found in enumerate(warnings) if kind in found]
    if not numbers:
        return ""
    return one if len(warnings) == 1 else pages.replace("%1", ", ".join(numbers))


class DocumentsVm(QObject):
    changed = Signal()

    def __init__(
        self,
        strings: Strings,
        scanner: Scanner,
        worker: DeviceWorker,
        *,
        images: ImageStore,
        session: Callable[[], Session],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._strings = strings
        self._scanner = scanner
        self._worker = worker
        self._images = images
        self._session = session
        self._thumbs: dict[str, list[str]] = {}
        self._larges: dict[str, list[str]] = {}  # the same pages, large (tap a thumbnail)
        self._warnings: dict[str, Warnings] = {}
        self._message = ""
        self._scanning = False
        strings.changed.connect(self.changed)

    @property
    def pages(self) -> dict[str, tuple[bytes, ...]]:
        """The session's scanned pages by document (a view: the session holds them)."""
        session = self._session()
        if session.procedure is None:
            return {}
        return {d: p for d in (i.requirement.id for i in session.checklist()) if (p := session.pages(d))}

    def refresh(self) -> None:
        session = self._session()
        wanted = {item.requirement.id for item in session.checklist()}
        for doc_id in [k for k in self._thumbs if k not in wanted]:
            self._forget(doc_id)
        self._message = ""
        self.changed.emit()

    def wipe(self) -> None:
        self._thumbs = {}
        self._larges = {}
        self._warnings = {}
        self._message = ""
        self._scanning = False
        self.changed.emit()

    def title(self, d: DocumentRequirement) -> str:
        return d.title_vi if self._strings.lang_code() == "vi" else d.title_en

    def say_missing(self, missing: tuple[DocumentRequirement, ...]) -> None:
        names = ", ".join(self.title(d) for d in missing)
        self._message = self._strings.text("documents_missing").replace("%1", names)
        self.changed.emit()

    def _get_items(self) -> list[dict[str, Any]]:
        session = self._session()
        if session.procedure is None:
            return []
        return [
            {
                "id": item.requirement.id,
                "title": self.title(item.requirement),
                "required": item.need is Need.REQUIRED,
                "pages": item.page_count,
                "thumbs": self._thumbs.get(item.requirement.id, []),
                "larges": self._larges.get(item.requirement.id, []),
                "warning": self.warning_text(item.requirement.id),
            }
            for item in session.checklist()
        ]

    def warning_text(self, doc_id: str) -> str:
        """What to tell the citizen about this document's last scan ("" when all is well)."""
        warnings = self._warnings.get(doc_id, ())
        t = self._strings.text
        parts = [
            _pages_text(warnings, PageWarning.BLANK, t("documents_blank_one"), t("documents_blank_pages")),
            _pages_text(warnings, PageWarning.BLURRY, t("documents_blurry_one"), t("documents_blurry_pages")),
        ]
        return " ".join(p for p in parts if p)

    def items_list(self) -> list[dict[str, Any]]:
        return self._get_items()

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
        self._session().set_busy("scanner", True)
        self.changed.emit()
        self._worker.run(
            lambda: _scan_and_encode(self._scanner),
            lambda result: self._scanned(doc_id, *result),
            lambda _exc: self._failed(),
        )

    def _scanned(
        self, doc_id: str, outcome: ScanOutcome, encoded: tuple[bytes, ...], warnings: Warnings
    ) -> None:
        self._scanning = False
        session = self._session()
        session.set_busy("scanner", False)
        if outcome.pages and session.procedure is not None:
            self._remove_all(doc_id)
            session.add_pages(doc_id, encoded)
            self._warnings[doc_id] = warnings
            self._thumbs[doc_id] = [
                self._images.put(f"page/{doc_id}/{i}", p, max_side=THUMB_SIDE)
                for i, p in enumerate(outcome.pages)
            ]
            self._larges[doc_id] = [
                self._images.put(f"page/{doc_id}/{i}/large", p, max_side=PAGE_SIDE)
                for i, p in enumerate(outcome.pages)
            ]
        if outcome.status is not DeviceStatus.READY:
            self._message = self._strings.text(_FAULTS.get(outcome.status, "documents_scanner_down"))
        self.changed.emit()

    def _failed(self) -> None:
        self._scanning = False
        self._session().set_busy("scanner", False)
        self._message = self._strings.text("documents_scanner_down")
        self.changed.emit()

    def _remove_all(self, doc_id: str) -> None:
        session = self._session()
        for index in reversed(range(len(session.pages(doc_id)))):
            session.remove_page(doc_id, index)
        self._forget(doc_id)

    def _forget(self, doc_id: str) -> None:
        self._thumbs.pop(doc_id, None)
        self._larges.pop(doc_id, None)
        self._warnings.pop(doc_id, None)
        self._images.drop(f"page/{doc_id}/")

    @slot(str)
    def clear(self, doc_id: str) -> None:
        if not self._scanning:
            self._remove_all(doc_id)
            self.changed.emit()
