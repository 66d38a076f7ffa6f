"""The kiosk's one configuration file (TOML), validated before anything starts.

pydantic does the validation because it names the exact key and problem for every error and
forbids unknown keys, so a typo in a device section is refused instead of silently ignored.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

ENV_VAR = "KIOSK_CONFIG"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file, the key and the problem."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KioskSection(_Section):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{3,32}$")] = "KIOSK-DEMO-01"
    code_prefix: Annotated[str, Field(pattern=r"^[A-Z][0-9A-Z]{1,4}$")] = "K01"
    commune_name: Annotated[str, Field(min_length=1)] = "Xã Tân Phú"
    commune_code: Annotated[str, Field(pattern=r"^[0-9]{5}$")] = "26734"
    authority: Annotated[str, Field(min_length=1)] = "UBND xã Tân Phú"
    # printed on the receiving slip and said on the done screen
    collect_at: str = ""  # where results are collected; empty: the one-stop desk of the authority
    office_hours: Annotated[str, Field(min_length=1)] = (
        "sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu"
    )
    hotline: str = ""  # the office's hotline; the slip omits the line when empty


class PathsSection(_Section):
    data_dir: Path = Path("var/kiosk")


class StoreSection(_Section):
    # Acknowledged applications' documents and sealed payload are purged this many days after the
    # gateway's ACK (a tombstone of ids, code, hashes and dates stays).
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 30


class DisplaySection(_Section):
    dpi: Annotated[float, Field(gt=40, le=600)] = 96.0
    width_px: Annotated[int, Field(ge=480, le=7680)] = 1080
    height_px: Annotated[int, Field(ge=480, le=7680)] = 1920
    language: Literal["vi", "en"] = "vi"


class SessionSection(_Section):
    idle_timeout_s: Annotated[int, Field(ge=30, le=900)] = 90
    countdown_s: Annotated[int, Field(ge=60, le=300)] = 60


class CameraSection(_Section):
    backend: Literal["simulated", "opencv"] = "simulated"
    source: str = "0"


class ScannerSection(_Section):
    backend: Literal["simulated", "sane"] = "simulated"
    device: str = ""
    source: Literal["feeder", "flatbed"] = "feeder"
    feeder_source: str = "ADF"
    flatbed_source: str = "Flatbed"
    dpi: Annotated[int, Field(ge=100, le=600)] = 200

    @model_validator(mode="after")
    def _sane_needs_a_device(self) -> ScannerSection:
        if self.backend == "sane" and not self.device:
            msg = "the sane backend needs device = the name `scanimage -L` shows"
            raise ValueError(msg)
        return self


class PrinterSection(_Section):
    backend: Literal["simulated", "usb", "serial", "network", "file"] = "simulated"
    paper_width_mm: Literal[58, 80] = 80
    usb_vendor_id: Annotated[int, Field(ge=0, le=0xFFFF)] = 0x04B8
    usb_product_id: Annotated[int, Field(ge=0, le=0xFFFF)] = 0x0202
    serial_port: str = "/dev/ttyUSB0"
    baudrate: Annotated[int, Field(ge=1200, le=921600)] = 19200
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 9100
    path: Path = Path("/dev/usb/lp0")

    @property
    def dot_width(self) -> int:
        """Dots across the printable width: 576 for 80 mm paper, 384 for 58 mm."""
        return 576 if self.paper_width_mm == 80 else 384


class DevicesSection(_Section):
    camera: CameraSection = CameraSection()
    scanner: ScannerSection = ScannerSection()
    printer: PrinterSection = PrinterSection()


def _key_problem(text: str) -> str:
    """Why a gateway public key is unusable ('' when it is fine or not set)."""
    if not text:
        return ""
    try:
        raw = base64.b64decode(text.strip().encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return "not valid base64 (standard alphabet, padded)"
    if len(raw) != 32:
        return f"a key is base64 of 32 bytes, this one is {len(raw)} bytes"
    return ""


def _is_loopback(host: str) -> bool:
    """The parsed host exactly: localhost, 127.0.0.0/8 or ::1 (not ``127.evil.example``)."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_allowed(url: str) -> bool:
    """https:// to anywhere; plain http:// only to a loopback host (also the log collector's)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # a malformed port raises here
    except ValueError:
        return False
    if not host or parts.username is not None or parts.password is not None:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and _is_loopback(host)


class GatewaySection(_Section):
    mode: Literal["embedded", "remote"] = "embedded"
    url: str = ""
    embedded_port: Annotated[int, Field(ge=0, le=65535)] = 0
    signing_public_key: str = ""
    encryption_public_key: str = ""

    @field_validator("signing_public_key", "encryption_public_key")
    @classmethod
    def _key_is_32_bytes_of_base64(cls, value: str) -> str:
        problem = _key_problem(value)
        if problem:
            msg = f"{problem}; provision the kiosk again (kiosk provision) to set it"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _remote_needs_url_and_keys(self) -> GatewaySection:
        if self.mode == "remote" and not self.unprovisioned:
            if not url_allowed(self.url):
                msg = "url must be https:// (plain http only on loopback)"
                raise ValueError(msg)
            if not (self.signing_public_key and self.encryption_public_key):
                msg = "a remote gateway needs signing_public_key and encryption_public_key"
                raise ValueError(msg)
        return self

    @property
    def unprovisioned(self) -> bool:
        """Remote, with URL and keys still empty: what `kiosk system install` writes. The file
        loads (so `kiosk provision` can show the kiosk's key) but the kiosk does not start."""
        return self.mode == "remote" and not (
            self.url or self.signing_public_key or self.encryption_public_key)


class VoiceSection(_Section):
    # "auto" and "speechd": speech-dispatcher, from a thread of its own (kiosk.speech.SpeechClient):
    # never delays the start; silent with text while the daemon is absent or wedged (reported),
    # back by itself when it answers again. "mock" is silent (tests, screenshots).
    engine: Literal["auto", "speechd", "mock"] = "auto"


class MetricsSection(_Section):
    # Where the Prometheus textfile dvc_kiosk.prom goes (counts only, never a person). None:
    # <data_dir>/metrics (development, demo). The appliance's kiosk.toml sets node_exporter's
    # textfile folder on Debian, which kiosk.service may write (ReadWritePaths=, tmpfiles ACL).
    textfile_dir: Path | None = None


class KioskConfig(_Section):
    kiosk: KioskSection = KioskSection()
    paths: PathsSection = PathsSection()
    store: StoreSection = StoreSection()
    display: DisplaySection = DisplaySection()
    session: SessionSection = SessionSection()
    voice: VoiceSection = VoiceSection()
    metrics: MetricsSection = MetricsSection()
    devices: DevicesSection = DevicesSection()
    gateway: GatewaySection = GatewaySection()

    @property
    def data_dir(self) -> Path:
        return self.paths.data_dir.resolve()

    def simulated(self) -> KioskConfig:
        """The same kiosk with every device simulated (`kiosk run --simulate`, tests, demo)."""
        printer = self.devices.printer.model_copy(update={"backend": "simulated"})
        devices = DevicesSection(
            camera=self.devices.camera.model_copy(update={"backend": "simulated"}),
            scanner=self.devices.scanner.model_copy(update={"backend": "simulated"}),
            printer=printer,
        )
        return self.model_copy(update={"devices": devices})


EMBEDDED_ONLY_SIMULATED = (
    "the embedded reference gateway runs only on simulated devices (this configuration has {real}): "
    'set [gateway] mode = "remote" with url, signing_public_key and encryption_public_key from '
    "the gateway operator, or start with --simulate"
)
NOT_PROVISIONED = (
    "the kiosk is not provisioned: set [gateway] url, signing_public_key and "
    "encryption_public_key from the gateway operator (`kiosk provision` shows this kiosk's key "
    "to give them)"
)


SIMULATION_TO_REMOTE = (
    "simulated sessions make up citizens and their applications would be sent to the gateway at "
    "{url}, which is not on this machine: use a test configuration (kiosk demo, or a gateway on "
    "127.0.0.1), or, for a province's test gateway, add --allow-remote-gateway"
)


def check_simulation_target(config: KioskConfig, *, allow_remote: bool) -> None:
    """Refuse (ConfigError, one line) made-up applications bound for a gateway elsewhere: on an
    installed kiosk that is the province's gateway, which would take them for citizens'."""
    gateway = config.gateway
    if gateway.mode != "remote" or allow_remote:
        return
    try:
        host = urlsplit(gateway.url).hostname or ""
    except ValueError:
        host = ""
    if not _is_loopback(host):
        raise ConfigError(SIMULATION_TO_REMOTE.format(url=gateway.url or "(none set)"))


def check_can_start(config: KioskConfig) -> None:
    """Refuse (ConfigError, one line) a kiosk that would run on a gateway it must not use.

    The embedded reference gateway keeps the gateway's private keys in the kiosk's own data
    folder (the kiosk could open what it sealed) and its test control reads OTPs: it is for
    simulation and demos only. A kiosk with real devices needs a provisioned remote gateway.
    """
    gateway = config.gateway
    if gateway.mode == "embedded":
        d = config.devices
        real = [f"{name} = {backend}" for name, backend in (
            ("camera", d.camera.backend), ("scanner", d.scanner.backend),
            ("printer", d.printer.backend)) if backend != "simulated"]
        if real:
            raise ConfigError(EMBEDDED_ONLY_SIMULATED.format(real=", ".join(real)))
    elif gateway.unprovisioned:
        raise ConfigError(NOT_PROVISIONED)


def _describe(err: ValidationError, source: str) -> str:
    lines = [f"{source}: the configuration is not valid, the kiosk will not start:"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        problem = "unknown key (typo?)" if e["type"] == "extra_forbidden" else e["msg"]
        problem = problem.removeprefix("Value error, ")
        lines.append(f"  {key}: {problem}")
    return "\n".join(lines)


def parse_config(text: str, *, source: str = "<config>", base_dir: Path | None = None) -> KioskConfig:
    """Parse and validate TOML text; relative data paths are taken from the file's folder."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    except RecursionError as exc:  # arrays or tables nested thousands deep
        raise ConfigError(f"{source}: not valid TOML: nested too deeply; the kiosk will not "
                          "start: fix or replace the file") from exc
    try:
        config = KioskConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from exc
    except RecursionError as exc:
        raise ConfigError(f"{source}: the configuration is nested too deeply; the kiosk will not "
                          "start: fix or replace the file") from exc
    if base_dir is not None and not config.paths.data_dir.is_absolute():
        paths = PathsSection(data_dir=base_dir / config.paths.data_dir)
        config = config.model_copy(update={"paths": paths})
    return config


SYSTEM_CONFIG = Path("/etc/dvc-kiosk/kiosk.toml")
"""The installed appliance's configuration (the Debian package's conffile)."""


def config_path(path: Path | None = None, *, system: Path | None = None) -> Path | None:
    """The file in use: --config, else $KIOSK_CONFIG, else /etc/dvc-kiosk/kiosk.toml when it
    exists, else none (the built-in demo defaults, which only the demo commands accept)."""
    if path is not None:
        return path
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    system = SYSTEM_CONFIG if system is None else system
    try:
        installed = system.is_file()
    except OSError:  # there, but this user may not look: loading it says so in one line
        installed = True
    return system if installed else None


def load_config(path: Path | None = None) -> KioskConfig:
    """Load from --config, else $KIOSK_CONFIG, else /etc/dvc-kiosk/kiosk.toml, else the built-in
    demo defaults (the CLI refuses those for anything but the demo commands)."""
    path = config_path(path)
    if path is None:
        return KioskConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the configuration file is not UTF-8 text") from exc
    return parse_config(text, source=str(path), base_dir=path.resolve().parent)
