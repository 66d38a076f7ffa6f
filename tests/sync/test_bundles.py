"""USB bundles: written durably, verified after writing, ACK imported once, offline."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sync.bundles.ack import import_ack
from sync.bundles.export import BundleError, export_to, verify_bundle
from sync.bundles.upload import upload_bundle
from sync.protocol.bundle import sign_ack
from sync.protocol.canonical import manifest_sha256
from sync.protocol.keys import (
    ed25519_public_from_b64,
    generate_encryption_key,
    generate_signing_key,
)
from tests.fakes import FakeClock
from tests.sync.rig import KIOSK_ID, make_rig
from tests.sync.sealed_store import create_store, seal_applications, states

KIOSK = KIOSK_ID


def _events(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM application_events").fetchone()[0])
    finally:
        conn.close()


def test_export_writes_verifies_and_marks_exported(tmp_path: Path) -> None:
    db = create_store(tmp_path / "kiosk")
    kiosk_key = generate_signing_key()
    apps = seal_applications(db, KIOSK, generate_encryption_key().public_key(), 3,
                             page_bytes=3000)
    usb = tmp_path / "usb"
    usb.mkdir()
    result = export_to(db, usb, KIOSK, kiosk_key)
    assert result.path == usb / f"dvc-bundle-{KIOSK}-1-3"
    assert [p.name for p in usb.iterdir()] == [result.path.name]  # no temp name left
    manifest = json.loads((result.path / "manifest.json").read_bytes())
    assert [a["application_id"] for a in manifest["applications"]] == [
        a.application_id for a in apps]
    for body in manifest["applications"]:
        assert manifest_sha256(body) == body["manifest_sha256"]
    assert verify_bundle(result.path, kiosk_key.public_key()) == 3
    assert set(states(db).values()) == {"exported"}


def test_a_damaged_bundle_does_not_verify(tmp_path: Path) -> None:
    db = create_store(tmp_path / "kiosk")
    kiosk_key = generate_signing_key()
    apps = seal_applications(db, KIOSK, generate_encryption_key().public_key(), 1,
                             page_bytes=3000)
    result = export_to(db, tmp_path, KIOSK, kiosk_key)
    assert result.path is not None
    victim = result.path / apps[0].application_id / "don"
    data = bytearray(victim.read_bytes())
    data[10] ^= 1
    victim.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="hash mismatch"):
        verify_bundle(result.path, kiosk_key.public_key())
    with pytest.raises(BundleError, match="unsigned"):
        verify_bundle(result.path, generate_signing_key().public_key())


def test_ack_file_acknowledges_once_and_refuses_forgeries(tmp_path: Path) -> None:
    db = create_store(tmp_path / "kiosk")
    gateway_key = generate_signing_key()
    apps = seal_applications(db, KIOSK, generate_encryption_key().public_key(), 3,
                             page_bytes=2000)
    result = export_to(db, tmp_path, KIOSK, generate_signing_key())
    assert result.path is not None
    ack = sign_ack(gateway_key, {
        "bundle_id": result.path.name, "kiosk_id": KIOSK, "signed_at": "2026-11-22T13:00:00Z",
        "items": [
            {"application_id": apps[0].application_id, "manifest_sha256": apps[0].manifest_sha256,
             "state": "received", "receipt_no": "R-1"},
            {"application_id": apps[1].application_id, "manifest_sha256": apps[1].manifest_sha256,
             "state": "conflict", "receipt_no": None},
        ]})
    ack_file = tmp_path / "ack.json"
    ack_file.write_text(json.dumps(ack))

    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(sign_ack(generate_signing_key(), ack)))
    with pytest.raises(BundleError, match="not a valid gateway ACK"):
        import_ack(db, forged, KIOSK, gateway_key.public_key())
    assert set(states(db).values()) == {"exported"}

    first = import_ack(db, ack_file, KIOSK, gateway_key.public_key())
    assert (first.items, first.changed) == (2, 2)
    st = states(db)
    assert st[apps[0].application_id] == "acked"
    assert st[apps[1].application_id] == "quarantined"
    assert st[apps[2].application_id] == "exported"   # kept until its own ACK comes
    events = _events(db)
    again = import_ack(db, ack_file, KIOSK, gateway_key.public_key())
    assert again.changed == 0
    assert states(db) == st
    assert _events(db) == events


def test_nothing_to_export(tmp_path: Path) -> None:
    db = create_store(tmp_path / "kiosk")
    assert export_to(db, tmp_path, KIOSK, generate_signing_key()).path is None


def test_usb_round_trip_through_the_reference_gateway(tmp_path: Path) -> None:
    """Export, import at the gateway, ACK back on USB; then the link returns: no duplicate."""
    with make_rig(tmp_path) as rig:
        apps = rig.seal(3, page_bytes=4000)
        result = export_to(rig.db, tmp_path / "usb", KIOSK_ID, rig.kiosk_key)
        assert result.path is not None
        clock = FakeClock.from_real_time()
        with rig.agent(clock) as agent:           # only its client is used: the office's link
            ack = upload_bundle(agent.client, result.path, chunk=7000)
            again = upload_bundle(agent.client, result.path)
        assert [i["state"] for i in ack["items"]] == ["received"] * 3
        assert again == ack                        # importing twice changes nothing
        ack_file = tmp_path / "usb" / "ack.json"
        ack_file.write_text(json.dumps(ack))
        gw_key = ed25519_public_from_b64(rig.gateway.public_keys.signing_b64)
        assert import_ack(rig.db, ack_file, KIOSK_ID, gw_key).changed == 3
        assert import_ack(rig.db, ack_file, KIOSK_ID, gw_key).changed == 0
        assert set(states(rig.db).values()) == {"acked"}
        with rig.agent(clock) as agent:            # the link comes back: nothing to resend
            report = agent.run_once()
        assert report.drained
        assert report.sent == 0
        rig.assert_on_gateway(apps)


def test_link_returns_before_the_ack_file_comes_back(tmp_path: Path) -> None:
    """Exported and imported at the gateway, ACK still on the road: the online push is a replay."""
    with make_rig(tmp_path) as rig:
        apps = rig.seal(2, page_bytes=4000)
        result = export_to(rig.db, tmp_path / "usb", KIOSK_ID, rig.kiosk_key)
        assert result.path is not None
        clock = FakeClock.from_real_time()
        with rig.agent(clock) as agent:
            upload_bundle(agent.client, result.path)
            patches_before = sum(r.method == "PATCH" for r in rig.gateway.control.requests())
            report = agent.run_once()
        assert (report.sent, report.quarantined) == (2, 0)
        patches_after = sum(r.method == "PATCH" for r in rig.gateway.control.requests())
        assert patches_after == patches_before      # documents already there: none resent
        rig.assert_on_gateway(apps)
