"""An application's status in plain words, from the kiosk's row and what the gateway reported."""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.store.applications import SealedRecord


def describe_status(record: SealedRecord, table: Mapping[str, str]) -> str:
    """One short paragraph: code, masked name, where it is, the appointment, an officer's note.

    The gateway's state (once it reported one) says more than the kiosk's pipeline state.
    """
    gateway_key = f"gateway_{record.gateway_state}" if record.gateway_state else ""
    if gateway_key in table:
        state = table[gateway_key]
    else:
        state = table.get(f"state_{record.state.value}", table["state_other"])
    if record.gateway_note_vi:
        state += " " + table["lookup_gateway_note"].replace("%1", record.gateway_note_vi)
    head = (
        table["lookup_state"]
        .replace("%1", record.application_code)
        .replace("%2", record.masked_name)
        .replace("%3", state)
    )
    due = table["lookup_appointment"].replace("%1", record.appointment_date.strftime("%d/%m/%Y"))
    return f"{head} {due}"
