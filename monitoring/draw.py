"""Draw query results as a Grafana-like dashboard PNG with Pillow (the project's imaging library).

Only what the fleet dashboard uses: stat panels (the last value), time series (lines, hourly
ticks, a legend) and tables (instant results), laid out on Grafana's 24-column grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH = 1800
COL = WIDTH / 24
ROW = 34
TOP = 56
PAD = 8
BG = (17, 18, 23)
PANEL = (24, 27, 31)
BORDER = (44, 48, 54)
TEXT = (204, 204, 220)
DIM = (142, 142, 160)
GRID = (40, 44, 50)
COLOURS = [(115, 191, 105), (242, 204, 12), (87, 148, 242), (255, 120, 10), (242, 73, 92),
           (184, 119, 217), (138, 184, 255), (255, 152, 48), (150, 217, 141), (255, 179, 87)]
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)


@dataclass
class Series:
    labels: dict[str, str]
    points: list[tuple[float, float]]
    name: str = ""


@dataclass
class Panel:
    title: str
    kind: str  # stat | timeseries | table
    series: list[Series]
    x: int
    y: int
    w: int
    h: int
    unit: str = ""


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def _fmt(value: float, unit: str) -> str:
    if math.isnan(value):
        return "–"
    if unit == "bytes":
        for suffix, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
            if abs(value) >= scale:
                return f"{value / scale:.1f} {suffix}"
        return f"{value:.0f} B"
    text = f"{value:.1f}" if abs(value) < 10 and value != int(value) else f"{value:.0f}"
    return f"{text} {unit}" if unit in ("h", "m", "s") else text


def draw_dashboard(panels: list[Panel], title: str, start: float, end: float) -> Image.Image:
    rows = max(p.y + p.h for p in panels)
    img = Image.new("RGB", (WIDTH, int(TOP + rows * ROW + PAD)), BG)
    d = ImageDraw.Draw(img)
    d.text((PAD * 2, 16), title, font=_font(20, bold=True), fill=TEXT)
    for p in panels:
        box = (int(p.x * COL + PAD / 2), int(TOP + p.y * ROW + PAD / 2),
               int((p.x + p.w) * COL - PAD / 2), int(TOP + (p.y + p.h) * ROW - PAD / 2))
        d.rectangle(box, fill=PANEL, outline=BORDER)
        d.text((box[0] + 10, box[1] + 6), p.title, font=_font(14, bold=True), fill=TEXT)
        inner = (box[0] + 10, box[1] + 30, box[2] - 10, box[3] - 8)
        if p.kind == "stat":
            _stat(d, p, inner)
        elif p.kind == "table":
            _table(d, p, inner)
        else:
            _timeseries(d, p, inner, start, end)
    return img


def _stat(d: ImageDraw.ImageDraw, p: Panel, box: tuple[int, int, int, int]) -> None:
    if not p.series:
        d.text((box[0], box[1] + 10), "no data", font=_font(28), fill=DIM)
        return
    width = (box[2] - box[0]) / len(p.series)
    for i, s in enumerate(p.series):
        last = s.points[-1][1] if s.points else math.nan
        x = box[0] + i * width
        colour = COLOURS[0] if last == 0 or "up" in s.name else COLOURS[4]
        if "registered" in s.name:
            colour = TEXT
        d.text((x, box[1] + 4), _fmt(last, p.unit), font=_font(40, bold=True), fill=colour)
        d.text((x, box[3] - 20), s.name, font=_font(13), fill=DIM)


def _table(d: ImageDraw.ImageDraw, p: Panel, box: tuple[int, int, int, int]) -> None:
    font = _font(13)
    y = box[1]
    if not p.series:
        d.text((box[0], y), "nothing to show", font=font, fill=DIM)
        return
    for s in p.series:
        if y > box[3] - 16:
            d.text((box[0], y), f"… {len(p.series)} rows", font=font, fill=DIM)
            return
        value = s.points[-1][1] if s.points else math.nan
        labels = ", ".join(f"{k}={v}" for k, v in sorted(s.labels.items()) if k != "__name__")
        name = s.labels.get("__name__", "")
        d.text((box[0], y), f"{name} {{{labels}}}".strip(), font=font, fill=TEXT)
        d.text((box[2] - 60, y), _fmt(value, p.unit), font=font, fill=COLOURS[1])
        y += 19


def _timeseries(d: ImageDraw.ImageDraw, p: Panel, box: tuple[int, int, int, int],
                start: float, end: float) -> None:
    small = _font(11)
    legend_w = 150
    plot = (box[0] + 52, box[1] + 4, box[2] - legend_w, box[3] - 18)
    values = [v for s in p.series for _, v in s.points if not math.isnan(v)]
    low = min([0.0, *values])
    high = max([1.0, *values])
    if high - low < 1e-9:
        high = low + 1
    high += (high - low) * 0.08

    def px(t: float, v: float) -> tuple[float, float]:
        x = plot[0] + (t - start) / (end - start) * (plot[2] - plot[0])
        y = plot[3] - (v - low) / (high - low) * (plot[3] - plot[1])
        return x, y

    for i in range(5):
        v = low + (high - low) * i / 4
        _, y = px(start, v)
        d.line([(plot[0], y), (plot[2], y)], fill=GRID)
        d.text((box[0], y - 6), _fmt(v, p.unit), font=small, fill=DIM)
    hour = math.ceil(start / 3600) * 3600
    while hour <= end:
        x, _ = px(hour, low)
        d.line([(x, plot[1]), (x, plot[3])], fill=GRID)
        d.text((x - 14, plot[3] + 3), datetime.fromtimestamp(hour, UTC).strftime("%H:%M"),
               font=small, fill=DIM)
        hour += 3600
    if not p.series:
        d.text((plot[0] + 10, plot[1] + 10), "no data", font=_font(16), fill=DIM)
    for i, s in enumerate(sorted(p.series, key=lambda s: s.name)):
        colour = COLOURS[i % len(COLOURS)]
        segment: list[tuple[float, float]] = []
        last_t: float | None = None
        for t, v in s.points:
            if last_t is not None and t - last_t > 300:  # a gap in the data: break the line
                _line(d, segment, colour)
                segment = []
            segment.append(px(t, v))
            last_t = t
        _line(d, segment, colour)
        ly = box[1] + 4 + i * 15
        if ly < box[3] - 12:
            d.rectangle((box[2] - legend_w + 10, ly + 4, box[2] - legend_w + 20, ly + 10),
                        fill=colour)
            d.text((box[2] - legend_w + 26, ly), s.name[:20], font=small, fill=TEXT)


def _line(d: ImageDraw.ImageDraw, points: list[tuple[float, float]],
          colour: tuple[int, int, int]) -> None:
    if len(points) == 1:
        x, y = points[0]
        d.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=colour)
    elif points:
        d.line(points, fill=colour, width=2)
