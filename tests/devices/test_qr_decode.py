"""The QR decoder returns the code's raw bytes: Vietnamese survives, nothing is invented."""

from __future__ import annotations

import unicodedata
from itertools import count

import cv2
import numpy as np
import pytest
from PIL import Image
from pyzbar import pyzbar

from devices.qr import decode as qr_decode
from devices.qr.decode import decode_image
from devices.qr.preprocess import Region, candidate_regions, to_grey
from devices.qr.zbar_binary import zbar_qr_bytes
from tests.data.qr.scenes import CCCD_DANG, CCCD_HUYNH, qr_image, scene

ENGINES = ("ours", "zxing", "pyzbar")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("payload", [CCCD_HUYNH, CCCD_DANG])
def test_cccd_payload_comes_back_as_exact_utf8_bytes(engine: str, payload: str) -> None:
    got = decode_image(scene(payload), engine)  # type: ignore[arg-type]

    assert got == [payload.encode("utf-8")]
    text = got[0].decode("utf-8")
    assert text == payload
    assert unicodedata.is_normalized("NFC", text)
    assert len(text.split("|")) >= 7


def test_zbar_binary_mode_avoids_the_charset_guess_that_garbles_plain_pyzbar() -> None:
    frame = scene(CCCD_DANG)

    guessed = pyzbar.decode(frame)[0].data.decode("utf-8")
    raw = zbar_qr_bytes(to_grey(frame))

    assert guessed != CCCD_DANG  # the trap: zbar decodes the bytes as Shift-JIS
    assert raw == [CCCD_DANG.encode("utf-8")]


def test_pil_and_array_inputs_read_the_same() -> None:
    frame = scene(CCCD_HUYNH)
    pil = Image.fromarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))

    assert decode_image(pil) == decode_image(frame) == [CCCD_HUYNH.encode("utf-8")]


def test_opencv_engine_is_available_for_comparison() -> None:
    assert decode_image(scene(CCCD_HUYNH), "opencv") == [CCCD_HUYNH.encode("utf-8")]


@pytest.mark.parametrize("engine", [*ENGINES, "opencv"])
def test_frames_without_a_code_read_nothing(engine: str) -> None:
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 256, (360, 480), dtype=np.uint8)
    checker = np.kron(rng.integers(0, 2, (30, 40)), np.ones((12, 12))).astype(np.uint8) * 255

    for frame in (scene(None), noise, checker):
        assert decode_image(frame, engine) == []  # type: ignore[arg-type]


def test_small_blurred_card_code_is_rescued_by_the_region_passes() -> None:
    # 2 px per module, softened: what a 720p webcam makes of the 11 mm CCCD code
    frame = scene(CCCD_HUYNH, size=(1280, 720), module_px=2, at=(900, 60), blur=0.9)

    assert decode_image(frame) == [CCCD_HUYNH.encode("utf-8")]


def test_rescue_passes_stop_at_the_time_budget() -> None:
    frame = scene(CCCD_HUYNH, size=(1280, 720), module_px=2, at=(900, 60), blur=0.9)
    ticks = count()

    def slow_clock() -> float:  # every look at the clock finds a second has gone
        return float(next(ticks))

    assert decode_image(frame, budget_s=0.5, clock=slow_clock) == []


def test_candidate_regions_cover_the_code() -> None:
    frame = to_grey(scene(CCCD_HUYNH, size=(1280, 720), module_px=2, at=(900, 60)))
    code_side = qr_image(CCCD_HUYNH, 2).shape[0]

    regions = candidate_regions(frame)

    assert any(
        r.x <= 900 and r.y <= 60 and r.x + r.width >= 900 + code_side and r.y + r.height >= 60 + code_side
        for r in regions
    )


def test_two_payloads_at_one_place_are_both_dropped_but_a_code_in_a_code_is_kept() -> None:
    read = qr_decode._Read
    clash = [read(b"A", (100.0, 100.0), 80.0), read(b"B", (104.0, 98.0), 82.0)]
    nested = [read(b"outer", (100.0, 100.0), 300.0), read(b"inner", (100.0, 100.0), 60.0)]
    apart = [read(b"A", (100.0, 100.0), 80.0), read(b"B", (600.0, 100.0), 80.0)]

    assert qr_decode._consistent(clash) == []
    assert qr_decode._consistent(nested) == [b"outer", b"inner"]
    assert qr_decode._consistent(apart) == [b"A", b"B"]


def test_grey_conversion_accepts_the_usual_layouts_and_refuses_others() -> None:
    bgr = scene(None)
    assert to_grey(bgr).shape == bgr.shape[:2]
    assert to_grey(cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)).shape == bgr.shape[:2]
    assert to_grey(bgr[:, :, :1]).shape == bgr.shape[:2]
    with pytest.raises(ValueError, match="unsupported"):
        to_grey(np.zeros((4, 4, 2), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        zbar_qr_bytes(np.zeros((4, 4), np.float32))


def test_region_crop_is_the_boxed_pixels() -> None:
    grey = np.arange(100, dtype=np.uint8).reshape(10, 10)
    assert Region(2, 3, 4, 5).crop(grey).tolist() == grey[3:8, 2:6].tolist()


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown QR engine"):
        decode_image(scene(None), "quirc")  # type: ignore[arg-type]
