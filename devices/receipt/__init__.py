"""The receipt slip: content model, Pillow raster rendering and ESC/POS encoding."""

from devices.receipt.model import Block, Line, Qr, Receipt, Row, Rule

__all__ = ["Block", "Line", "Qr", "Receipt", "Row", "Rule"]
