"""The receipt slip: content model, Pillow raster rendering and ESC/POS encoding."""

from devices.receipt.model import Receipt

__all__ = ["Receipt"]
