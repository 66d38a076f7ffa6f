"""Device layer: QR reader, document scanner, receipt printer. Never imports Qt, kiosk or sync."""
