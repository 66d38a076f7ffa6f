"""The simulated printer keeps PNGs and the exact bytes the real encoder would send."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image, ImageChops

from devices.printer.protocol import PrintOutcome
from devices.printer.simulated import SimulatedPrinter
from devices.receipt.escpos_bytes import raster_to_escpos
from devices.receipt.model import Receipt
from devices.receipt.render import render_receipt
from devices.status import DeviceStatus
from tests.support.escpos_decode import parse_commands, raster_image


def _slip(code: str) -> Image.Image:
    return render_receipt(Receipt(("PHIẾU HẸN",), (("Mã", code),), code, code, ()))


def test_keeps_png_and_bytes(tmp_path: Path) -> None:
    printer = SimulatedPrinter(tmp_path)
    slip = _slip("AB01-000001-4")
    result = printer.print_image(slip)
    assert (result.outcome, result.status) == (PrintOutcome.PRINTED, DeviceStatus.READY)
    [kept] = printer.printed
    assert kept.escpos == raster_to_escpos(slip)
    assert kept.png_path is not None
    with Image.open(kept.png_path) as png:
        assert ImageChops.difference(png.convert("L"), slip.convert("L")).getbbox() is None
        assert [r.text for r in zxingcpp.read_barcodes(png.convert("L"))] == ["AB01-000001-4"]
    assert printer.last_image is kept.image


def test_paper_out_mid_slip_keeps_the_partial_paper(tmp_path: Path) -> None:
    printer = SimulatedPrinter(tmp_path)
    slip = _slip("AB01-000002-2")
    printer.control.paper_out_after_rows(100)
    result = printer.print_image(slip)
    assert (result.outcome, result.status) == (PrintOutcome.INCOMPLETE, DeviceStatus.NO_PAPER)
    [kept] = printer.printed
    assert kept.image.height == 100
    decoded = raster_image(parse_commands(kept.escpos))
    assert decoded.height == 100
    assert not kept.escpos.endswith(b"\x1dV\x00")
    assert printer.print_image(slip).outcome is PrintOutcome.FAILED
    printer.control.set_status(DeviceStatus.READY)
    assert printer.print_image(slip).outcome is PrintOutcome.PRINTED
    assert [s.outcome for s in printer.printed] == [PrintOutcome.INCOMPLETE, PrintOutcome.PRINTED]


def test_without_out_dir_nothing_is_written(tmp_path: Path) -> None:
    printer = SimulatedPrinter()
    printer.print_image(_slip("AB01-000003-0"))
    assert printer.printed[0].png_path is None
    assert list(tmp_path.iterdir()) == []
