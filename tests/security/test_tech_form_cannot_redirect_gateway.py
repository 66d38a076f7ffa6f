"""Issue 10 item 4: the technician PIN's config form cannot point the kiosk at another gateway.

Gateway mode, URL and keys are set only by provisioning. The form neither shows them nor writes
them, and a saved form keeps the provisioned gateway table exactly as it was.
"""

from __future__ import annotations

import base64
import tomllib

import pytest

from kiosk.config import parse_config
from kiosk.ui.admin.config_form import (
    FIELDS,
    ProvisionedKeyError,
    current_values,
    merged,
    to_toml,
)

SIGN = base64.b64encode(bytes(range(32))).decode("ascii")
ENC = base64.b64encode(bytes(range(32, 64))).decode("ascii")
PROVISIONED = f"""[kiosk]
commune_name = "Xã Tân Phú"

[gateway]
mode = "remote"
url = "https://dvc.tinh.gov.vn/kiosk"
signing_public_key = "{SIGN}"
encryption_public_key = "{ENC}"
"""


def test_the_form_has_no_gateway_field() -> None:
    assert not [f.key for f in FIELDS if f.key.startswith("gateway.")]
    assert not [k for k in current_values(PROVISIONED) if k.startswith("gateway.")]


@pytest.mark.parametrize(("key", "value"), [
    ("gateway.url", "https://attacker.example"),
    ("gateway.mode", "embedded"),
    ("gateway.signing_public_key", base64.b64encode(b"\x01" * 32).decode()),
    ("gateway.encryption_public_key", base64.b64encode(b"\x02" * 32).decode()),
])
def test_a_gateway_value_slipped_into_the_form_is_refused(key: str, value: str) -> None:
    values = current_values(PROVISIONED) | {key: value}
    with pytest.raises(ProvisionedKeyError, match="set only by provisioning"):
        merged(PROVISIONED, values)


def test_saving_the_form_keeps_the_provisioned_gateway_exactly() -> None:
    values = current_values(PROVISIONED) | {"kiosk.commune_name": "Xã Hòa Bình"}
    text = to_toml(merged(PROVISIONED, values))
    assert tomllib.loads(text)["gateway"] == tomllib.loads(PROVISIONED)["gateway"]
    config = parse_config(text)
    assert config.kiosk.commune_name == "Xã Hòa Bình"
    assert (config.gateway.mode, config.gateway.url) == ("remote", "https://dvc.tinh.gov.vn/kiosk")
    assert config.gateway.signing_public_key == SIGN
