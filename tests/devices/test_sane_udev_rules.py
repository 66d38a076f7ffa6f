"""The udev rules (cameras, printers and SANE scanners) parse: known keys, operators that fit
them, quoted values, and the GOTO label exists. (udevadm 252 has no ``verify`` verb, so the
grammar is checked here.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "systemd" / "udev" / "70-dvc-kiosk.rules"

# From udev(7): keys that only match, keys that only assign, keys that do both.
MATCH_ONLY = {
    "ACTION",
    "DEVPATH",
    "KERNEL",
    "KERNELS",
    "SUBSYSTEM",
    "SUBSYSTEMS",
    "DRIVER",
    "DRIVERS",
    "TAGS",
    "TEST",
    "PROGRAM",
    "RESULT",
    "CONST",
    "SYSCTL",
}
ASSIGN_ONLY = {
    "OWNER",
    "GROUP",
    "MODE",
    "SECLABEL",
    "RUN",
    "LABEL",
    "GOTO",
    "IMPORT",
    "OPTIONS",
    "WAIT_FOR",
    "SYMLINK_PRIORITY",
}
BOTH = {"NAME", "SYMLINK", "ENV", "TAG", "ATTR", "ATTRS", "SYSCTL"}
NEEDS_ARGUMENT = {"ENV", "ATTR", "ATTRS", "SYSCTL", "CONST", "SECLABEL", "IMPORT"}
OPTIONAL_ARGUMENT = {"TEST", "RUN"}
MATCH_OPS = {"==", "!="}
ASSIGN_OPS = {"=", "+=", "-=", ":="}

_PAIR = re.compile(r'\s*([A-Z_]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(?:,|$)')


def _rules() -> list[tuple[int, str]]:
    lines = RULES.read_text(encoding="utf-8").splitlines()
    return [(n, ln) for n, ln in enumerate(lines, 1) if ln.strip() and not ln.startswith("#")]


def _pairs(line: str) -> list[tuple[str, str | None, str, str]]:
    pairs, pos = [], 0
    while pos < len(line):
        m = _PAIR.match(line, pos)
        assert m is not None, f"cannot parse from column {pos}: {line[pos:]!r}"
        key, arg, op, value = m.groups()
        pairs.append((key, arg, op, value))
        pos = m.end()
    return pairs


def test_the_file_has_rules_and_ends_with_a_newline() -> None:
    text = RULES.read_text(encoding="utf-8")
    assert text.endswith("\n")
    assert len(_rules()) >= 8


@pytest.mark.parametrize(("number", "line"), _rules())
def test_every_rule_uses_known_keys_and_fitting_operators(number: int, line: str) -> None:
    pairs = _pairs(line)
    assert pairs, f"line {number} is empty"
    for key, arg, op, _value in pairs:
        assert key in MATCH_ONLY | ASSIGN_ONLY | BOTH, f"line {number}: unknown key {key}"
        if key in NEEDS_ARGUMENT:
            assert arg, f"line {number}: {key} needs {{name}}"
        elif key not in OPTIONAL_ARGUMENT:
            assert arg is None, f"line {number}: {key} takes no {{argument}}"
        if key in MATCH_ONLY:
            assert op in MATCH_OPS, f"line {number}: {key} only matches"
        if key in ASSIGN_ONLY:
            assert op in ASSIGN_OPS, f"line {number}: {key} only assigns"
        if key == "MODE":
            assert re.fullmatch(r"0[0-7]{3}", _value), f"line {number}: MODE {_value}"
        if key in {"ATTR", "ATTRS"} and arg in {"idVendor", "idProduct"}:
            assert re.fullmatch(r"[0-9a-f]{4}", _value), f"line {number}: lower-case hex id"
    # A rule must match something before it assigns, or it applies to every device.
    if not any(k in {"LABEL", "GOTO"} for k, *_ in pairs):
        assert any(op in MATCH_OPS for _, _, op, _ in pairs), f"line {number}: matches nothing"


def test_gotos_land_on_labels_and_access_goes_to_the_kiosk_group() -> None:
    pairs = [p for _, line in _rules() for p in _pairs(line)]
    labels = {v for k, _, _, v in pairs if k == "LABEL"}
    assert {v for k, _, _, v in pairs if k == "GOTO"} <= labels
    assert {v for k, _, _, v in pairs if k == "GROUP"} == {"kiosk"}
    assert {v for k, _, _, v in pairs if k == "MODE"} == {"0660"}
    subsystems = {v for k, _, _, v in pairs if k == "SUBSYSTEM"}
    assert {"video4linux", "usb", "usbmisc", "tty"} <= subsystems
    assert ("ENV", "libsane_matched", "==", "yes") in pairs
    assert ("ATTR", "idVendor", "==", "04b8") in pairs
