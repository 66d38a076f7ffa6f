"""Seeded 1280x720 frames as a kiosk webcam sees a CCCD card or a phone showing a QR.

The card is 85.6 x 54 mm with an 11 mm QR near its top-right corner; it fills 50-80 % of the
frame width, so the QR spans about 85-130 pixels (two-odd pixels per module). Each frame draws
its own pose (rotation, perspective) and optics (defocus, motion, noise, glare, low contrast,
uneven light, webcam JPEG). Phone frames show a larger QR on an emissive screen with a pixel
grid and a reflection. Negative frames hold cards, phones and desks with no QR at all.

Run ``python -m bench.qr.gen_frames OUT_DIR`` to look at the frames; the benchmark generates
them in memory. Same seed, same frames.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import segno

from bench.qr.payloads import cccd_payload

W, H = 1280, 720
PX_PER_MM = 12  # card canvas resolution before it is projected into the frame
CARD_MM = (85.6, 54.0)
QR_MM = 11.0

Image = np.ndarray[Any, np.dtype[np.uint8]]


@dataclass(frozen=True)
class Frame:
    """A generated frame (BGR) and the payload it carries (None: no QR in the frame)."""

    name: str
    kind: str  # "card" | "phone" | "negative"
    image: Image
    expected: bytes | None
    conditions: tuple[str, ...] = ()  # what the optics did, for breaking results down


def qr_modules(payload: str, error: str) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """The QR's dark modules (True), without quiet zone; byte mode UTF-8, no ECI, as on CCCD."""
    code = segno.make(payload, error=error, micro=False, boost_error=False)
    return np.array([[bool(v) for v in row] for row in code.matrix], dtype=bool)


