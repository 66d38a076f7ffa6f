"""QR benchmark: plain pyzbar, zbar binary mode, plain zxing-cpp, OpenCV and our decoder.

Two sets: the zxing project's real-world photos (``../shared/bench/qr-zxing``, each ``N.png`` or
``N.jpg`` with ``N.txt``, or ``N.bin`` for raw bytes) and seeded CCCD-style 1280x720 webcam frames
from ``bench.qr.gen_frames`` (cards, phones, and frames with no QR at all).

A frame counts as *read* when one returned payload is the expected content; *wrong* when the
engine returned something and none of it is right; *mojibake* when the wrong text has exactly
the expected ASCII characters or re-encodes to the payload in a guessed charset such as
Shift_JIS (right symbol, wrong charset); *false* when a frame without a QR
produced a payload. Engines that give text (plain pyzbar, OpenCV) are judged on their text; those
that give bytes on the bytes: on the zxing photos in the QR's own byte charset (UTF-8, Shift_JIS,
GB 18030 or ISO-8859-1; their codes predate ECI), on the CCCD frames strictly as UTF-8.

Run pinned to one core:  taskset -c 0 .venv/bin/python -m bench.qr.run
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.qr.gen_frames import generate
from devices.qr.decode import decode_image

REPO = Path(__file__).resolve().parents[2]
REAL_CHARSETS = ("utf-8", "shift_jis", "gb18030", "iso-8859-1")
CCCD_CHARSETS = ("utf-8",)
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
DEFAULT_ZXING_DIR = REPO / ".." / "shared" / "bench" / "qr-zxing"


@dataclass(frozen=True)
class Read:
    """One payload as an application would get it from the engine."""

    text: str | None  # the engine's own text, when it gives text
    raw: bytes | None  # the raw bytes, when it gives bytes


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    image: np.ndarray[Any, Any]
    text: str | None  # expected text; None: no QR in the frame
    raw: bytes | None = None  # expected raw bytes (N.bin), when given


@dataclass
class Tally:
    frames: int = 0
    positives: int = 0
    read: int = 0
    wrong: int = 0
    mojibake: int = 0
    false_reads: int = 0
    ms: list[float] = field(default_factory=list)  # wall clock
    cpu_ms: list[float] = field(default_factory=list)  # this thread's CPU time
    by_group: dict[str, list[int]] = field(default_factory=dict)  # group -> [frames, read]


Engine = Callable[[np.ndarray[Any, Any]], list[Read]]


def _grey(img: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return np.asarray(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)) if img.ndim == 3 else img


def plain_pyzbar(img: np.ndarray[Any, Any]) -> list[Read]:
    """pyzbar as usually called: zbar converts the bytes to text with its own charset guess."""
    return [
        Read(r.data.decode("utf-8", "replace"), None)
        for r in pyzbar.decode(_grey(img), symbols=[ZBarSymbol.QRCODE])
    ]


def plain_zxing(img: np.ndarray[Any, Any]) -> list[Read]:
    """zxing-cpp with its defaults, QR only."""
    return [
        Read(r.text, bytes(r.bytes))
        for r in zxingcpp.read_barcodes(_grey(img), formats=QR_ONLY)
    ]


def plain_opencv(img: np.ndarray[Any, Any]) -> list[Read]:
    """OpenCV's detector, multi then single (each finds codes the other misses).

    Its binding raises on a payload that is not UTF-8 and on Kanji mode: counted as no read.
    """
    grey = _grey(img)
    detector = cv2.QRCodeDetector()
    try:
        ok, texts, _, _ = detector.detectAndDecodeMulti(grey)
        found = [t for t in texts if t] if ok else []
        if not found:
            text, _, _ = detector.detectAndDecode(grey)
            found = [text] if text else []
    except (UnicodeDecodeError, cv2.error):
        return []
    return [Read(t, None) for t in found]


def bytes_engine(name: str) -> Engine:
    def run(img: np.ndarray[Any, Any]) -> list[Read]:
        return [Read(None, p) for p in decode_image(img, name)]  # type: ignore[arg-type]

    return run


ENGINES: dict[str, Engine] = {
    "pyzbar": plain_pyzbar,
    "zbar-binary": bytes_engine("pyzbar"),
    "zxing-cpp": plain_zxing,
    "opencv": plain_opencv,
    "ours": bytes_engine("ours"),
}


def _ascii(text: str) -> str:
    return "".join(ch for ch in text if ord(ch) < 128)


GUESSED_CHARSETS = ("shift_jis", "cp932", "big5", "gb18030", "iso-8859-1", "cp1252")


def _is_mojibake(text: str, expected: str) -> bool:
    """Right symbol, wrong charset: the text re-encoded in a guessed charset gives the payload,
    or (when that cannot be undone) it still has exactly the payload's ASCII characters."""
    if text == expected:
        return False
    for charset in GUESSED_CHARSETS:
        try:
            if text.encode(charset) == expected.encode("utf-8"):
                return True
        except UnicodeEncodeError:
            continue
    return _ascii(text) == _ascii(expected)


