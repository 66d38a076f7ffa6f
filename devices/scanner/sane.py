"""A real document scanner driven through SANE's ``scanimage`` command.

``scanimage`` rather than python-sane: a backend that crashes or hangs (it happens with USB
scanners) takes down a child process we can time out and kill, not the kiosk. The feeder is read
in ``--batch`` mode into a private temporary directory; ``scanimage`` only renames a page into
place once it is complete, so the files present after a jam are exactly the good pages.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from PIL import Image

from devices.scanner.protocol import ScanOutcome, ScanSource
from devices.scanner.sane_errors import last_error_line, status_from_scanimage
from devices.status import DeviceStatus, Health

FileFormat = Literal["pnm", "tiff"]
_SUFFIX: dict[FileFormat, str] = {"pnm": "pnm", "tiff": "tif"}


@dataclass(frozen=True)
class SaneSettings:
    """How to reach one scanner; source names are backend-specific, hence configurable.

    ``env`` is added to the environment of ``scanimage`` (e.g. ``SANE_CONFIG_DIR``); ``page_mm``
    sets the scan area (``-x``/``-y``) when the backend does not default to the whole page. An
    empty source or mode is not passed at all (a flatbed-only scanner has no ``--source``).
    """

    device: str
    scanimage: str = "scanimage"
    feeder_source: str = "ADF"
    flatbed_source: str = "Flatbed"
    mode: str = "Color"
    file_format: FileFormat = "pnm"
    page_mm: tuple[float, float] | None = None
    extra_args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    health_timeout_s: float = 15.0


class SaneScanner:
    """The Scanner protocol over ``scanimage``; every call is bounded by a timeout."""

    def __init__(self, settings: SaneSettings) -> None:
        self._settings = settings

    def scan(self, *, source: ScanSource = "feeder", dpi: int = 200, timeout_s: float = 120.0) -> ScanOutcome:
        """Scan a batch (feeder) or one page (flatbed); pages read before a fault are kept."""
        s = self._settings
        with tempfile.TemporaryDirectory(prefix="dvc-scan-") as tmp:
            args = self._scan_args(source, dpi, Path(tmp))
            try:
                done = self._run(args, timeout_s)
            except subprocess.TimeoutExpired as exc:
                pages = _collect_pages(Path(tmp), s.file_format)
                stderr = _text(exc.stderr)
                reported, said = status_from_scanimage(1, stderr)
                if reported not in {DeviceStatus.READY, DeviceStatus.ERROR}:
                    # The scanner reported its fault, then scanimage failed to exit: trust the report.
                    return ScanOutcome(reported, pages, dpi, said)
                detail = f"scanimage gave no answer in {timeout_s:g} s"
                last = last_error_line(stderr)
                return ScanOutcome(DeviceStatus.ERROR, pages, dpi, f"{detail} ({last})" if last else detail)
            except OSError as exc:
                return ScanOutcome(DeviceStatus.ERROR, (), dpi, f"cannot run scanimage: {exc}")
            pages = _collect_pages(Path(tmp), s.file_format)
        status, detail = status_from_scanimage(done.returncode, done.stderr)
        if status is DeviceStatus.FEEDER_EMPTY and pages:
            # The feeder ran out after the last sheet: that is how a batch ends.
            return ScanOutcome(DeviceStatus.READY, pages, dpi, f"{len(pages)} pages")
        if status is DeviceStatus.READY and not pages:
            return ScanOutcome(DeviceStatus.ERROR, (), dpi, detail or "scanimage gave no page")
        return ScanOutcome(status, pages, dpi, detail)

    def health(self) -> Health:
        """Open the device and list its options: a cheap check that it answers."""
        s = self._settings
        try:
            done = self._run([s.scanimage, "-d", s.device, "-A"], s.health_timeout_s)
        except subprocess.TimeoutExpired:
            detail = f"{s.device}: no answer in {s.health_timeout_s:g} s"
            return Health(DeviceStatus.UNKNOWN, detail)
        except OSError as exc:
            return Health(DeviceStatus.ERROR, f"cannot run scanimage: {exc}")
        status, detail = status_from_scanimage(done.returncode, done.stderr)
        if status is DeviceStatus.READY:
            return Health(DeviceStatus.READY, f"{s.device} answers")
        return Health(status, detail)

    def _scan_args(self, source: ScanSource, dpi: int, out_dir: Path) -> list[str]:
        s = self._settings
        suffix = _SUFFIX[s.file_format]
        args = [
            s.scanimage,
            "-d", s.device,
            "--resolution", str(dpi),
            f"--format={s.file_format}",
            f"--batch={out_dir / f'page%04d.{suffix}'}",
        ]  # fmt: skip
        # Options a backend lacks make scanimage refuse to run: an empty name leaves them out.
        source_name = s.feeder_source if source == "feeder" else s.flatbed_source
        if source_name:
            args += ["--source", source_name]
        if s.mode:
            args += ["--mode", s.mode]
        if source == "flatbed":
            args.append("--batch-count=1")
        if s.page_mm is not None:
            args += ["-x", f"{s.page_mm[0]:g}", "-y", f"{s.page_mm[1]:g}"]
        args += list(s.extra_args)
        return args

    def _run(self, args: list[str], timeout_s: float) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **self._settings.env}
        return subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            env=env,
            check=False,
        )


def _collect_pages(out_dir: Path, file_format: FileFormat) -> tuple[Image.Image, ...]:
    """Complete pages in feed order, as RGB images loaded into memory."""
    pages: list[Image.Image] = []
    for path in sorted(out_dir.glob(f"page*.{_SUFFIX[file_format]}")):
        with Image.open(path) as img:
            pages.append(img.convert("RGB"))
    return tuple(pages)


def _text(output: bytes | str | None) -> str:
    """What a timed-out child had written (bytes, whatever ``text=True`` says)."""
    if isinstance(output, bytes):
        return output.decode("utf-8", "replace")
    return output or ""
