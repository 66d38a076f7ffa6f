"""Receipt printers (ESC/POS and simulated) behind one protocol."""

from devices.printer.protocol import PrintOutcome, PrintResult, ReceiptPrinter

__all__ = ["PrintOutcome", "PrintResult", "ReceiptPrinter"]
