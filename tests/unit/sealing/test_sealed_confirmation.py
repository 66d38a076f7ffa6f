"""The sealed manifest carries when the citizen really confirmed (issue 9 §2).

A session is driven through the domain, its ``ConfirmedApplication`` goes through the real
``seal_application`` into a real store, and the manifest and payload are read back and opened
with the gateway's private key, as the gateway would. The OTP's verification time and the time
the kiosk code was shown must arrive there, not the later moment OK was tapped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from devices.scanner.sample_pages import make_sample_page
from kiosk.domain.application import ConfirmationMethod, ConfirmedApplication
from kiosk.domain.catalog import load_catalog
from kiosk.domain.identity import Gender, Identity
from kiosk.domain.session import CodeCheck, Session
from kiosk.domain.workdays import load_holidays
from kiosk.pages import encode_page
from kiosk.paths import ASSETS_DIR
from kiosk.sealing import SealContext, SealingKeys, seal_application
from kiosk.store.db import Store, open_store
from sync.protocol.envelope import open_document, open_payload, unwrap_key
from tests.fakes import FakeWallClock

CATALOG = load_catalog(ASSETS_DIR / "catalog" / "procedures.json", ASSETS_DIR / "catalog" / "places.json")
HOLIDAYS = load_holidays(ASSETS_DIR / "holidays" / "vn.json")
CITIZEN = Identity(
    citizen_id="049189012345", old_id="", full_name="Huỳnh Thị Ánh", date_of_birth=date(1989, 3, 15),
    gender=Gender.FEMALE, address="Thôn Lý Trường, xã Bình Phú, Đà Nẵng", issue_date=date(2022, 2, 1),
)  # fmt: skip
SHOWN = datetime(2026, 11, 23, 2, 30, 0, tzinfo=UTC)  # the review → confirm moment


@pytest.fixture
def gateway_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "kiosk.db") as s:
        yield s


def _at_confirm(wall: FakeWallClock, *, otp: bool) -> Session:
    session = Session(CATALOG, lambda: 1000.0, wall_clock=wall)
    session.start()
    session.choose_procedure("HT-XNHN")
    session.login(CITIZEN)
    for value in ("nha_dat", "da_ly_hon", "no"):
        assert session.answer(value) is None
    page = make_sample_page("Quyết định ly hôn", seed=3, dpi=100)
    session.add_pages("divorce_decision", [encode_page(page)])
    assert session.finish_documents() == ()
    session.otp_available = otp
    session.to_confirm()
    return session


def _seal(store: Store, key: X25519PrivateKey, app: ConfirmedApplication) -> dict[str, object]:
    keys = SealingKeys("KIOSK-T-01", "T01", key.public_key())
    record = seal_application(SealContext(store, keys, CATALOG, HOLIDAYS, scan_dpi=100), app)
    rows = store.query("SELECT manifest_json FROM applications WHERE application_id = ?",
                       (record.application_id,))
    manifest = json.loads(str(rows[0][0]))
    assert isinstance(manifest, dict)
    return manifest


def _opened(store: Store, key: X25519PrivateKey, manifest: dict[str, object]) -> dict[str, object]:
    """The payload as the gateway opens it; every document decrypts to a PDF of the page."""
    app_id = str(manifest["application_id"])
    payload = manifest["payload"]
    assert isinstance(payload, dict)
    plain = open_payload(payload, app_id, key)
    assert isinstance(plain, dict)
    k = unwrap_key(str(payload["wrapped_key"]), app_id, key)
    documents = manifest["documents"]
    assert isinstance(documents, list)
    assert len(documents) == 1
    doc_id = documents[0]["doc_id"]
    pdf = open_document(k, app_id, doc_id, (store.docs_dir / app_id / doc_id).read_bytes())
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1  # the one scanned page
    return plain


def test_otp_confirmation_keeps_the_verification_time(store: Store, gateway_key: X25519PrivateKey) -> None:
    wall = FakeWallClock(SHOWN)
    session = _at_confirm(wall, otp=True)
    verified = SHOWN + timedelta(seconds=41)
    session.otp_verified(verified)
    wall.now = SHOWN + timedelta(minutes=3)  # OK reaches the seal later (slow hands, slow disk)
    app = session.confirm()
    assert app.confirmation.method is ConfirmationMethod.OTP

    manifest = _seal(store, gateway_key, app)

    assert manifest["confirmation"] == {"method": "otp", "otp_verified_at": "2026-11-23T02:30:41Z"}
    assert manifest["confirmed_at"] == "2026-11-23T02:33:00Z"
    plain = _opened(store, gateway_key, manifest)
    identity = plain["identity"]
    assert isinstance(identity, dict)
    assert identity["citizen_id"] == CITIZEN.citizen_id
    assert identity["full_name"] == CITIZEN.full_name
    assert plain["documents_meta"] == [{"doc_id": "divorce_decision", "kind": "divorce_decision",
                                        "pages": 1, "mime": "application/pdf"}]


def test_kiosk_code_confirmation_keeps_the_time_the_code_was_shown(
    store: Store, gateway_key: X25519PrivateKey
) -> None:
    wall = FakeWallClock(SHOWN)
    session = _at_confirm(wall, otp=False)  # the code is shown at SHOWN
    code = session.kiosk_code
    assert code is not None
    wall.now = SHOWN + timedelta(seconds=75)  # the citizen types it a while later
    assert session.enter_code(code) is CodeCheck.ACCEPTED
    wall.now = SHOWN + timedelta(seconds=80)
    app = session.confirm()

    manifest = _seal(store, gateway_key, app)

    assert manifest["confirmation"] == {"method": "kiosk_code", "shown_at": "2026-11-23T02:30:00Z"}
    assert manifest["confirmed_at"] == "2026-11-23T02:31:20Z"
    plain = _opened(store, gateway_key, manifest)
    assert plain["answers"] == dict(app.answers)


def test_a_retried_seal_of_the_same_application_is_one_application(
    store: Store, gateway_key: X25519PrivateKey
) -> None:
    wall = FakeWallClock(SHOWN)
    session = _at_confirm(wall, otp=True)
    session.otp_verified(SHOWN)
    app = session.confirm()
    first = _seal(store, gateway_key, app)
    again = _seal(store, gateway_key, app)
    assert first == again
    assert len(store.query("SELECT 1 FROM applications", ())) == 1
