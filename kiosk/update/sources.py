"""The apt source of the province's repository, derived from the provisioned gateway URL.

Kiosks behind carrier NAT reach only their gateway, so the repository is served by the gateway's
host under `/apt/` (static files: nginx in front of the gateway, or any web server). The source
is written in deb822 form with `Signed-By` naming only the province's key: apt trusts no other
key for this repository, and this key for no other repository.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from kiosk.system_files import write_if_changed
from kiosk.update.apt import KEYRING, SOURCES

REPO_PATH = "/apt/"


def repo_url(gateway_url: str) -> str:
    """`https://gw.example:8443/v1` → `https://gw.example:8443/apt/`."""
    parts = urlsplit(gateway_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        msg = f"gateway url {gateway_url!r} has no scheme and host to find the repository at"
        raise ValueError(msg)
    return f"{parts.scheme}://{parts.netloc}{REPO_PATH}"


def render_sources(url: str, keyring: Path = KEYRING, suite: str = "stable") -> str:
    return ("# Written by `kiosk system update` from the gateway URL in kiosk.toml.\n"
            f"Types: deb\nURIs: {url}\nSuites: {suite}\nComponents: main\nSigned-By: {keyring}\n")


def ensure_sources(text: str, path: Path = SOURCES) -> bool:
    """Write the source when it differs; True when it changed."""
    return write_if_changed(path, text)
