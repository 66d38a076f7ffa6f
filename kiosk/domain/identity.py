"""The person in front of the kiosk, as read from the CCCD QR (or the gateway's VNeID check)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Gender(StrEnum):
    """The values printed on the card and in its QR."""

    MALE = "Nam"
    FEMALE = "Nữ"


@dataclass(frozen=True)
class Identity:
    """Who applies. Immutable so that a parsed card cannot be altered on its way to the seal."""

    citizen_id: str
    old_id: str
    full_name: str
    date_of_birth: date
    gender: Gender
    address: str
    issue_date: date | None = None

    def masked_name(self) -> str:
        """Family name and initials, e.g. "Nguyễn V. A.".

        Shown on slips and status screens that someone else may see: enough for the citizen to
        recognise their own application, too little to identify them (the family name alone is
        shared by millions: Nguyễn, Trần, Lê...).
        """
        parts = self.full_name.split()
        if not parts:
            return ""
        family, *rest = parts
        return " ".join([family, *(f"{p[0]}." for p in rest)])

    def masked_id(self) -> str:
        """The ID with all but its last three digits hidden, for staff screens."""
        return "*" * max(0, len(self.citizen_id) - 3) + self.citizen_id[-3:]
