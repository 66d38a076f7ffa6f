"""Issue 10 item 9: `kiosk devices decode-qr` on a decompression-bomb PNG.

A PNG of a few kilobytes claiming 12000 x 12000 pixels (144 megapixels) made the command decode
all of them (1.2 GB); one past Pillow's own limit crashed it with a DecompressionBombError
traceback. Now either is refused from the header: one line on stderr, exit code 2, and the
process never grows.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pytest
import segno

from devices.qr.image_file import MAX_PIXELS, ImageTooLargeError, open_capped

KIOSK = [sys.executable, "-m", "kiosk.cli"]
GOOD = "079165001234|123456789|Huỳnh Thị Ánh|01021965|Nữ|Thôn 3, Xã Tân Phú, Tỉnh Đồng Nai|15082021||||"
# Starting the CLI and decoding one small photo (Python, numpy, OpenCV, zxing) takes well under
# this; decoding the 144-megapixel bomb took 1.2 GB.
MAX_RSS_MB = 400


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(path: Path, width: int, height: int) -> Path:
    """A valid 1-bit grey PNG, all black, written 500 rows at a time: tiny on disk, huge decoded."""
    squeeze = zlib.compressobj(9)
    rows = (b"\x00" * (1 + (width + 7) // 8)) * 500  # each row: filter byte, then packed pixels
    body = b"".join(squeeze.compress(rows) for _ in range(height // 500))
    body += squeeze.compress(rows[: (height % 500) * len(rows) // 500]) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")
    path.write_bytes(png)
    return path


# A small interpreter starts the CLI and reports its child's peak RSS. Measured straight from this
# (large) test process, the figure would include this process's own pages: Linux carries the
# high-water mark of the memory a child had before exec into the child's ru_maxrss.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:], check=False).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "open(sys.argv[1], 'w').write(str(peak))\n"
    "sys.exit(code)\n"
)


def _run_measured(*args: str) -> tuple[int, str, str, float]:
    """Run the CLI: exit code, stdout, stderr and the CLI process's own peak resident memory in MB."""
    with tempfile.TemporaryDirectory() as d:
        peak_file = Path(d) / "peak"
        proc = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(peak_file), *KIOSK, *args],
            capture_output=True, text=True, timeout=120, check=False,
        )
        return proc.returncode, proc.stdout, proc.stderr, int(peak_file.read_text()) / 1024


@pytest.mark.parametrize(
    ("width", "height"),
    [(12_000, 12_000), (20_000, 20_000)],  # under and over Pillow's own bomb limit (179 MP)
)
def test_a_bomb_is_refused_in_one_line_with_exit_2_without_growing(
    tmp_path: Path, width: int, height: int
) -> None:
    bomb = png_bomb(tmp_path / "bomb.png", width, height)
    assert bomb.stat().st_size < 200 * 1024
    code, out, err, rss_mb = _run_measured("devices", "decode-qr", str(bomb))
    assert code == 2, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "megapixels are refused" in lines[0]
    assert "Traceback" not in err
    assert rss_mb < MAX_RSS_MB


def test_a_normal_photo_still_reads(tmp_path: Path) -> None:
    card = tmp_path / "card.png"
    segno.make(GOOD, mode="byte", encoding="utf-8", error="m").save(str(card), scale=5, border=4)
    code, out, err, rss_mb = _run_measured("devices", "decode-qr", str(card))
    assert code == 0, err
    assert "Huỳnh Thị Ánh" in out
    assert rss_mb < MAX_RSS_MB


def test_the_cap_is_read_from_the_header_before_decoding(tmp_path: Path) -> None:
    bomb = png_bomb(tmp_path / "bomb.png", 12_000, 12_000)
    with pytest.raises(ImageTooLargeError) as refused:
        open_capped(bomb)
    assert refused.value.size == (12_000, 12_000)
    assert "144 megapixels" in str(refused.value)
    # Just under the cap opens (a 1-bit image: cheap to decode here).
    side = int(MAX_PIXELS**0.5) - 1
    with open_capped(png_bomb(tmp_path / "big.png", side, side)) as img:
        assert img.size == (side, side)
