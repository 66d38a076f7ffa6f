"""Logs off the kiosk: systemd-journal-upload to the province's collector.

A kiosk behind carrier NAT cannot be reached to read its journal, so it pushes it:
`systemd-journal-upload` (Debian's `systemd-journal-remote` package) sends the journal to the
province's `systemd-journal-remote` over HTTPS with a client certificate, resuming from its saved
cursor after a link cut. What the kiosk writes there is its JSON lines, scrubbed by
`kiosk.logs` (no person; tested end to end in tests/updates/test_journal_upload.py).

`kiosk system journal-upload [--url URL]` writes the drop-in below; by default the collector is
the gateway's host on systemd-journal-remote's port (the URL provisioned in kiosk.toml).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from kiosk.config import url_allowed
from kiosk.system_files import write_if_changed

DROP_IN = Path("/etc/systemd/journal-upload.conf.d/dvc-kiosk.conf")
CERT_DIR = Path("/etc/dvc-kiosk/journal-upload")
PORT = 19532  # systemd-journal-remote's default


def collector_url(gateway_url: str, port: int = PORT) -> str:
    """`https://gw.tinh.example/v1` → `https://gw.tinh.example:19532`."""
    parts = urlsplit(gateway_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        msg = f"gateway url {gateway_url!r} has no scheme and host for the log collector"
        raise ValueError(msg)
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}:{port}"


def check_collector_url(url: str) -> str:
    """``url`` if the drop-in may carry it, else ValueError saying why: as the gateway's URL
    (issue 10 item 5), https anywhere and plain http only to a loopback host (the journal must
    not cross the network in clear, and only https uses the kiosk's client certificate); a host,
    a valid port, no user or password; no space or control character (it is one line of the
    drop-in: a newline would add settings of its own)."""
    if any(c.isspace() or not c.isprintable() for c in url):
        raise ValueError(f"collector URL {url!r} has spaces or control characters")
    if not url_allowed(url):
        raise ValueError(f"collector URL {url!r} refused: give https://HOST[:PORT] "
                         "(plain http only to this kiosk itself, 127.0.0.1 or [::1])")
    return url


def render_upload_conf(url: str, cert_dir: Path = CERT_DIR) -> str:
    """The drop-in for /etc/systemd/journal-upload.conf.d/ (journal-upload.conf(5))."""
    return (
        "# DVC Kiosk: the journal goes to the province's collector (systemd-journal-remote).\n"
        "# Written by `kiosk system journal-upload`; the client key and certificate are the\n"
        "# kiosk's, issued at provisioning (mode 0640, group systemd-journal-upload).\n"
        "[Upload]\n"
        f"URL={url}\n"
        f"ServerKeyFile={cert_dir}/client.key\n"
        f"ServerCertificateFile={cert_dir}/client.pem\n"
        f"TrustedCertificateFile={cert_dir}/ca.pem\n"
        "NetworkTimeoutSec=30s\n"
    )


def write_upload_conf(text: str, path: Path = DROP_IN) -> bool:
    """Write the drop-in when it differs (0644: it holds no secret); True when it changed."""
    return write_if_changed(path, text)