def _matches(read: Read, case: Case, charsets: Sequence[str]) -> bool:
    if case.raw is not None and read.raw is not None:
        return read.raw == case.raw
    assert case.text is not None
    if read.raw is not None:
        wanted = set()
        for charset in charsets:
            try:
                wanted.add(case.text.encode(charset))
            except UnicodeEncodeError:
                continue
        return read.raw in wanted
    return read.text == case.text


def _as_text(read: Read) -> str:
    if read.text is not None:
        return read.text
    assert read.raw is not None
    return read.raw.decode("utf-8", "replace")


def judge(reads: list[Read], case: Case, charsets: Sequence[str], tally: Tally, ms: float) -> None:
    tally.frames += 1
    tally.ms.append(ms)
    if case.text is None and case.raw is None:
        tally.false_reads += bool(reads)
        return
    tally.positives += 1
    group = tally.by_group.setdefault(case.group, [0, 0])
    group[0] += 1
    if any(_matches(r, case, charsets) for r in reads):
        tally.read += 1
        group[1] += 1
    elif reads:
        expected = case.text if case.text is not None else ""
        if any(_is_mojibake(_as_text(r), expected) for r in reads):
            tally.mojibake += 1
        else:
            tally.wrong += 1


def real_cases(root: Path) -> list[Case]:
    cases = []
    for image in sorted(p for p in root.glob("qrcode-*/*") if p.suffix.lower() in {".png", ".jpg", ".jpeg"}):
        bin_path, txt_path = image.with_suffix(".bin"), image.with_suffix(".txt")
        raw = bin_path.read_bytes() if bin_path.exists() else None
        text = txt_path.read_bytes().decode("utf-8") if txt_path.exists() else None
        if raw is None and text is None:
            continue
        frame = cv2.imread(str(image), cv2.IMREAD_COLOR)
        if frame is None:
            print(f"skipped unreadable {image}", file=sys.stderr)
            continue
        name = f"{image.parent.name}/{image.name}"
        cases.append(Case(name, image.parent.name, np.asarray(frame), text, raw))
    return cases


def generated_cases(seed: int, n_card: int, n_phone: int, n_negative: int, out: Path | None) -> list[Case]:
    cases = []
    for frame in generate(seed, n_card, n_phone, n_negative):
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(out / f"{frame.name}.png"), frame.image)
        text = frame.expected.decode("utf-8") if frame.expected is not None else None
        cases.append(Case(frame.name, frame.kind, frame.image, text))
    return cases


def measure(cases: Iterable[Case], engines: dict[str, Engine], charsets: Sequence[str]) -> dict[str, Tally]:
    tallies = {name: Tally() for name in engines}
    for case in cases:
        for name, engine in engines.items():
            start, cpu_start = time.perf_counter(), time.thread_time()
            reads = engine(case.image)
            ms = (time.perf_counter() - start) * 1000
            tallies[name].cpu_ms.append((time.thread_time() - cpu_start) * 1000)
            judge(reads, case, charsets, tallies[name], ms)
    return tallies


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95)) if values else float("nan")


