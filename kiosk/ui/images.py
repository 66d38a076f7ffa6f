"""PIL images (camera frames, page thumbnails, the slip) served to QML as image://kiosk/<key>."""

from __future__ import annotations

import threading

from PIL import Image
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickImageProvider

PROVIDER_ID = "kiosk"


def to_qimage(img: Image.Image) -> QImage:
    rgba = img.convert("RGBA")
    data = rgba.tobytes("raw", "RGBA")
    return QImage(data, rgba.width, rgba.height, rgba.width * 4, QImage.Format.Format_RGBA8888).copy()


class ImageStore(QQuickImageProvider):
    """Holds the images of the current session by key; ``wipe`` forgets them all."""

    def __init__(self) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)
        self._lock = threading.Lock()
        self._images: dict[str, QImage] = {}
        self._version = 0

    def put(self, key: str, img: Image.Image, *, max_side: int = 0) -> str:
        """Store ``img`` (shrunk to ``max_side``) and return a fresh URL for QML."""
        if max_side:
            img = img.copy()
            img.thumbnail((max_side, max_side))
        qimg = to_qimage(img)
        with self._lock:
            self._images[key] = qimg
            self._version += 1
            return f"image://{PROVIDER_ID}/{key}?v={self._version}"

    def drop(self, prefix: str) -> None:
        with self._lock:
            for key in [k for k in self._images if k.startswith(prefix)]:
                del self._images[key]

    def wipe(self) -> None:
        with self._lock:
            self._images.clear()

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._images)

    def requestImage(self, image_id: str, size: QSize, _requested: QSize) -> QImage:  # noqa: N802
        key = image_id.split("?", 1)[0]
        with self._lock:
            img = self._images.get(key)
        if img is None:
            img = QImage(1, 1, QImage.Format.Format_RGBA8888)
            img.fill(0)
        if size is not None:
            size.setWidth(img.width())
            size.setHeight(img.height())
        return img
