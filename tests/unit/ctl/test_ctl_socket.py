"""`kiosk ctl` over a real Unix socket: requests, results and refusals."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ctl.client import call
from kiosk.ctl.protocol import CtlError, Request
from kiosk.ctl.server import ControlServer


def _dispatch(request: Request) -> object:
    if request.cmd == "echo":
        return {"argv": list(request.argv)}
    if request.cmd == "boom":
        raise RuntimeError("kaput")
    raise CtlError(f"unknown command {request.cmd!r}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ControlServer]:
    srv = ControlServer(tmp_path / "ctl.sock", _dispatch)
    srv.start()
    yield srv
    srv.close()


def test_round_trip_with_vietnamese_text(server: ControlServer) -> None:
    assert call(server.path, "echo", ["Huỳnh Thị Ánh"], timeout_s=10) == {"argv": ["Huỳnh Thị Ánh"]}
    assert server.path.stat().st_mode & 0o777 == 0o600


@pytest.mark.log_warnings_expected
def test_refusal_and_internal_error_are_messages(server: ControlServer) -> None:
    with pytest.raises(CtlError, match="unknown command 'nope'"):
        call(server.path, "nope", [], timeout_s=10)
    with pytest.raises(CtlError, match="internal error: RuntimeError: kaput"):
        call(server.path, "boom", [], timeout_s=10)


def test_no_kiosk_listening_is_explained(tmp_path: Path) -> None:
    with pytest.raises(CtlError, match="no simulated kiosk is listening"):
        call(tmp_path / "absent.sock", "echo", [], timeout_s=5)
