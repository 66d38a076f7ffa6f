"""The reference gateway's files are its own whatever the umask it is started with.

`kiosk gateway serve` runs under the kiosk CLI's umask 077, but `python -m sync.gateway` and
gunicorn (`sync.gateway.wsgi`, the province's production server) keep the caller's, usually 022.
Before, the gateway then made its data folder 0755 and gateway.sqlite3 0644: any local account
on the gateway host could copy live OTP codes (otp_codes.code) and the identities VNeID tokens
stand for (vneid_tokens.identity_json, names and citizen IDs in clear), and list and copy every
upload. Now the data folder and everything the gateway creates in it are 0700/0600 (as the
kiosk's own files, issue 10 item 13), and an older gateway's open database is tightened.

A real gateway on 127.0.0.1 (the same start_gateway as both servers), a kiosk's real requests.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.fakes import FakeClock
from tests.sync.gateway_fixtures import push, registered_kiosk, running_gateway, seal_application

IDENTITY = {"citizen_id": "001090001234", "full_name": "Nguyễn Văn An",
            "date_of_birth": "1990-01-01", "gender": "Nam", "address": "Quế Châu"}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what python -m sync.gateway or gunicorn usually inherit
    try:
        yield
    finally:
        os.umask(old)


def _use_gateway(data: Path, seq: int = 1) -> str:
    """Store what the gateway keeps: an application and its documents, an OTP, a VNeID token.
    Returns the OTP code."""
    clock = FakeClock.from_real_time()
    with running_gateway(data, clock) as gateway, registered_kiosk(gateway, clock) as kiosk:
        app = seal_application(gateway.public_keys.encryption_b64, kiosk.kiosk_id, seq)
        assert push(kiosk, app).status == 202
        asked = kiosk.json_call("POST", "/v1/otp", {"application_id": app.id,
                                                    "citizen_id": IDENTITY["citizen_id"]})
        assert asked.status == 202, asked.body
        gateway.control.register_vneid("vneid-token-1", IDENTITY)
        code = gateway.control.otp_code(app.id)
    assert code
    return code


@pytest.mark.usefixtures("open_umask")
def test_everything_the_gateway_creates_is_private(tmp_path: Path) -> None:
    data = tmp_path / "gateway"
    code = _use_gateway(data)

    with closing(sqlite3.connect(f"file:{data / 'gateway.sqlite3'}?mode=ro", uri=True)) as db:
        assert db.execute("SELECT count(*) FROM otp_codes WHERE code = ?", (code,)).fetchone()[0]
        assert db.execute("SELECT count(*) FROM vneid_tokens").fetchone()[0] == 1
    assert list(data.rglob("uploads/*/*")), "the test stored no document"
    assert _mode(data) == 0o700
    for path in data.rglob("*"):
        if path.is_dir():
            assert _mode(path) == 0o700, path
        else:
            assert _mode(path) == 0o600, f"{path.relative_to(data)} is {_mode(path):o}"


@pytest.mark.usefixtures("open_umask")
def test_an_older_gateways_open_database_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "gateway"
    _use_gateway(data)
    (data / "gateway.sqlite3").chmod(0o644)
    _use_gateway(data, seq=2)
    assert _mode(data / "gateway.sqlite3") == 0o600
