"""The one place that chooses real or simulated devices, from the configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.printer.protocol import ReceiptPrinter
from devices.qr.protocol import QrReader
from devices.scanner.protocol import Scanner
from devices.status import Health
from kiosk.config import KioskConfig, PrinterSection
from kiosk.layout import printed_dir


@dataclass
class DeviceSet:
    """The kiosk's three devices, plus the simulators' control handles when simulated."""

    qr_reader: QrReader
    scanner: Scanner
    printer: ReceiptPrinter
    sim_controls: dict[str, Any] = field(default_factory=dict)

    @property
    def simulated(self) -> bool:
        return bool(self.sim_controls)

    def health(self) -> dict[str, Health]:
        return {
            "camera": self.qr_reader.health(),
            "scanner": self.scanner.health(),
            "printer": self.printer.health(),
        }

    def close(self) -> None:
        self.qr_reader.stop()


def _printer(section: PrinterSection, out_dir: Path) -> tuple[ReceiptPrinter, Any]:
    match section.backend:
        case "simulated":
            from devices.printer.simulated import SimulatedPrinter

            sim = SimulatedPrinter(out_dir=out_dir, dot_width=section.dot_width)
            return sim, sim.control
        case "usb" | "serial" | "network" | "file":
            from devices.printer import connection as conn
            from devices.printer.escpos_printer import EscposPrinter

            connection: conn.PrinterConnection
            if section.backend == "usb":
                connection = conn.UsbConnection(section.usb_vendor_id, section.usb_product_id)
            elif section.backend == "serial":
                connection = conn.SerialConnection(section.serial_port, section.baudrate)
            elif section.backend == "network":
                connection = conn.NetworkConnection(section.host, section.port)
            else:
                connection = conn.FileConnection(section.path)
            return EscposPrinter(connection, dot_width=section.dot_width), None


def build_devices(config: KioskConfig) -> DeviceSet:
    """Build the configured devices; nothing is opened until it is used."""
    controls: dict[str, Any] = {}
    cam = config.devices.camera
    qr_reader: QrReader
    if cam.backend == "simulated":
        from devices.qr.simulated import SimulatedQrReader

        sim_qr = SimulatedQrReader()
        qr_reader, controls["qr"] = sim_qr, sim_qr.control
    else:
        from devices.qr.camera import OpenCvQrReader

        source: int | str = int(cam.source) if cam.source.isdigit() else cam.source
        qr_reader = OpenCvQrReader(source)

    sc = config.devices.scanner
    scanner: Scanner
    if sc.backend == "simulated":
        from devices.scanner.simulated import SimulatedScanner

        sim_scanner = SimulatedScanner()
        scanner, controls["scanner"] = sim_scanner, sim_scanner.control
    else:
        from devices.scanner.sane import SaneScanner, SaneSettings

        scanner = SaneScanner(SaneSettings(device=sc.device, feeder_source=sc.feeder_source,
                                           flatbed_source=sc.flatbed_source))

    printer, printer_control = _printer(config.devices.printer, printed_dir(config))
    if printer_control is not None:
        controls["printer"] = printer_control
    return DeviceSet(qr_reader, scanner, printer, controls)
