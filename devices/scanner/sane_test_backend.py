"""SANE's ``test`` backend in a private configuration directory.

SANE reads ``dll.conf`` from ``SANE_CONFIG_DIR``; pointing it at a directory that enables only
the ``test`` backend gives a real SANE device without hardware and without touching
``/etc/sane.d``. Tests use it, and a technician can use it to check that ``scanimage`` itself
works on a kiosk before blaming the scanner.
"""

from __future__ import annotations

from pathlib import Path

from devices.scanner.sane import SaneSettings

TEST_DEVICE = "test:0"
# The test backend names its sources this way; its feeder is "empty" after 10 pages.
TEST_FEEDER_SOURCE = "Automatic Document Feeder"
TEST_FLATBED_SOURCE = "Flatbed"


def write_test_backend_config(config_dir: Path) -> Path:
    """Write ``dll.conf`` and ``test.conf`` enabling only the test backend; return the dir."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "dll.conf").write_text("test\n", encoding="ascii")
    (config_dir / "test.conf").write_text("number_of_devices 1\n", encoding="ascii")
    return config_dir


def settings_for_test_backend(
    config_dir: Path,
    *,
    test_picture: str = "Grid",
    extra_args: tuple[str, ...] = (),
    scanimage: str = "scanimage",
    fault: str | None = None,
) -> SaneSettings:
    """Settings for ``test:0`` through a private config dir (written if missing).

    ``fault`` is a SANE status name (``"SANE_STATUS_JAMMED"``...) the backend returns from every
    ``sane_read``. The scan area then shrinks to 10 x 10 mm: the backend's reader thread must
    finish writing into its pipe before the read fails, or its late write raises SIGPIPE in
    scanimage, whose handler can hang in ``sane_cancel`` or exit 0.
    """
    write_test_backend_config(config_dir)
    if fault is not None:
        extra_args = (*extra_args, "--read-return-value", fault)
    return SaneSettings(
        device=TEST_DEVICE,
        scanimage=scanimage,
        feeder_source=TEST_FEEDER_SOURCE,
        flatbed_source=TEST_FLATBED_SOURCE,
        mode="Color",
        page_mm=(80, 100) if fault is None else (10, 10),
        extra_args=("--test-picture", test_picture, *extra_args),
        env={"SANE_CONFIG_DIR": str(config_dir)},
    )
