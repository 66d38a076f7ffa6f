"""QR decoding to raw bytes: the one decoder the camera, the CLI and the benchmark share.

Raw bytes, because a CCCD QR carries UTF-8 with no charset marker and decoders that turn bytes
into text guess wrong (zbar makes CJK of "Phạm Đức"); the caller decodes UTF-8 itself.

``engine="ours"`` (the default) is a pipeline chosen on ``bench/qr``: zxing-cpp on the whole grey
frame first (fast, reads most frames), then, within a time budget, rescue passes on small regions
that look like a code (ones zxing located but could not read, and dense-texture blobs), enlarged
and filtered (binariser choice, contrast equalisation, sharpening, smoothing), with zbar in
binary mode as a second opinion. The single engines stay available for comparison and fallback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np
import zxingcpp
from PIL import Image

from devices.qr.preprocess import (
    Grey,
    Region,
    candidate_regions,
    clahe,
    scale,
    sharpen,
    smooth,
    stretch,
    thicken_dark,
    to_grey,
)
from devices.qr.zbar_binary import zbar_qr_bytes

Engine = Literal["ours", "zxing", "pyzbar", "opencv"]

DEFAULT_BUDGET_S = 0.012
"""Time for rescue passes per frame; with the first pass it keeps p95 under 20 ms on one core."""

_QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
_SMALL_IMAGE_PX = 640 * 480
_MIN_CODE_PX = 120  # a region box (code plus margin) smaller than this is not a whole code
_ROI_TARGET_PX = 480  # a region is enlarged until its longer side is about this size
_ROI_MAX_FACTOR = 5.0


@dataclass(frozen=True)
class _Read:
    payload: bytes
    centre: tuple[float, float]  # frame coordinates, used to spot two payloads at one place
    size: float


def decode_image(
    img: np.ndarray[Any, Any] | Image.Image,
    engine: Engine = "ours",
    *,
    budget_s: float = DEFAULT_BUDGET_S,
    clock: Callable[[], float] = time.thread_time,
) -> list[bytes]:
    """Raw payload bytes of each QR in the image (grey/BGR array or PIL image), no duplicates.

    An empty list means no code could be read. ``budget_s`` bounds the rescue passes of the
    ``ours`` engine (the first pass always runs); the single engines ignore it. The budget is
    counted in the calling thread's CPU time, so a busy machine decodes the same way, only later.
    """
    grey = to_grey(img)
    match engine:
        case "ours":
            return _ours(grey, deadline=clock() + budget_s, clock=clock)
        case "zxing":
            return _unique(r.payload for r in _zxing(grey))
        case "pyzbar":
            return _unique(zbar_qr_bytes(grey))
        case "opencv":
            return _unique(_opencv(grey))
    raise ValueError(f"unknown QR engine {engine!r}")


def _unique(payloads: Iterator[bytes] | list[bytes]) -> list[bytes]:
    return list(dict.fromkeys(p for p in payloads if p))


def _zxing(
    grey: Grey,
    *,
    binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
    offset: tuple[int, int] = (0, 0),
    factor: float = 1.0,
    failed: list[Region] | None = None,
    try_invert: bool = True,
) -> list[_Read]:
    """zxing-cpp reads; with ``failed``, also collects where it saw a code it could not decode."""
    results = zxingcpp.read_barcodes(
        grey,
        formats=_QR_ONLY,
        binarizer=binarizer,
        try_invert=try_invert,
        return_errors=failed is not None,
    )
    reads: list[_Read] = []
    for result in results:
        corners = _corners(result.position, offset, factor)
        if result.error is not None or not result.valid:
            if failed is not None:
                failed.append(_box(corners))
            continue
        centre = (float(corners[:, 0].mean()), float(corners[:, 1].mean()))
        size = float(np.ptp(corners[:, 0]) + np.ptp(corners[:, 1])) / 2
        reads.append(_Read(bytes(result.bytes), centre, size))
    return reads


def _corners(position: Any, offset: tuple[int, int], factor: float) -> np.ndarray[Any, Any]:
    points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    xy = np.array([[p.x, p.y] for p in points], dtype=np.float64) / factor
    return xy + np.array(offset, dtype=np.float64)


def _box(corners: np.ndarray[Any, Any]) -> Region:
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    margin = 0.3 * max(x1 - x0, y1 - y0) + 6
    left, top = max(0, int(x0 - margin)), max(0, int(y0 - margin))
    return Region(left, top, int(x1 + margin) - left, int(y1 + margin) - top)


def _opencv(grey: Grey) -> list[bytes]:
    """OpenCV's detector, for comparison: its Python binding hands back text, not bytes,
    and raises on a payload that is not UTF-8 or uses Kanji mode (read as nothing here)."""
    detector = cv2.QRCodeDetector()
    try:
        ok, texts, _, _ = detector.detectAndDecodeMulti(grey)
        found = [text for text in texts if text] if ok else []
        if not found:  # the single-code detector finds some codes the multi one misses
            text, _, _ = detector.detectAndDecode(grey)
            found = [text] if text else []
    except (UnicodeDecodeError, cv2.error):
        return []
    return [text.encode("utf-8") for text in found]


def _consistent(reads: list[_Read]) -> list[bytes]:
    """Payloads, dropping any that disagree with another read at the same place.

    Two different payloads decoded where one code of that size sits mean one of them is a
    misread, and we cannot tell which: returning nothing lets the camera try the next frame.
    (A small code printed inside a large one is two codes, not a clash.)
    """
    payloads: list[bytes] = []
    for read in reads:
        clash = any(
            other.payload != read.payload
            and max(other.size, read.size) < 1.5 * min(other.size, read.size)
            and abs(other.centre[0] - read.centre[0]) < 0.5 * max(other.size, read.size)
            and abs(other.centre[1] - read.centre[1]) < 0.5 * max(other.size, read.size)
            for other in reads
        )
        if not clash:
            payloads.append(read.payload)
    return _unique(payloads)


def _ours(grey: Grey, *, deadline: float, clock: Callable[[], float]) -> list[bytes]:
    failed: list[Region] = []
    first = _zxing(grey, failed=failed, try_invert=False)
    if first:
        return _consistent(first)
    for cost_px, attempt in _rescue_passes(grey, failed):
        if clock() + cost_px * _S_PER_PX > deadline:
            continue  # a cheaper pass further on may still fit
        reads = attempt()
        if reads:
            return _consistent(reads)
    return []


_S_PER_PX = 4e-9
"""Rough cost of one decoding pass per pixel on one core, to skip passes that would overrun."""

Pass = tuple[int, Callable[[], list[_Read]]]


def _rescue_passes(grey: Grey, failed: list[Region]) -> Iterator[Pass]:
    """Passes most likely to succeed per millisecond first, each with its size in pixels."""
    # texture blobs frame the whole code; zxing's failed boxes are often one finder pattern
    # or a stray span of the frame, so they come second and only at plausible sizes
    height, width = grey.shape
    largest = 0.8 * min(height, width)
    plausible = [r for r in failed if 0.5 * _MIN_CODE_PX <= max(r.width, r.height) <= largest]
    regions = _merge(candidate_regions(grey) + plausible)
    whole = grey.size
    if whole <= _SMALL_IMAGE_PX:  # a photo or a crop: enlarging all of it is affordable
        double = scale(grey, 2.0)
        yield whole, lambda: _zxing(grey, binarizer=zxingcpp.Binarizer.GlobalHistogram)
        yield whole * 4, lambda: _zxing(double, binarizer=zxingcpp.Binarizer.GlobalHistogram, factor=2.0)
        yield whole * 4, lambda: _zxing(sharpen(double, 1.5, 1.0), factor=2.0)
        yield whole * 4, lambda: _zxing(thicken_dark(double), factor=2.0)
    for region in regions:
        yield from _region_passes(grey, region)
    if whole > _SMALL_IMAGE_PX:
        yield whole, lambda: _zxing(grey, binarizer=zxingcpp.Binarizer.GlobalHistogram)
    yield whole, lambda: _zxing(grey, try_invert=True)
    yield whole * 4, lambda: _zxing(smooth(grey))
    yield whole * 6, lambda: _reads(zbar_qr_bytes(grey))


def _region_passes(grey: Grey, region: Region) -> Iterator[Pass]:
    """Enlarge a small region (a CCCD QR is about two pixels per module) and sharpen it."""
    crop = region.crop(grey)
    side = max(region.width, region.height)
    factor = min(_ROI_MAX_FACTOR, max(1.0, _ROI_TARGET_PX / max(side, 1)))
    origin = (region.x, region.y)
    big = scale(crop, factor) if factor > 1.0 else crop
    cost = big.size * 3  # the filter plus the decode

    def read(img: Grey, binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage) -> list[_Read]:
        return _zxing(img, binarizer=binarizer, offset=origin, factor=factor, try_invert=False)

    yield cost, lambda: read(sharpen(big))
    yield cost, lambda: read(sharpen(big, 1.5, 2.0))
    yield cost, lambda: read(big)
    yield cost, lambda: read(sharpen(stretch(smooth(big))))
    yield cost, lambda: read(sharpen(big), zxingcpp.Binarizer.GlobalHistogram)
    yield cost, lambda: read(clahe(sharpen(big)))
    yield cost, lambda: read(smooth(big))
    yield cost * 3, lambda: _reads(zbar_qr_bytes(sharpen(big)))


def _reads(payloads: list[bytes]) -> list[_Read]:
    """zbar reads without a position: never counted as clashing with another read."""
    return [_Read(p, (0.0, 0.0), 0.0) for p in payloads]


def _merge(regions: list[Region]) -> list[Region]:
    """Regions in order, skipping any mostly inside one already listed."""
    kept: list[Region] = []
    for region in regions:
        if not any(_overlap(region, other) > 0.6 for other in kept):
            kept.append(region)
    return kept


def _overlap(a: Region, b: Region) -> float:
    """Intersection over the smaller area."""
    ix = max(0, min(a.x + a.width, b.x + b.width) - max(a.x, b.x))
    iy = max(0, min(a.y + a.height, b.y + b.height) - max(a.y, b.y))
    smaller = min(a.width * a.height, b.width * b.height)
    return (ix * iy) / smaller if smaller else 0.0
