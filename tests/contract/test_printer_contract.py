"""The ReceiptPrinter contract, run against every backend in PRINTER_RIGS."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops

from devices.printer.protocol import PrintOutcome
from devices.receipt.model import Receipt
from devices.receipt.render import render_receipt
from devices.status import DeviceStatus
from tests.contract.printer_rigs import PRINTER_RIGS, PrinterRig

CODE = "HB01-004217-3"


@pytest.fixture(params=PRINTER_RIGS, ids=lambda f: f.__name__)
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PrinterRig]:
    factory: Callable[[Path], AbstractContextManager[PrinterRig]] = request.param
    with factory(tmp_path) as made:
        yield made


@pytest.fixture(scope="module")
def slip() -> Image.Image:
    return render_receipt(
        Receipt(
            header=("ỦY BAN NHÂN DÂN XÃ AN BÌNH", "PHIẾU HẸN TRẢ KẾT QUẢ"),
            rows=(("Họ và tên", "Trần Thị Ngọc Điệp"), ("Thủ tục", "Đăng ký khai tử")),
            big_text=CODE,
            qr_text=CODE,
            footer=("Xin cảm ơn",),
        )
    )


def _same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


def test_ready_printer_reports_ready(rig: PrinterRig) -> None:
    assert rig.printer.health().status is DeviceStatus.READY
    assert rig.printer.dot_width == 576


def test_printed_slip_is_the_image_and_its_qr_reads_back(rig: PrinterRig, slip: Image.Image) -> None:
    result = rig.printer.print_image(slip)
    assert (result.outcome, result.status) == (PrintOutcome.PRINTED, DeviceStatus.READY)
    [paper] = rig.printed_images()
    assert _same(paper, slip)
    assert [r.text for r in zxingcpp.read_barcodes(paper.convert("L"))] == [CODE]


@pytest.mark.parametrize("status", [DeviceStatus.NO_PAPER, DeviceStatus.COVER_OPEN])
def test_printer_not_ready_fails_without_printing(
    rig: PrinterRig, slip: Image.Image, status: DeviceStatus
) -> None:
    rig.set_status(status)
    assert rig.printer.health().status is status
    result = rig.printer.print_image(slip)
    assert (result.outcome, result.status) == (PrintOutcome.FAILED, status)
    assert rig.printed_images() == []


def test_paper_out_mid_slip_is_incomplete_and_reprint_works(rig: PrinterRig, slip: Image.Image) -> None:
    rig.paper_out_after_rows(300)
    result = rig.printer.print_image(slip)
    assert (result.outcome, result.status) == (PrintOutcome.INCOMPLETE, DeviceStatus.NO_PAPER)
    [partial] = rig.printed_images()
    assert partial.height == 300
    assert _same(partial, slip.crop((0, 0, slip.width, 300)))
    assert rig.printer.health().status is DeviceStatus.NO_PAPER

    rig.set_status(DeviceStatus.READY)
    again = rig.printer.print_image(slip)
    assert again.outcome is PrintOutcome.PRINTED
    assert _same(rig.printed_images()[-1], slip)


def test_silent_printer_is_unknown_never_ready(rig: PrinterRig, slip: Image.Image) -> None:
    rig.set_status(DeviceStatus.UNKNOWN)
    assert rig.printer.health().status is DeviceStatus.UNKNOWN
    result = rig.printer.print_image(slip)
    assert result.status is DeviceStatus.UNKNOWN
    assert result.outcome is not PrintOutcome.FAILED


def test_too_wide_image_fails_cleanly(rig: PrinterRig) -> None:
    result = rig.printer.print_image(Image.new("1", (rig.printer.dot_width + 8, 40), 0))
    assert result.outcome is PrintOutcome.FAILED
    assert rig.printed_images() == []


def test_concurrent_jobs_are_serialised_and_both_slips_come_out_whole(
    rig: PrinterRig, slip: Image.Image
) -> None:
    other = slip.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    results: list[PrintOutcome] = []
    threads = [
        threading.Thread(target=lambda img=img: results.append(rig.printer.print_image(img).outcome))
        for img in (slip, other)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads)
    assert results == [PrintOutcome.PRINTED, PrintOutcome.PRINTED]
    papers = rig.printed_images()
    assert len(papers) == 2
    assert any(_same(p, slip) for p in papers)
    assert any(_same(p, other) for p in papers)
