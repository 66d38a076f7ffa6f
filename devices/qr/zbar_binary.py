"""zbar in binary mode: the QR's raw bytes, not zbar's charset guess.

pyzbar's ``decode`` leaves zbar converting byte-mode QR data to text, and with no ECI marker zbar
guesses Shift-JIS or Big5, which turns a CCCD's Vietnamese name into CJK characters. zbar 0.22+
has ``ZBAR_CFG_BINARY`` to hand back the bytes untouched, but pyzbar does not expose it; this
module drives zbar through pyzbar's ctypes wrapper with that option set.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from ctypes import c_char_p, c_void_p, cast, string_at
from typing import Any

import numpy as np
from pyzbar.pyzbar_error import PyZbarError
from pyzbar.wrapper import (
    ZBarConfig,
    ZBarSymbol,
    zbar_image_create,
    zbar_image_destroy,
    zbar_image_first_symbol,
    zbar_image_scanner_create,
    zbar_image_scanner_destroy,
    zbar_image_scanner_set_config,
    zbar_image_set_data,
    zbar_image_set_format,
    zbar_image_set_size,
    zbar_scan_image,
    zbar_symbol_get_data,
    zbar_symbol_get_data_length,
    zbar_symbol_next,
)

# zbar.h: enum zbar_config_e { ENABLE = 0, ADD_CHECK, EMIT_CHECK, ASCII, BINARY, NUM, ... }
ZBAR_CFG_BINARY = 4
_FOURCC_Y800 = 0x30303859  # 'Y800': 8-bit grey


@contextmanager
def _scanner() -> Iterator[Any]:
    scanner = zbar_image_scanner_create()
    if not scanner:
        raise PyZbarError("could not create zbar image scanner")
    try:
        yield scanner
    finally:
        zbar_image_scanner_destroy(scanner)


@contextmanager
def _image() -> Iterator[Any]:
    image = zbar_image_create()
    if not image:
        raise PyZbarError("could not create zbar image")
    try:
        yield image
    finally:
        zbar_image_destroy(image)


def zbar_qr_bytes(grey: np.ndarray[Any, np.dtype[np.uint8]]) -> list[bytes]:
    """Raw payload bytes of every QR zbar finds in an 8-bit grey image (binary mode)."""
    if grey.ndim != 2 or grey.dtype != np.uint8:
        raise ValueError("zbar_qr_bytes needs a 2-D uint8 grey image")
    height, width = grey.shape
    pixels = np.ascontiguousarray(grey).tobytes()
    found: list[bytes] = []
    with _scanner() as scanner:
        zbar_image_scanner_set_config(scanner, 0, ZBarConfig.CFG_ENABLE, 0)
        zbar_image_scanner_set_config(scanner, ZBarSymbol.QRCODE, ZBarConfig.CFG_ENABLE, 1)
        zbar_image_scanner_set_config(scanner, ZBarSymbol.QRCODE, ZBAR_CFG_BINARY, 1)
        with _image() as image:
            zbar_image_set_format(image, _FOURCC_Y800)
            zbar_image_set_size(image, width, height)
            zbar_image_set_data(image, cast(c_char_p(pixels), c_void_p), len(pixels), None)
            if zbar_scan_image(scanner, image) < 0:
                raise PyZbarError("zbar rejected the image format")
            symbol = zbar_image_first_symbol(image)
            while symbol:
                data = string_at(zbar_symbol_get_data(symbol), zbar_symbol_get_data_length(symbol))
                found.append(bytes(data))
                symbol = zbar_symbol_next(symbol)
    return found
