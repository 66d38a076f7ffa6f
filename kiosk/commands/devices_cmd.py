"""`kiosk devices ...`: what a technician runs to read QR files and check the devices."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig


def _jsonable(value: object) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def describe_payload(payload: bytes) -> dict[str, Any]:
    """Parse one QR payload as a CCCD identity, or say why it is not one."""
    from kiosk.domain.cccd import QrRejected, parse_cccd

    result = parse_cccd(payload)
    if isinstance(result, QrRejected):
        return {"valid": False, "code": result.code, "reason": result.message_en,
                "reason_vi": result.message_vi}
    fields = {k: _jsonable(v) for k, v in vars(result).items()}
    return {"valid": True, "identity": fields}


def _read_file(path: Path) -> dict[str, Any]:
    from PIL import UnidentifiedImageError

    from devices.qr.decode import decode_image
    from devices.qr.image_file import open_capped

    try:
        # A decompression bomb raises ImageTooLargeError before a pixel is decoded.
        with open_capped(path) as img:
            payloads = decode_image(img.convert("RGB"))
    except FileNotFoundError:
        return {"file": str(path), "error": "file not found"}
    except (UnidentifiedImageError, OSError) as exc:
        return {"file": str(path), "error": f"not a readable image: {exc}"}
    if not payloads:
        return {"file": str(path), "error": "no QR code found in the image"}
    return {"file": str(path), "codes": [describe_payload(p) for p in payloads]}


def decode_qr(args: argparse.Namespace, config: KioskConfig) -> int:
    from devices.qr.image_file import ImageTooLargeError

    del config
    try:
        results = [_read_file(path) for path in args.files]
    except ImageTooLargeError as exc:
        print(f"kiosk devices decode-qr: {exc}", file=sys.stderr)
        return 2
    for result in results:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    ok = all(any(c["valid"] for c in r.get("codes", [])) for r in results)
    return 0 if ok else 1


def list_(args: argparse.Namespace, config: KioskConfig) -> int:
    from kiosk.wiring.devices import build_devices

    del args
    devices = build_devices(config)
    try:
        for name, health in devices.health().items():
            print(f"{name:8} {health.status.value:13} {health.detail}")
    finally:
        devices.close()
    return 0


ADVICE = {
    "camera": "Check the camera cable and that the kiosk user may open /dev/video* (udev rules); "
              "hold a CCCD QR in front of it during the test.",
    "scanner": "Check `scanimage -L` lists the scanner, the cover is closed and a page is on the glass.",
    "printer": "Check paper, the cover and the cable or network address in [devices.printer].",
}


def self_test(args: argparse.Namespace, config: KioskConfig) -> int:
    from devices import selftest
    from kiosk.wiring.devices import build_devices

    if args.device == "speaker":
        return _speaker_test()
    devices = build_devices(config)
    try:
        if args.device == "camera":
            report = selftest.self_test_qr(devices.qr_reader, timeout_s=30.0)
        elif args.device == "scanner":
            report = selftest.self_test_scanner(devices.scanner, source=config.devices.scanner.source)
        else:
            report = selftest.self_test_printer(devices.printer, label=config.kiosk.id)
    finally:
        devices.close()
    verdict = "PASS" if report.passed else "FAIL"
    print(f"{report.device}: {verdict} ({report.status.value}) {report.detail}")
    if not report.passed:
        print(ADVICE[args.device], file=sys.stderr)
    return 0 if report.passed else 1


def _speaker_test() -> int:
    """Say a Vietnamese sentence through speech-dispatcher; PASS once the audio went out."""
    from kiosk.speech import self_test_speaker

    report = self_test_speaker()
    print(f"speaker: {'PASS' if report.passed else 'FAIL'} {report.detail} (socket {report.socket})")
    if not report.passed:
        print("Check that kiosk-speech.service runs (systemctl status kiosk-speech), the speaker is "
              "plugged in and not muted (alsamixer), and the ALSA device in "
              "/etc/dvc-kiosk/speech-dispatcher/speechd.conf.", file=sys.stderr)
    return 0 if report.passed else 1
