"""The technician's configuration form: which keys it edits, and TOML in and out (Qt-free).

The gateway table (mode, URL, keys) is not on the form and cannot be written through it: only
provisioning sets it. The form edits a copy of the file's own tables, so keys it does not show
(session timeouts, paths...) are kept as they are. What it writes goes through
``ConfigKeeper.propose``: validated by the same schema as at start-up, written atomically, the
previous file kept as last good.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.config import KioskConfig

# Set only by provisioning (``kiosk provision`` / ``kiosk system install``), never from the touch
# form: whoever knows the technician PIN must not be able to point the kiosk at another gateway
# (later applications sealed to another key, a fake gateway ACKing the queue away).
PROVISIONED_ONLY: tuple[str, ...] = ("gateway",)


class ProvisionedKeyError(KeyError):
    """The form was asked to change a key that only provisioning sets."""


def provisioned_only(key: str) -> bool:
    return key.split(".", 1)[0] in PROVISIONED_ONLY


@dataclass(frozen=True)
class FormField:
    key: str  # dotted path in the TOML file, e.g. "devices.printer.paper_width_mm"
    label: str  # string id in locales/admin.*.json
    kind: str  # "text" | "int" | "float" | "choice"
    choices: tuple[str, ...] = ()


FIELDS: tuple[FormField, ...] = (
    FormField("kiosk.commune_name", "cfg_commune_name", "text"),
    FormField("kiosk.commune_code", "cfg_commune_code", "text"),
    FormField("kiosk.authority", "cfg_authority", "text"),
    FormField("kiosk.id", "cfg_kiosk_id", "text"),
    FormField("kiosk.code_prefix", "cfg_code_prefix", "text"),
    FormField(
        "devices.printer.backend",
        "cfg_printer_backend",
        "choice",
        ("simulated", "usb", "serial", "network", "file"),
    ),
    FormField("devices.printer.paper_width_mm", "cfg_printer_paper", "choice", ("80", "58")),
    FormField("devices.printer.usb_vendor_id", "cfg_printer_usb_vendor", "int"),
    FormField("devices.printer.usb_product_id", "cfg_printer_usb_product", "int"),
    FormField("devices.printer.serial_port", "cfg_printer_serial_port", "text"),
    FormField("devices.printer.host", "cfg_printer_host", "text"),
    FormField("devices.printer.port", "cfg_printer_port", "int"),
    FormField("devices.scanner.backend", "cfg_scanner_backend", "choice", ("simulated", "sane")),
    FormField("devices.scanner.device", "cfg_scanner_device", "text"),
    FormField("devices.scanner.source", "cfg_scanner_source", "choice", ("feeder", "flatbed")),
    FormField("devices.scanner.dpi", "cfg_scanner_dpi", "int"),
    FormField("devices.camera.backend", "cfg_camera_backend", "choice", ("simulated", "opencv")),
    FormField("devices.camera.source", "cfg_camera_source", "text"),
    FormField("display.dpi", "cfg_display_dpi", "float"),
    FormField("display.width_px", "cfg_display_width", "int"),
    FormField("display.height_px", "cfg_display_height", "int"),
)


def _get(tree: Mapping[str, Any], dotted: str) -> Any:
    node: Any = tree
    for part in dotted.split("."):
        node = node[part]
    return node


def current_values(text: str | None) -> dict[str, str]:
    """The form's fields as text: from the file where set, else the schema's defaults."""
    raw = tomllib.loads(text) if text else {}
    defaults = KioskConfig().model_dump(mode="json")
    values: dict[str, str] = {}
    for f in FIELDS:
        try:
            value = _get(raw, f.key)
        except (KeyError, TypeError):
            value = _get(defaults, f.key)
        if f.key.endswith(("usb_vendor_id", "usb_product_id")) and isinstance(value, int):
            values[f.key] = f"0x{value:04x}"
        else:
            values[f.key] = str(value)
    return values


def _typed(f: FormField, text: str) -> Any:
    """The value to write; text that is not a number is written as text for the schema to refuse."""
    text = text.strip()
    if f.kind == "int" or (f.kind == "choice" and all(c.isdigit() for c in f.choices)):
        if re.fullmatch(r"0[xX][0-9a-fA-F]+", text):
            return int(text, 16)
        if re.fullmatch(r"-?\d+", text):
            return int(text)
    if f.kind == "float" and re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text)
    return text


def merged(text: str | None, values: Mapping[str, str]) -> dict[str, Any]:
    """The file's tables with the form's values put in (other keys untouched)."""
    tree: dict[str, Any] = tomllib.loads(text) if text else {}
    by_key = {f.key: f for f in FIELDS}
    for key, value in values.items():
        if provisioned_only(key):
            raise ProvisionedKeyError(f"{key} is set only by provisioning")
        f = by_key[key]
        node = tree
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = _typed(f, value)
    return tree


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def to_toml(tree: Mapping[str, Any], prefix: str = "") -> str:
    """Tables of scalars (what the kiosk's configuration holds) as TOML text."""
    lines: list[str] = []
    scalars = {k: v for k, v in tree.items() if not isinstance(v, Mapping)}
    tables = {k: v for k, v in tree.items() if isinstance(v, Mapping)}
    if prefix and scalars:
        lines.append(f"[{prefix}]")
    lines += [f"{k} = {_scalar(v)}" for k, v in scalars.items()]
    if lines:
        lines.append("")
    for k, v in tables.items():
        body = to_toml(v, f"{prefix}.{k}" if prefix else k)
        if body:
            lines.append(body)
    return "\n".join(lines).rstrip("\n") + "\n" if lines else ""
