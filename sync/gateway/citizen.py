"""Citizen-facing services the kiosk calls live: OTP, VNeID login, ratings.

There is no SMS here: the OTP is kept in the database and read through the test control, the
way a tester reads the phone. VNeID tokens are accepted once registered through the control.
"""

from __future__ import annotations

import hashlib
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
    def __init__(
        self, store: GatewayStore, clock: Callable[[], float], limits: GatewayLimits
    ) -> None:
        self._store = store
        self._clock = clock
        self._limits = limits

    def request_otp(self, body: Mapping[str, object]) -> Response:
        application_id = _string(body, "application_id")
        citizen_id = _string(body, "citizen_id")
        if not is_application_id(application_id):
            refuse(422, ProblemCode.VALIDATION, False, "application_id must be a UUID")
        code = f"{secrets.randbelow(10**6):06d}"
        expires = self._clock() + self._limits.otp_lifetime_s
        with self._store.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO otps (application_id, citizen_id, code, expires_at, "
                "failures, verified_at) VALUES (?, ?, ?, ?, 0, NULL)",
                (application_id, citizen_id, code, expires),
            )
        log.info("OTP for application %s: %s (no SMS here; also GET /_control/otp/%s)",
                 application_id, code, application_id)
        return json_response(202, {"expires_at": format_utc(expires),
                                   "phone_masked": mask_phone(registered_phone(citizen_id))})

    def verify_otp(self, body: Mapping[str, object]) -> Response:
        application_id = _string(body, "application_id")
        code = _string(body, "code")
        with self._store.tx() as conn:
            row = conn.execute(
                "SELECT * FROM otps WHERE application_id = ?", (application_id,)
            ).fetchone()
            return self._judge(conn, row, code)

    def _judge(self, conn: sqlite3.Connection, row: sqlite3.Row | None, code: str) -> Response:
        if row is None:
            refuse(422, ProblemCode.OTP_INVALID, False, "no code was sent for this application")
        if row["failures"] >= self._limits.otp_max_failures:
            refuse(429, ProblemCode.OTP_LOCKED, False, "request a new code")
        if row["verified_at"] is not None and secrets.compare_digest(row["code"], code):
            return json_response(200, {"verified_at": format_utc(row["verified_at"])})
        if row["expires_at"] < self._clock():
            refuse(422, ProblemCode.OTP_INVALID, False, "the code has expired")
        if not secrets.compare_digest(row["code"], code):
            failures = row["failures"] + 1
            conn.execute(
                "UPDATE otps SET failures = ? WHERE application_id = ?",
                (failures, row["application_id"]),
            )
            if failures >= self._limits.otp_max_failures:
                return _otp_problem(429, ProblemCode.OTP_LOCKED, "too many wrong codes")
            return _otp_problem(422, ProblemCode.OTP_INVALID, "wrong code")
        now = self._clock()
        conn.execute(
            "UPDATE otps SET verified_at = ? WHERE application_id = ?",
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
                "SELECT code FROM otps WHERE application_id = ?", (application_id,)
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


def _otp_problem(status: int, code: str, detail: str) -> Response:
    """A refusal that must not roll back the failure count, so it is returned, not raised."""
    return problem(status, code, False, detail)
