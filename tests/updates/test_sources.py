"""The apt source follows the provisioned gateway: same host, `/apt/`, only the province's key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.update.sources import ensure_sources, render_sources, repo_url


@pytest.mark.parametrize(("gateway", "repo"), [
    ("https://gw.tinh.example/v1", "https://gw.tinh.example/apt/"),
    ("https://gw.tinh.example:8443/api/v1/", "https://gw.tinh.example:8443/apt/"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/apt/"),
])
def test_repo_url_on_the_gateway_host(gateway: str, repo: str) -> None:
    assert repo_url(gateway) == repo


@pytest.mark.parametrize("bad", ["", "gw.tinh.example", "file:///etc/passwd", "ftp://x/"])
def test_repo_url_refuses_what_is_no_web_address(bad: str) -> None:
    with pytest.raises(ValueError, match="no scheme and host"):
        repo_url(bad)


def test_sources_written_once_and_readable_by_apt(tmp_path: Path) -> None:
    path = tmp_path / "etc/apt/sources.list.d/dvc-kiosk.sources"
    text = render_sources("https://gw.tinh.example/apt/", Path("/usr/share/keyrings/k.gpg"))
    assert "Signed-By: /usr/share/keyrings/k.gpg\n" in text
    assert ensure_sources(text, path)
    assert not ensure_sources(text, path)
    assert path.stat().st_mode & 0o777 == 0o644  # apt's sandbox user reads it
    assert path.read_text() == text