def render_qr(modules: np.ndarray[Any, np.dtype[np.bool_]], side_px: int, quiet: int) -> Image:
    """Grey QR image of about ``side_px`` including ``quiet`` modules of white border."""
    n = modules.shape[0] + 2 * quiet
    scale = max(1, side_px // n)
    grid = np.full((n, n), 255, np.uint8)
    grid[quiet : quiet + modules.shape[0], quiet : quiet + modules.shape[0]][modules] = 0
    big = np.kron(grid, np.ones((scale, scale), np.uint8)).astype(np.uint8)
    return np.asarray(cv2.resize(big, (side_px, side_px), interpolation=cv2.INTER_AREA), np.uint8)


def _card(rng: random.Random, payload: str | None) -> Image:
    """A CCCD-like card face (BGR) at PX_PER_MM, QR top-right when a payload is given."""
    cw, ch = int(CARD_MM[0] * PX_PER_MM), int(CARD_MM[1] * PX_PER_MM)
    base = np.array([rng.randint(215, 245), rng.randint(225, 250), rng.randint(230, 252)], float)
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    wave = 8 * np.sin(xx / rng.uniform(9, 20) + np.sin(yy / rng.uniform(15, 40)) * 3)
    card = np.clip(base[None, None, :] + wave[:, :, None], 0, 255).astype(np.uint8)
    # national emblem (red circle), photo, text lines
    cv2.circle(card, (int(9 * PX_PER_MM), int(9 * PX_PER_MM)), int(5 * PX_PER_MM), (40, 40, 190), -1)
    px0, py0 = int(4 * PX_PER_MM), int(19 * PX_PER_MM)
    cv2.rectangle(card, (px0, py0), (px0 + 20 * PX_PER_MM, py0 + 27 * PX_PER_MM), (170, 160, 150), -1)
    face_centre, face_axes = (px0 + 10 * PX_PER_MM, py0 + 12 * PX_PER_MM), (6 * PX_PER_MM, 8 * PX_PER_MM)
    cv2.ellipse(card, face_centre, face_axes, 0, 0, 360, (90, 110, 140), -1)
    for line in range(7):
        y = int((20 + line * 4.5) * PX_PER_MM)
        x = int(27 * PX_PER_MM)
        while x < int(70 * PX_PER_MM):
            word = rng.randint(2, 7) * PX_PER_MM // 2
            thick = rng.choice((1, 2))
            cv2.rectangle(card, (x, y), (x + word, y + PX_PER_MM * 2 // 3), (30, 30, 30), thick)
            x += word + PX_PER_MM
    qr_px = int(QR_MM * PX_PER_MM)
    qx, qy = cw - qr_px - int(4 * PX_PER_MM), int(3 * PX_PER_MM)
    if payload is not None:
        qr = render_qr(qr_modules(payload, "l"), qr_px, quiet=2)
        card[qy : qy + qr_px, qx : qx + qr_px] = qr[:, :, None]
    else:  # something dense but not a QR where the QR would be
        cells = qr_px // 8
        blob = np.asarray(rng.choices((30, 230), k=cells * cells), np.uint8).reshape(cells, cells)
        dense = np.kron(blob, np.ones((8, 8), np.uint8)) // 2 + 100
        card[qy : qy + cells * 8, qx : qx + cells * 8] = dense[:, :, None]
    return np.asarray(card, np.uint8)


def _phone(rng: random.Random, payload: str | None) -> Image:
    """A phone face (BGR): dark body, bright screen with the QR in the middle."""
    pw, ph = 420, 860
    phone = np.full((ph, pw, 3), rng.randint(15, 40), np.uint8)
    sx0, sy0, sx1, sy1 = 18, 60, pw - 18, ph - 60
    screen = np.full((sy1 - sy0, sx1 - sx0, 3), (250, 245, 240), np.uint8)
    cv2.rectangle(screen, (0, 0), (screen.shape[1], 70), (180, 90, 20), -1)  # app header
    side = rng.randint(250, 330)
    ox, oy = (screen.shape[1] - side) // 2, 160
    if payload is not None:
        qr = render_qr(qr_modules(payload, rng.choice(("l", "m"))), side, quiet=3)
        screen[oy : oy + side, ox : ox + side] = qr[:, :, None]
    else:
        cv2.putText(screen, "VNeID", (60, 300), cv2.FONT_HERSHEY_SIMPLEX, 3, (40, 40, 40), 6)
    grid = np.ones(screen.shape[:2], np.float32)
    grid[:, ::3] = 0.82  # pixel grid of the screen: a source of moire
    grid[::3, :] *= 0.88
    phone[sy0:sy1, sx0:sx1] = np.clip(screen * grid[:, :, None], 0, 255).astype(np.uint8)
    return phone


def _desk(rng: random.Random) -> Image:
    """A muted desk or counter top: one tone with broad, soft variation."""
    tone = np.array([rng.randint(60, 170), rng.randint(60, 170), rng.randint(60, 170)], np.float32)
    tone = 0.5 * tone + 0.5 * tone.mean()
    low = np.random.default_rng(rng.randrange(2**32)).normal(0, 18, (5, 8, 1)).astype(np.float32)
    desk = cv2.resize(tone[None, None, :] + low, (W, H), interpolation=cv2.INTER_CUBIC)
    return np.asarray(np.clip(desk, 0, 255), np.uint8)


def _place(rng: random.Random, frame: Image, obj: Image, width_frac: tuple[float, float],
           max_tilt_deg: float) -> float:
    """Project ``obj`` into ``frame`` with random scale, rotation, perspective and position.

    Returns the overall scale from ``obj`` pixels to frame pixels.
    """
    oh, ow = obj.shape[:2]
    target_w = rng.uniform(*width_frac) * W
    k = target_w / ow
    angle = np.deg2rad(rng.uniform(-max_tilt_deg, max_tilt_deg))
    if rng.random() < 0.08:
        angle += np.pi  # card held upside down
    src = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], np.float32)
    centred = (src - [ow / 2, oh / 2]) * k
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = centred @ rot.T
    jitter = 0.07 * target_w
    dst += np.array([[rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)] for _ in range(4)])
    lo, hi = dst.min(axis=0), dst.max(axis=0)
    span = hi - lo
    if span[0] > W or span[1] > H:
        shrink = min(W / span[0], H / span[1]) * 0.98
        dst *= shrink
        k *= shrink
        lo, hi = dst.min(axis=0), dst.max(axis=0)
    cx = rng.uniform(-lo[0], W - hi[0]) if W - hi[0] > -lo[0] else W / 2 - (lo[0] + hi[0]) / 2
    cy = rng.uniform(-lo[1], H - hi[1]) if H - hi[1] > -lo[1] else H / 2 - (lo[1] + hi[1]) / 2
    dst = (dst + np.array([cx, cy])).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(obj, m, (W, H), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((oh, ow), 255, np.uint8), m, (W, H), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255)[:, :, None]
    frame[:] = (warped * alpha + frame * (1 - alpha)).astype(np.uint8)
    return float(k)