def print_table(title: str, tallies: dict[str, Tally]) -> None:
    any_tally = next(iter(tallies.values()))
    negatives = any_tally.frames - any_tally.positives
    print(f"\n{title}: {any_tally.positives} frames with a QR, {negatives} without")
    groups = sorted(any_tally.by_group)
    head = f"{'engine':<12} {'read':>9} {'rate':>7} {'wrong':>6} {'mojibake':>9} {'no-QR false':>12}"
    head += f" {'median ms':>10} {'p95 ms':>8} {'cpu p95':>8}"
    if len(groups) > 1:
        head += "  " + "  ".join(f"{g:>10}" for g in groups)
    print(head)
    for name, t in tallies.items():
        rate = 100 * t.read / t.positives if t.positives else float("nan")
        line = f"{name:<12} {t.read:>4}/{t.positives:<4} {rate:>6.1f}% {t.wrong:>6} {t.mojibake:>9}"
        line += f" {t.false_reads:>5}/{negatives:<6} {statistics.median(t.ms):>10.2f} {_p95(t.ms):>8.2f}"
        line += f" {_p95(t.cpu_ms):>8.2f}"
        if len(groups) > 1:
            line += "  " + "  ".join(f"{100 * t.by_group[g][1] / t.by_group[g][0]:>9.1f}%" for g in groups)
        print(line)


def goals(real: dict[str, Tally] | None, generated: dict[str, Tally]) -> bool:
    ours = generated["ours"]
    checks = [
        ("generated read rate >= 95 %", ours.read >= 0.95 * ours.positives),
        ("no wrong read, mojibake or false read (generated)",
         not (ours.wrong or ours.mojibake or ours.false_reads)),
        ("p95 <= 20 ms per 1280x720 frame", _p95(ours.ms) <= 20.0),
    ]
    if real is not None:
        r = real["ours"]
        checks.append(("real photos read rate >= 96 %", r.read >= 0.96 * r.positives))
        checks.append(("no wrong read, no mojibake (real)", not (r.wrong or r.mojibake)))
    print("\ngoals for ours:")
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return all(ok for _, ok in checks)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zxing_dir", nargs="?", type=Path, default=DEFAULT_ZXING_DIR,
                        help="folder with qrcode-1..6 (default: ../shared/bench/qr-zxing from the repo root)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--cards", type=int, default=240)
    parser.add_argument("--phones", type=int, default=60)
    parser.add_argument("--negatives", type=int, default=60)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset")
    parser.add_argument("--save-frames", type=Path, default=None, help="also write generated frames here")
    parser.add_argument("--skip-real", action="store_true")
    args = parser.parse_args(argv)

    cv2.setNumThreads(1)
    engines = {name: ENGINES[name] for name in args.engines.split(",")}
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    print(f"OpenCV {cv2.__version__} threads=1; zxing-cpp; zbar; CPUs allowed: {cpus}")
    if len(cpus) != 1:
        print("note: not pinned to one core; run under `taskset -c 0` for the single-core figures")

    real = None
    if not args.skip_real:
        cases = real_cases(args.zxing_dir)
        if not cases:
            print(f"no zxing photos under {args.zxing_dir}", file=sys.stderr)
            return 2
        real = measure(cases, engines, REAL_CHARSETS)
        print_table(f"zxing real-world photos ({args.zxing_dir})", real)

    started = time.perf_counter()
    generated = generated_cases(args.seed, args.cards, args.phones, args.negatives, args.save_frames)
    print(f"\ngenerated {len(generated)} frames (seed {args.seed}) in {time.perf_counter() - started:.1f} s")
    tallies = measure(generated, engines, CCCD_CHARSETS)
    print_table("CCCD-style 1280x720 webcam frames", tallies)
    if "ours" in engines:
        return 0 if goals(real, tallies) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
