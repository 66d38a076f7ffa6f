"""SaneScanner against SANE's real ``test`` backend (private SANE_CONFIG_DIR, no hardware)."""

from __future__ import annotations

import shutil
import stat
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from devices.scanner.protocol import Scanner
from devices.scanner.sane import SaneScanner
from devices.scanner.sane_errors import status_from_scanimage
from devices.scanner.sane_test_backend import settings_for_test_backend
from devices.status import DeviceStatus
from tests.support.sane_batch import scan_batch

pytestmark = pytest.mark.skipif(shutil.which("scanimage") is None, reason="sane-utils missing")

# 80 x 100 mm at 200 dpi, as the test backend rounds it.
_W, _H = round(80 / 25.4 * 200), round(100 / 25.4 * 200)


def _scanner(tmp_path: Path, *, picture: str = "Grid", extra: tuple[str, ...] = ()) -> SaneScanner:
    return SaneScanner(settings_for_test_backend(tmp_path / "sane", test_picture=picture, extra_args=extra))


def test_feeder_scans_every_page_until_the_feeder_is_empty(tmp_path: Path) -> None:
    outcome = scan_batch(_scanner(tmp_path))
    assert outcome.status is DeviceStatus.READY
    assert outcome.dpi == 200
    # The test backend's feeder holds 10 sheets.
    assert len(outcome.pages) == 10
    page = outcome.pages[0]
    assert page.mode == "RGB"
    assert abs(page.width - _W) <= 2
    assert abs(page.height - _H) <= 2
    # The grid picture is a real black/white pattern, not an empty frame.
    grey = np.asarray(page.convert("L"))
    assert 0.2 < float((grey < 128).mean()) < 0.8


def test_flatbed_scans_one_page(tmp_path: Path) -> None:
    outcome = _scanner(tmp_path, picture="Solid white").scan(source="flatbed", dpi=100)
    assert outcome.status is DeviceStatus.READY
    assert len(outcome.pages) == 1
    assert float(np.asarray(outcome.pages[0]).mean()) > 250


def test_options_left_empty_are_not_passed(tmp_path: Path) -> None:
    # The test backend's default source is its flatbed and its default mode is Gray.
    settings = replace(settings_for_test_backend(tmp_path / "sane"), flatbed_source="", mode="")
    outcome = SaneScanner(settings).scan(source="flatbed", dpi=100)
    assert outcome.status is DeviceStatus.READY
    assert len(outcome.pages) == 1
    assert outcome.pages[0].mode == "RGB"


def test_an_option_the_backend_lacks_is_an_error_with_its_reason(tmp_path: Path) -> None:
    settings = replace(settings_for_test_backend(tmp_path / "sane"), mode="Lineart")
    outcome = SaneScanner(settings).scan(source="flatbed", dpi=100)
    assert outcome.status is DeviceStatus.ERROR
    assert outcome.pages == ()
    assert outcome.detail == "setting of option --mode failed (Invalid argument)"


def test_tiff_format_reads_the_same_pages(tmp_path: Path) -> None:
    settings = replace(settings_for_test_backend(tmp_path / "sane"), file_format="tiff")
    outcome = SaneScanner(settings).scan(source="flatbed", dpi=100)
    assert outcome.status is DeviceStatus.READY
    assert len(outcome.pages) == 1


@pytest.mark.parametrize(
    ("sane_status", "expected"),
    [
        ("SANE_STATUS_JAMMED", DeviceStatus.JAMMED),
        ("SANE_STATUS_NO_DOCS", DeviceStatus.FEEDER_EMPTY),
        ("SANE_STATUS_COVER_OPEN", DeviceStatus.COVER_OPEN),
        ("SANE_STATUS_IO_ERROR", DeviceStatus.ERROR),
        ("SANE_STATUS_DEVICE_BUSY", DeviceStatus.BUSY),
    ],
)
def test_backend_faults_map_to_statuses(tmp_path: Path, sane_status: str, expected: DeviceStatus) -> None:
    scanner = SaneScanner(settings_for_test_backend(tmp_path / "sane", fault=sane_status))
    outcome = scanner.scan(source="feeder", dpi=100, timeout_s=30)
    assert outcome.status is expected
    assert outcome.pages == ()
    assert outcome.detail.startswith("sane_read:")


def test_unknown_device_is_disconnected(tmp_path: Path) -> None:
    settings = replace(settings_for_test_backend(tmp_path / "sane"), device="test:7")
    scanner = SaneScanner(settings)
    assert scanner.scan(dpi=100).status is DeviceStatus.DISCONNECTED
    health = scanner.health()
    assert health.status is DeviceStatus.DISCONNECTED
    assert "test:7" in health.detail


