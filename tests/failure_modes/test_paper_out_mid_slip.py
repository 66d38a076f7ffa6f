"""Fault: the paper runs out in the middle of a slip.

The printer must say INCOMPLETE (not PRINTED), report NO_PAPER until refilled, and a reprint
after refilling must give the whole slip with a QR that reads back, on every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import zxingcpp

from devices.printer.protocol import PrintOutcome
from devices.receipt.model import Receipt
from devices.receipt.render import render_receipt
from devices.status import DeviceStatus
from tests.contract.printer_rigs import PRINTER_RIGS, PrinterRig

CODE = "QT05-000090-6"


@pytest.fixture(params=PRINTER_RIGS, ids=lambda f: f.__name__)
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PrinterRig]:
    factory: Callable[[Path], AbstractContextManager[PrinterRig]] = request.param
    with factory(tmp_path) as made:
        yield made


@pytest.mark.parametrize("rows_left", [1, 239, 241, 500])
def test_paper_out_mid_slip_then_reprint(rig: PrinterRig, rows_left: int) -> None:
    slip = render_receipt(
        Receipt(
            header=("UBND XÃ QUẢNG THÀNH", "PHIẾU HẸN TRẢ KẾT QUẢ"),
            rows=(("Họ tên", "Phạm Thị Thu Hằng"), ("Thủ tục", "Đăng ký kết hôn")),
            big_text=CODE,
            qr_text=CODE,
            footer=("Vui lòng giữ phiếu",),
        )
    )
    assert slip.height > rows_left
    rig.paper_out_after_rows(rows_left)

    cut_short = rig.printer.print_image(slip)

    assert cut_short.outcome is PrintOutcome.INCOMPLETE
    assert cut_short.status is DeviceStatus.NO_PAPER
    [partial] = rig.printed_images()
    assert partial.height == rows_left
    assert zxingcpp.read_barcodes(partial.convert("L")) == []
    assert rig.printer.health().status is DeviceStatus.NO_PAPER
    refused = rig.printer.print_image(slip)
    assert (refused.outcome, refused.status) == (PrintOutcome.FAILED, DeviceStatus.NO_PAPER)

    rig.set_status(DeviceStatus.READY)
    reprint = rig.printer.print_image(slip)

    assert (reprint.outcome, reprint.status) == (PrintOutcome.PRINTED, DeviceStatus.READY)
    whole = rig.printed_images()[-1]
    assert whole.size == slip.size
    assert [r.text for r in zxingcpp.read_barcodes(whole.convert("L"))] == [CODE]
