"""Where things live under the kiosk's data folder (one place, so every process agrees)."""

from pathlib import Path

from kiosk.config import KioskConfig


def store_path(config: KioskConfig) -> Path:
    """The SQLite store; encrypted documents live beside it in `docs/`."""
    return config.data_dir / "kiosk.sqlite3"


def gateway_dir(config: KioskConfig) -> Path:
    """The embedded reference gateway's own data (its keys and its own store)."""
    return config.data_dir / "gateway"


def printed_dir(config: KioskConfig) -> Path:
    """What the simulated printer printed (PNG and ESC/POS bytes)."""
    return config.data_dir / "printed"


def metrics_dir(config: KioskConfig) -> Path:
    """Where dvc_kiosk.prom goes: [metrics] textfile_dir (the appliance: node_exporter's textfile
    folder), else <data_dir>/metrics (development and `kiosk demo`)."""
    textfile_dir = config.metrics.textfile_dir
    return textfile_dir.resolve() if textfile_dir is not None else config.data_dir / "metrics"


def pins_path(config: KioskConfig) -> Path:
    return config.data_dir / "keys" / "pins.json"


def ctl_socket(config: KioskConfig) -> Path:
    return config.data_dir / "run" / "ctl.sock"
