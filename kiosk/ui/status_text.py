"""An application's status in plain words, from the kiosk's row and what the gateway reported."""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.ui.services import SealedApplication


def state_words(state: str, gateway_state: str | None, table: Mapping[str, str]) -> str:
    """Where the application is: the gateway's state once reported, else the kiosk's."""
    gateway_key = f"gateway_{gateway_state}" if gateway_state else ""
    if gateway_key in table:
        return table[gateway_key]
    return table.get(f"state_{state!s}", table["state_other"])  # a StrEnum is its value


def describe_state_only(code: str, state: str, gateway_state: str | None,
                        table: Mapping[str, str]) -> str:
    """A typed code: the state only (nothing about the person), and how to see more."""
    return (table["lookup_state_only"].replace("%1", code)
            .replace("%2", state_words(state, gateway_state, table)))


def describe_status(record: SealedApplication, table: Mapping[str, str]) -> str:
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
    if not record.masked_name:  # purged after retention: the tombstone keeps no name
        head = head.replace(" ()", "")
    due = table["lookup_appointment"].replace("%1", record.appointment_date.strftime("%d/%m/%Y"))
    return f"{head} {due}"