def test_health_of_a_present_device_is_ready(tmp_path: Path) -> None:
    scanner: Scanner = _scanner(tmp_path)  # and mypy checks it keeps to the protocol
    health = scanner.health()
    assert health.status is DeviceStatus.READY
    assert "test:0" in health.detail


def test_missing_scanimage_is_an_error_not_a_crash(tmp_path: Path) -> None:
    settings = replace(
        settings_for_test_backend(tmp_path / "sane"), scanimage=str(tmp_path / "no-such-scanimage")
    )
    scanner = SaneScanner(settings)
    assert scanner.scan().status is DeviceStatus.ERROR
    assert scanner.health().status is DeviceStatus.ERROR


def test_a_hung_scanimage_is_cut_off_by_the_timeout(tmp_path: Path) -> None:
    # A backend stuck in USB I/O never returns; the read is delayed far beyond the timeout.
    scanner = _scanner(
        tmp_path,
        extra=(
            "--read-delay=yes",
            "--read-delay-duration",
            "200000",
            "--read-limit=yes",
            "--read-limit-size",
            "1",
        ),
    )
    outcome = scanner.scan(source="flatbed", dpi=100, timeout_s=0.5)
    assert outcome.status is DeviceStatus.ERROR
    assert "no answer" in outcome.detail


def test_open_failure_reasons() -> None:
    busy = "scanimage: open of device epson2:libusb:001:004 failed: Device busy\n"
    denied = "scanimage: open of device epson2:libusb:001:004 failed: Access to resource has been denied\n"
    assert status_from_scanimage(1, busy)[0] is DeviceStatus.BUSY
    status, detail = status_from_scanimage(1, denied)
    assert status is DeviceStatus.ERROR
    assert "udev" in detail
    assert status_from_scanimage(1, "scanimage: no SANE devices found\n")[0] is DeviceStatus.DISCONNECTED


def write_fake_scanimage(tmp_path: Path, body: str) -> Path:
    """A stand-in ``scanimage`` for faults the test backend cannot stage (a jam mid-batch)."""
    script = tmp_path / "scanimage"
    script.write_text("#!/bin/sh\n" + body, encoding="ascii")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_stderr_status_text_wins_over_the_exit_code(tmp_path: Path) -> None:
    fake = write_fake_scanimage(tmp_path, 'echo "scanimage: sane_start: Scanner cover is open" >&2\nexit 1\n')
    settings = replace(settings_for_test_backend(tmp_path / "sane"), scanimage=str(fake))
    outcome = SaneScanner(settings).scan()
    assert outcome.status is DeviceStatus.COVER_OPEN
    assert outcome.detail == "sane_start: Scanner cover is open"


# Observed from scanimage 1.1.1 with the test backend: a reader thread's late write raised
# SIGPIPE after the jam was reported, and the signal handler exited with 0.
_JAM_THEN_SIGPIPE = (
    "Scanning infinity pages, incrementing by 1, numbering from 1\n"
    "Scanning page 1\n"
    "scanimage: sane_read: Document feeder jammed\n"
    "Scanned page 1. (scanner status = 6)\n"
    "Batch terminated, 1 page scanned\n"
    "scanimage: received signal 13\n"
    "scanimage: trying to stop scanner\n"
    "scanimage: received signal 13\n"
    "scanimage: aborting\n"
)


def test_the_status_text_survives_signal_chatter_and_exit_code_zero() -> None:
    assert status_from_scanimage(0, _JAM_THEN_SIGPIPE) == (
        DeviceStatus.JAMMED,
        "sane_read: Document feeder jammed",
    )


def test_a_run_aborted_by_a_signal_is_an_error_even_with_exit_code_zero() -> None:
    stderr = "scanimage: received signal 15\nscanimage: trying to stop scanner\n" * 2
    status, _ = status_from_scanimage(0, stderr + "scanimage: aborting\n")
    assert status is DeviceStatus.ERROR


def test_a_fault_reported_before_scanimage_hangs_is_trusted(tmp_path: Path) -> None:
    # Seen with SANE's test backend: the jam is reported, then scanimage never exits.
    fake = tmp_path / "scanimage"
    fake.write_text("#!/bin/sh\necho 'scanimage: sane_read: Document feeder jammed' >&2\nexec sleep 30\n",
                    "utf-8")
    fake.chmod(0o755)
    settings = replace(settings_for_test_backend(tmp_path / "sane"), scanimage=str(fake))
    outcome = SaneScanner(settings).scan(source="feeder", dpi=100, timeout_s=1.0)
    assert outcome.status is DeviceStatus.JAMMED
    assert outcome.detail.startswith("sane_read:")
