"""The simulation commands of `kiosk ctl`: real simulated devices, over a real socket."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy
import pytest
from PIL import Image

from devices.printer.simulated import SimulatedPrinter
from devices.qr.simulated import SimulatedQrReader
from devices.scanner.simulated import SimulatedScanner
from devices.status import DeviceStatus
from kiosk.ctl.client import call
from kiosk.ctl.protocol import CtlError, Request
from kiosk.ctl.server import ControlServer
from kiosk.ctl.sim_commands import (
    HELP,
    SimCommands,
    SimTargets,
    parse_seconds,
    sample_citizens,
    sample_qr_payload,
)
from kiosk.domain.cccd import parse_cccd
from kiosk.domain.identity import Identity

TODAY = date(2026, 11, 23)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def set_link(self, mode: str) -> None:
        self.calls.append(("link", mode))

    def shift(self, seconds: float) -> float:
        self.calls.append(("clock", seconds))
        return 7200.0

    def set_state(self, application_id: str, state: str, note_vi: str = "") -> None:
        if application_id == "not-committed":
            raise ValueError("the application is not committed yet")
        if application_id.startswith("missing"):
            raise KeyError(application_id)
        self.calls.append(("gateway", application_id, state, note_vi))


class World:
    def __init__(self, tmp: Path) -> None:
        self.qr = SimulatedQrReader(duplicate_window_s=0)
        self.scanner = SimulatedScanner()
        self.printer = SimulatedPrinter(tmp / "printed")
        self.rec = Recorder()
        self.seen: list[bytes] = []
        codes = {"K01-000001-7": "0b4a8f00-0000-4000-8000-000000000001", "K01-000002-5": "not-committed"}
        self.commands = SimCommands(
            SimTargets(
                qr=self.qr.control,
                scanner=self.scanner.control,
                printer=self.printer.control,
                set_link=self.rec.set_link,
                gateway=self.rec,
                find_application=codes.get,
                shift_clock=self.rec.shift,
                today=lambda: TODAY,
                page_dpi=50,
            )
        )
        self.qr.start(self.seen.append)

    def run(self, cmd: str, *argv: str) -> object:
        return self.commands(Request(cmd, argv))


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path)
    yield w
    w.qr.stop()


def test_qr_text_and_sample_citizens_reach_the_camera(world: World) -> None:
    assert world.run("qr", "hello", "kiosk") == {"qr": "shown", "bytes": 11}
    assert world.run("qr-sample", "3") == {"qr": "shown", "sample": 3}
    assert world.qr.control.wait_drained(5)
    assert world.seen[0] == b"hello kiosk"
    identity = parse_cccd(world.seen[1])
    assert isinstance(identity, Identity)
    assert identity == sample_citizens(TODAY)[2]
    # the answer never carries the citizen's data
    assert identity.full_name not in repr(world.run("qr-sample", "3"))


def test_sample_payloads_are_stable_and_bounded() -> None:
    assert sample_qr_payload(1, TODAY) == sample_qr_payload(1, TODAY)
    assert sample_qr_payload(1, TODAY) != sample_qr_payload(2, TODAY)
    with pytest.raises(CtlError, match="numbered 1 to 10"):
        sample_qr_payload(11, TODAY)


def test_feed_puts_pages_in_the_scanner_with_and_without_seal(world: World) -> None:
    assert world.run("feed", "2") == {"fed": 2, "seal": False}
    outcome = world.scanner.scan(dpi=50)
    assert outcome.status is DeviceStatus.READY
    assert len(outcome.pages) == 2
    world.run("feed", "1", "seal")
    sealed = world.scanner.scan(dpi=50).pages[0]
    px = numpy.asarray(sealed)
    reds = int(((px[..., 0] > 150) & (px[..., 1] < 90) & (px[..., 2] < 90)).sum())
    assert reds > 100  # the red round seal is on the page


def test_feed_file_reads_images_and_refuses_others(world: World, tmp_path: Path) -> None:
    png = tmp_path / "page.png"
    Image.new("RGB", (120, 170), "white").save(png)
    assert world.run("feed-file", str(png)) == {"fed": 1}
    assert world.scanner.scan().pages[0].size == (120, 170)
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.raises(CtlError, match="not an image"):
        world.run("feed-file", str(tmp_path / "notes.txt"))
    with pytest.raises(CtlError, match="no file"):
        world.run("feed-file", str(tmp_path / "absent.png"))


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("no_paper", DeviceStatus.NO_PAPER),
        ("cover_open", DeviceStatus.COVER_OPEN),
        ("not_answering", DeviceStatus.UNKNOWN),
        ("ok", DeviceStatus.READY),
    ],
)
def test_printer_states(world: World, state: str, status: DeviceStatus) -> None:
    world.run("printer", "cover_open" if state == "ok" else "ok")
    assert world.run("printer", state) == {"printer": state}
    assert world.printer.health().status is status


def test_printer_paper_out_after_rows(world: World) -> None:
    world.run("printer", "paper_out_after", "10")
    result = world.printer.print_image(Image.new("1", (576, 50), 1))
    assert result.status is DeviceStatus.NO_PAPER


@pytest.mark.parametrize(
    ("state", "status"),
    [("jammed", DeviceStatus.JAMMED), ("feeder_empty", DeviceStatus.FEEDER_EMPTY),
     ("cover_open", DeviceStatus.COVER_OPEN)],
)
def test_scanner_states_and_ok_clears_them(world: World, state: str, status: DeviceStatus) -> None:
    world.run("scanner", state)
    assert world.scanner.health().status is status
    assert world.scanner.scan().status is status
    world.run("scanner", "ok")
    assert world.scanner.health().status is DeviceStatus.READY


def test_scanner_jam_after(world: World) -> None:
    world.run("feed", "3")
    world.run("scanner", "jam_after", "1")
    outcome = world.scanner.scan(dpi=50)
    assert outcome.status is DeviceStatus.JAMMED
    assert len(outcome.pages) == 1


def test_camera_unplug_and_plug(world: World) -> None:
    world.run("camera", "unplug")
    assert world.qr.health().status is DeviceStatus.DISCONNECTED
    world.run("camera", "plug")
    assert world.qr.health().status is DeviceStatus.READY


def test_link_gateway_and_clock_reach_their_callables(world: World) -> None:
    assert world.run("link", "slow") == {"link": "slow"}
    assert world.run("gateway-status", "K01-000001-7", "ready_for_pickup", "Mời", "ông/bà", "đến") == {
        "application": "K01-000001-7",
        "gateway_state": "ready_for_pickup",
    }
    assert world.run("clock", "+2h") == {"moved_s": 7200.0, "total_shift_s": 7200.0}
    assert world.rec.calls == [
        ("link", "slow"),
        ("gateway", "0b4a8f00-0000-4000-8000-000000000001", "ready_for_pickup", "Mời ông/bà đến"),
        ("clock", 7200.0),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("qr",), "give the text"),
        (("qr-sample", "zero"), "whole number from 1 to 10"),
        (("qr-sample",), "one sample number"),
        (("feed", "0"), "from 1 to 50"),
        (("feed", "2", "stamp"), "optionally 'seal'"),
        (("printer", "on_fire"), "'on_fire' is not one of ok, no_paper, cover_open, not_answering"),
        (("printer",), "give one of ok"),
        (("scanner", "wet"), "is not one of ok, jammed, feeder_empty, cover_open"),
        (("camera", "smash"), "is not one of unplug, plug"),
        (("link", "sideways"), "is not one of up, down, slow"),
        (("gateway-status", "K01-000001-7"), "give CODE STATE"),
        (("gateway-status", "K01-000001-7", "received"), "is not one of processing"),
        (("gateway-status", "K01-999999-9", "processing"), "no application K01-999999-9"),
        (("gateway-status", "K01-000002-5", "processing"), "refused: the application is not committed"),
        (("clock", "-5"), "not a time to move on by"),
        (("clock", "tomorrow"), r"e\.g\. \+3600"),
        (("teleport",), "unknown command 'teleport'; known here: camera, clock"),
    ],
)
def test_bad_input_is_refused_with_a_helpful_message(
    world: World, argv: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CtlError, match=message):
        world.run(*argv)


def test_missing_parts_are_explained() -> None:
    bare = SimCommands(SimTargets())
    for argv in (("link", "up"), ("qr", "x"), ("clock", "+1"), ("printer", "ok")):
        with pytest.raises(CtlError, match="is not simulated in this kiosk"):
            bare.run(*argv)


def test_parse_seconds() -> None:
    assert parse_seconds("+3600") == 3600
    assert parse_seconds("90") == 90
    assert parse_seconds("+15m") == 900
    assert parse_seconds("+1d") == 86400


def test_help_lists_every_command(world: World) -> None:
    text = world.run("help")
    assert isinstance(text, dict)
    for name in world.commands.names():
        assert name in HELP


def test_over_a_real_socket(world: World, tmp_path: Path) -> None:
    server = ControlServer(tmp_path / "ctl.sock", world.commands)
    server.start()
    try:
        assert call(server.path, "printer", ["no_paper"], timeout_s=10) == {"printer": "no_paper"}
        assert world.printer.health().status is DeviceStatus.NO_PAPER
        with pytest.raises(CtlError, match="'jammed' is not one of ok, no_paper"):
            call(server.path, "printer", ["jammed"], timeout_s=10)
    finally:
        server.close()