def _optics(rng: random.Random, frame: Image, *, emissive: bool) -> tuple[Image, tuple[str, ...]]:
    """What lens, light and a cheap webcam do to the scene (and a note of what was applied)."""
    notes: list[str] = []
    img: Any = frame.astype(np.float32)  # float working copy; OpenCV's stubs type it loosely
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    # uneven light
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    light = 1 + 0.25 * (gx * (xx / W - 0.5) + gy * (yy / H - 0.5)) * 2
    img *= light[:, :, None] * rng.uniform(0.75, 1.1)
    if rng.random() < 0.3:  # glare / reflection
        gxc, gyc = rng.uniform(0, W), rng.uniform(0, H)
        sx, sy = rng.uniform(40, 220), rng.uniform(30, 150)
        peak = rng.uniform(60, 170)
        glare = peak * np.exp(-(((xx - gxc) / sx) ** 2 + ((yy - gyc) / sy) ** 2))
        img += glare[:, :, None]
        notes.append("glare")
    if rng.random() < 0.25:  # low contrast (dim, washed out)
        lo, span = rng.uniform(50, 110), rng.uniform(60, 110)
        img = lo + img / 255 * span
        notes.append("low-contrast")
    img = np.clip(img, 0, 255)
    # a kiosk camera focused at card distance: mild defocus; a phone is held less steadily
    sigma = rng.uniform(0.3, 0.9) if not emissive else rng.uniform(0.4, 1.2)
    img = cv2.GaussianBlur(img, (0, 0), sigma)
    notes.append(f"blur={sigma:.1f}")
    if rng.random() < 0.15:  # hand shake
        length = rng.randint(2, 4)  # smear in pixels
        kernel: Any = np.zeros((length + 2, length + 2), np.float32)
        kernel[(length + 2) // 2, 1 : length + 1] = 1
        centre = ((length + 1) / 2, (length + 1) / 2)
        rot = cv2.getRotationMatrix2D(centre, rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, rot, kernel.shape)
        img = cv2.filter2D(img, -1, kernel / max(float(kernel.sum()), 1e-6))
        notes.append("motion")
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(1.5, 6), (H, W, 1))
    img = np.clip(img + noise.astype(np.float32), 0, 255).astype(np.uint8)
    quality = rng.randint(40, 90)
    notes.append(f"jpeg={quality}")
    ok, jpeg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return np.asarray(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), np.uint8), tuple(notes)


def generate(seed: int = 2024, n_card: int = 240, n_phone: int = 60, n_negative: int = 60) -> Iterator[Frame]:
    """The benchmark frames, in a fixed order for a given seed."""
    rng = random.Random(seed)
    kinds = ["card"] * n_card + ["phone"] * n_phone + ["negative"] * n_negative
    for index, kind in enumerate(kinds):
        frng = random.Random(rng.randrange(2**63))
        frame = _desk(frng)
        payload: str | None = None
        emissive = False
        pose: list[str] = []
        if kind == "card":
            payload = cccd_payload(frng)
            k = _place(frng, frame, _card(frng, payload), (0.7, 0.95), 20)
            pose.append(f"qr={QR_MM * PX_PER_MM * k:.0f}px")
        elif kind == "phone":
            payload = cccd_payload(frng)
            emissive = True
            _place(frng, frame, _phone(frng, payload), (0.18, 0.26), 20)
        elif frng.random() < 0.5:
            _place(frng, frame, _card(frng, None), (0.7, 0.95), 20)
        elif frng.random() < 0.6:
            emissive = True
            _place(frng, frame, _phone(frng, None), (0.18, 0.26), 20)
        image, notes = _optics(frng, frame, emissive=emissive)
        expected = payload.encode("utf-8") if payload is not None else None
        yield Frame(f"{index:04d}-{kind}", kind, image, expected, tuple(pose) + notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    index = {}
    for frame in generate(args.seed):
        cv2.imwrite(str(args.out_dir / f"{frame.name}.png"), frame.image)
        index[frame.name] = frame.expected.decode("utf-8") if frame.expected else None
    (args.out_dir / "expected.json").write_text(json.dumps(index, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
