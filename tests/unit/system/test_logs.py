"""Logs are JSON lines with typed events, and personal data cannot get into them."""

import io
import json
import logging

import pytest

from kiosk.events import Event
from kiosk.logs import configure, log_event


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_events_are_json_lines_with_ids() -> None:
    stream = io.StringIO()
    configure(stream)
    log_event(Event.APPLICATION_SEALED, application_code="K01-000001-5", kiosk_seq=1)
    (line,) = _lines(stream)
    assert line["event"] == "application.sealed"
    assert line["kiosk_seq"] == 1
    assert line["level"] == "info"


@pytest.mark.log_warnings_expected
def test_personal_fields_and_id_numbers_are_scrubbed() -> None:
    stream = io.StringIO()
    configure(stream)
    log_event(Event.IDENTITY_ACCEPTED, full_name="Huỳnh Thị Ánh", citizen_id="079165001234")
    logging.getLogger("devices.qr").warning("read payload 079165001234|Huỳnh")
    text = stream.getvalue()
    assert "Huỳnh Thị Ánh" not in text
    assert "079165001234" not in text
    lines = _lines(stream)
    assert lines[0]["full_name"] == "[removed]"
    assert lines[1]["event"] == "read payload [number]|[text]"
