"""Canonical JSON against hand-written JCS bytes (no json module on the expected side)."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.protocol.canonical import (
    MAX_SAFE_INTEGER,
    CanonicalJsonError,
    canonical_json,
    manifest_sha256,
    sha256_hex,
)


def test_sorted_keys_no_spaces_and_vietnamese_as_raw_utf8() -> None:
    obj = {"b": 1, "a": "Nguy\u1ec5n V\u0103n A", "c": [True, None, False]}
    expected = b'{"a":"Nguy\xe1\xbb\x85n V\xc4\x83n A","b":1,"c":[true,null,false]}'
    assert canonical_json(obj) == expected


def test_nested_objects_are_sorted_by_ascii_order() -> None:
    obj = {"b": {"z": 1, "a": -2}, "a": [], "_": {}, "B": 0}
    assert canonical_json(obj) == b'{"B":0,"_":{},"a":[],"b":{"a":-2,"z":1}}'


def test_escapes_only_what_jcs_escapes() -> None:
    text = 'q"b\\n\nt\tc\x01d\x7fl\u2028x\u00e0'
    expected = b'"q\\"b\\\\n\\nt\\tc\\u0001d\x7fl\xe2\x80\xa8x\xc3\xa0"'
    assert canonical_json(text) == expected


def test_vietnamese_address_known_hash() -> None:
    obj = {"address": "X\u00e3 \u0110\u00f4ng H\u01b0ng, t\u1ec9nh Th\u00e1i B\u00ecnh", "n": 7}
    raw = (
        b'{"address":"X\xc3\xa3 \xc4\x90\xc3\xb4ng H\xc6\xb0ng, t\xe1\xbb\x89nh '
        b'Th\xc3\xa1i B\xc3\xacnh","n":7}'
    )
    assert canonical_json(obj) == raw
    assert sha256_hex(canonical_json(obj)) == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize(
    "bad",
    [
        1.5,
        float("nan"),
        {"k": 0.0},
        "Nguye\u0302\u0303n",  # decomposed: not NFC
        {"kh\u00f3a": 1},  # non-ASCII key
        {1: "x"},
        MAX_SAFE_INTEGER + 1,
        -(MAX_SAFE_INTEGER + 1),
        "\ud800",
        b"bytes",
        {"s": {1, 2}},
    ],
)
def test_refuses_values_outside_the_subset(bad: object) -> None:
    with pytest.raises(CanonicalJsonError):
        canonical_json(bad)


def test_largest_safe_integer_is_kept() -> None:
    assert canonical_json([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER]) == (
        b"[9007199254740991,-9007199254740991]"
    )


def test_manifest_hash_drops_its_own_field() -> None:
    body = {"application_id": "x", "kiosk_seq": 3}
    expected = hashlib.sha256(b'{"application_id":"x","kiosk_seq":3}').hexdigest()
    assert manifest_sha256(body) == expected
    assert manifest_sha256({**body, "manifest_sha256": "whatever"}) == expected


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.text().map(lambda s: unicodedata.normalize("NFC", s)),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(alphabet=st.characters(max_codepoint=127), max_size=5), children,
                      max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_round_trips_and_is_a_fixed_point(value: object) -> None:
    first = canonical_json(value)
    parsed = json.loads(first.decode("utf-8"))
    assert parsed == value
    assert canonical_json(parsed) == first
    assert b"\\u00" not in first or any(
        isinstance(s, str) and any(ord(c) < 0x20 for c in s) for s in _strings(value)
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    return []
