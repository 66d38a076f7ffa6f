"""An application's status in plain words, from the kiosk's row and what the gateway reported."""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.store.applications import SealedRecord
from kiosk.store.schema import ApplicationState


def state_words(state: ApplicationState, gateway_state: str | None, table: Mapping[str, str]) -> str:
    """Where the application is: the gateway's state once reported, else the kiosk's."""
    gateway_key = f"gateway_{gateway_state}" if gateway_state else ""
    if gateway_key in table:
        return table[gateway_key]
    return table.get(f"state_{state.value}", table["state_other"])


def describe_state_only(code: str, state: ApplicationState, gateway_state: str | None,
                        table: Mapping[str, str]) -> str:
    """A typed code: the state only (nothing about the person), and how to see more."""
    return (table["lookup_state_only"].replace("%1", code)
            .replace("%2", state_words(state, gateway_state, table)))


def describe_status(record: SealedRecord, table: Mapping[str, str]) -> str:
    """One short paragraph: code, masked name, where it is, the appointment, an officer's note.

    The gateway's state (once it reported one) says more than the kiosk's pipeline state.
    """
    state = state_words(record.state, record.gateway_state, table)
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
