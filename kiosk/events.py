"""Typed event ids for the structured log: stable names a province's log tooling can match on."""

from enum import StrEnum


class Event(StrEnum):
    KIOSK_STARTED = "kiosk.started"
    KIOSK_READY = "kiosk.ready"
    CONFIG_REJECTED = "config.rejected"
    SESSION_STARTED = "session.started"
    SESSION_STEP = "session.step"
    SESSION_TIMED_OUT = "session.timed_out"
    SESSION_FINISHED = "session.finished"
    QR_REJECTED = "identity.qr_rejected"
    IDENTITY_ACCEPTED = "identity.accepted"
    APPLICATION_SEALED = "application.sealed"
    SLIP_PRINTED = "slip.printed"
    SLIP_PRINT_FAILED = "slip.print_failed"
    OFFICER_CALLED = "citizen.officer_called"
    DEVICE_STATUS = "device.status"
    QUEUE_TICKET = "queue.ticket"
    RATING = "rating.recorded"
    STORE_UNAVAILABLE = "store.unavailable"
    CLOCK_UNTRUSTED = "clock.untrusted"  # a seal refused: the clock is implausible (staff called)
    TECHNICIAN_ACTION = "technician.action"
    STAFF_ACTION = "staff.action"
