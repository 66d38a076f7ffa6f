"""Where a simulated kiosk's control socket lives."""

from pathlib import Path

from kiosk.config import KioskConfig


def socket_path(config: KioskConfig) -> Path:
    return config.data_dir / "run" / "ctl.sock"
