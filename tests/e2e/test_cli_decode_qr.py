"""`kiosk devices decode-qr` as a technician runs it: real PNG files, real decoder, JSON out."""

import json
import subprocess
import sys
from pathlib import Path

import segno

KIOSK = [sys.executable, "-m", "kiosk.cli"]
GOOD = "079165001234|123456789|Huỳnh Thị Ánh|01021965|Nữ|Thôn 3, Xã Tân Phú, Tỉnh Đồng Nai|15082021||||"


def _qr(path: Path, text: str) -> Path:
    segno.make(text, mode="byte", encoding="utf-8", error="m").save(str(path), scale=5, border=4)
    return path


def _run(*files: Path) -> tuple[int, list[dict[str, object]]]:
    result = subprocess.run([*KIOSK, "devices", "decode-qr", *map(str, files)],
                            capture_output=True, text=True, timeout=120, check=False)
    docs: list[dict[str, object]] = []
    decoder = json.JSONDecoder()
    text, pos = result.stdout, 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        obj, pos = decoder.raw_decode(text, pos)
        docs.append(obj)
    return result.returncode, docs


def test_vietnamese_name_reads_without_mojibake(tmp_path: Path) -> None:
    code, (doc,) = _run(_qr(tmp_path / "card.png", GOOD))
    assert code == 0
    identity = doc["codes"][0]["identity"]  # type: ignore[index]
    assert identity["full_name"] == "Huỳnh Thị Ánh"
    assert identity["date_of_birth"] == "1965-02-01"
    assert identity["address"] == "Thôn 3, Xã Tân Phú, Tỉnh Đồng Nai"


def test_malformed_qr_is_explained(tmp_path: Path) -> None:
    mismatched = GOOD.replace("01021965", "01021995")  # ID says born in '65
    code, docs = _run(_qr(tmp_path / "bad.png", mismatched), _qr(tmp_path / "short.png", "a|b|c"),
                      tmp_path / "missing.png")
    assert code == 1
    bad, short, missing = docs
    assert bad["codes"][0]["valid"] is False  # type: ignore[index]
    assert bad["codes"][0]["code"] == "id_mismatch"  # type: ignore[index]
    assert short["codes"][0]["valid"] is False  # type: ignore[index]
    assert "reason_vi" in short["codes"][0]  # type: ignore[index]
    assert missing["error"] == "file not found"
