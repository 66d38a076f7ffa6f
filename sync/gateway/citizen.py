"""Citizen-facing services the kiosk calls live: OTP, VNeID login, ratings.

There is no SMS here: the OTP is kept in the database and read through the test control (with
its token), the way a tester reads the phone; it is never written to the log. The citizen ID
behind an OTP is kept only as a keyed hash. VNeID tokens are accepted once registered through the control.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
from collections.abc import Callable, Mapping

from sync.gateway.limits import GatewayLimits
from sync.gateway.responses import Response, json_response, problem, refuse
from sync.gateway.store import GatewayStore
from sync.protocol.messages import MessageError, RatingItem, is_application_id
from sync.protocol.problem import ProblemCode
from sync.protocol.times import format_utc

log = logging.getLogger(__name__)

VNEID_FIELDS = ("citizen_id", "full_name", "date_of_birth", "gender", "address")


def registered_phone(citizen_id: str) -> str:
    """The phone "registered" for a citizen: the reference gateway has no population register,
    so it is a fixed fake mobile number made from the ID (the same citizen, the same number)."""
    digits = str(int.from_bytes(hashlib.sha256(citizen_id.encode()).digest()[:8], "big"))
    return "09" + digits[-8:].rjust(8, "0")


def mask_phone(phone: str) -> str:
    """All but the first two and last three digits hidden: "0912345678" -> "09*****678"."""
    if len(phone) <= 5:
        return "*" * len(phone)
    return phone[:2] + "*" * (len(phone) - 5) + phone[-3:]


def _string(body: Mapping[str, object], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        refuse(422, ProblemCode.VALIDATION, False, f"{key} must be a non-empty string")
    return value


class CitizenDesk:
    """OTP, VNeID and ratings. OTPs are bound to the kiosk that first asked for the application;
    the citizen ID is kept only as a keyed hash; the code itself is never logged."""

    def __init__(
        self, store: GatewayStore, clock: Callable[[], float], limits: GatewayLimits,
        pepper: bytes = b"",
    ) -> None:
        self._store = store
        self._clock = clock
        self._limits = limits
        # A keyed hash: an ID (12 digits) hashed without a secret is found again by trying them.
        self._pepper = pepper or secrets.token_bytes(32)
        with self._store.tx() as conn:  # the old table kept citizen IDs in clear: not any more
            conn.execute("DELETE FROM otps")

    def citizen_hash(self, citizen_id: str) -> str:
        return hmac.new(self._pepper, citizen_id.encode("utf-8"), hashlib.sha256).hexdigest()

    def _owner(self, conn: sqlite3.Connection, application_id: str, kiosk_id: str) -> None:
        """Only the application's own kiosk may ask for or check its code."""
        row = conn.execute("SELECT kiosk_id FROM applications WHERE application_id = ?",
                           (application_id,)).fetchone()
        if row is None:
            row = conn.execute("SELECT kiosk_id FROM otp_codes WHERE application_id = ?",
                               (application_id,)).fetchone()
        if row is not None and row["kiosk_id"] != kiosk_id:
            refuse(403, ProblemCode.FORBIDDEN, False, "the application belongs to another kiosk")

    def request_otp(self, kiosk_id: str, body: Mapping[str, object]) -> Response:
        application_id = _string(body, "application_id")
        citizen_id = _string(body, "citizen_id")
        if not is_application_id(application_id):
            refuse(422, ProblemCode.VALIDATION, False, "application_id must be a UUID")
        code = f"{secrets.randbelow(10**6):06d}"
        now = self._clock()
        expires = now + self._limits.otp_lifetime_s
        with self._store.tx() as conn:
            self._owner(conn, application_id, kiosk_id)
            row = conn.execute("SELECT failures, locked_until FROM otp_codes "
                               "WHERE application_id = ?", (application_id,)).fetchone()
            failures = 0 if row is None else int(row["failures"])
            if row is not None and row["locked_until"] is not None:
                if row["locked_until"] > now:  # a new code does not lift the lock
                    return _otp_problem(429, ProblemCode.OTP_LOCKED,
                                        "too many wrong codes; try again later",
                                        retry_after=row["locked_until"] - now)
                failures = 0  # the lock has run out: a fresh start
            conn.execute(
                "INSERT OR REPLACE INTO otp_codes (application_id, kiosk_id, citizen_hash, code, "
                "expires_at, failures, locked_until, verified_at) "
                "VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
                (application_id, kiosk_id, self.citizen_hash(citizen_id), code, expires,
                 failures),
            )
        log.info("OTP sent for application %s (no SMS here: GET /_control/otp/<id> with the "
                 "control token)", application_id)
        return json_response(202, {"expires_at": format_utc(expires),
                                   "phone_masked": mask_phone(registered_phone(citizen_id))})

    def verify_otp(self, kiosk_id: str, body: Mapping[str, object]) -> Response:
        application_id = _string(body, "application_id")
        code = _string(body, "code")
        with self._store.tx() as conn:
            self._owner(conn, application_id, kiosk_id)
            row = conn.execute(
                "SELECT * FROM otp_codes WHERE application_id = ?", (application_id,)
            ).fetchone()
            return self._judge(conn, row, code)

    def _judge(self, conn: sqlite3.Connection, row: sqlite3.Row | None, code: str) -> Response:
        now = self._clock()
        if row is None:
            refuse(422, ProblemCode.OTP_INVALID, False, "no code was sent for this application")
        if row["locked_until"] is not None and row["locked_until"] > now:
            refuse(429, ProblemCode.OTP_LOCKED, False, "too many wrong codes; try again later")
        if row["verified_at"] is not None and secrets.compare_digest(row["code"], code):
            return json_response(200, {"verified_at": format_utc(row["verified_at"])})
        if row["expires_at"] < now:
            refuse(422, ProblemCode.OTP_INVALID, False, "the code has expired")
        if not secrets.compare_digest(row["code"], code):
            failures = row["failures"] + 1
            locked = failures >= self._limits.otp_max_failures
            conn.execute(
                "UPDATE otp_codes SET failures = ?, locked_until = ? WHERE application_id = ?",
                (failures, now + self._limits.otp_lock_s if locked else None,
                 row["application_id"]),
            )
            if locked:
                return _otp_problem(429, ProblemCode.OTP_LOCKED, "too many wrong codes")
            return _otp_problem(422, ProblemCode.OTP_INVALID, "wrong code")
        conn.execute(
            "UPDATE otp_codes SET verified_at = ? WHERE application_id = ?",
            (now, row["application_id"]),
        )
        return json_response(200, {"verified_at": format_utc(now)})

    def vneid(self, body: Mapping[str, object]) -> Response:
        token = _string(body, "token")
        with self._store.read() as conn:
            row = conn.execute(
                "SELECT identity_json FROM vneid_tokens WHERE token = ?", (token,)
            ).fetchone()
        if row is None:
            refuse(422, ProblemCode.TOKEN_INVALID, False, "token not recognised")
        return json_response(200, json.loads(row["identity_json"]))

    def register_vneid(self, token: str, identity: Mapping[str, str]) -> None:
        missing = [f for f in VNEID_FIELDS if not isinstance(identity.get(f), str)]
        if missing:
            raise ValueError(f"identity lacks {missing}")
        with self._store.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO vneid_tokens (token, identity_json) VALUES (?, ?)",
                (token, json.dumps({f: identity[f] for f in VNEID_FIELDS}, ensure_ascii=False)),
            )

    def otp_code(self, application_id: str) -> str | None:
        with self._store.read() as conn:
            row = conn.execute(
                "SELECT code FROM otp_codes WHERE application_id = ?", (application_id,)
            ).fetchone()
        return None if row is None else str(row["code"])

    def ratings(self, kiosk_id: str, body: Mapping[str, object]) -> Response:
        if body.get("kiosk_id") != kiosk_id:
            refuse(403, ProblemCode.FORBIDDEN, False, "kiosk_id is not the signer")
        items_value = body.get("items")
        if not isinstance(items_value, list):
            refuse(422, ProblemCode.VALIDATION, False, "items must be an array")
        try:
            items = [RatingItem.from_dict(v, f"items[{i}]") for i, v in enumerate(items_value)]
        except MessageError as exc:
            refuse(422, ProblemCode.VALIDATION, False, str(exc))
        with self._store.tx() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO ratings (rating_id, kiosk_id, at, procedure_code, score) "
                "VALUES (?, ?, ?, ?, ?)",
                [(i.rating_id, kiosk_id, i.at, i.procedure_code, i.score) for i in items],
            )
        return json_response(200, {"accepted": [i.rating_id for i in items]})

    def rating_count(self) -> int:
        with self._store.read() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0])


def _otp_problem(status: int, code: str, detail: str, retry_after: float = 0.0) -> Response:
    """A refusal that must not roll back the failure count, so it is returned, not raised."""
    headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after > 0 else None
    return problem(status, code, False, detail, headers=headers)
