"""Page imaging: deskew, crop, blank and blur checks, and compact PDF (G4, colour fallback)."""

from devices.imaging.page import PageKind, PageWarning, ProcessedPage
from devices.imaging.pdf import NoPagesError, pages_to_pdf, processed_to_pdf
from devices.imaging.process import page_warnings, process_page

__all__ = [
    "NoPagesError",
    "PageKind",
    "PageWarning",
    "ProcessedPage",
    "page_warnings",
    "pages_to_pdf",
    "process_page",
    "processed_to_pdf",
]
