"""Signed catalog and holiday updates: published at the gateway, pulled by the agent, applied by
the kiosk between sessions, refused (and the current kept) when they do not load.

Real parts: the reference gateway over 127.0.0.1, the agent, the kiosk's own catalog and
holiday loaders on the packaged files and on edited copies of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.data_updates import apply_pending, load_active
from kiosk.wiring.root import CATALOG_PATH, HOLIDAYS_PATH
from sync.agent.dataupdates import UpdateLayout
from sync.protocol.dataupdate import DataUpdate, UpdateError, verify_update
from sync.protocol.keys import ed25519_public_from_b64, generate_signing_key
from tests.fakes import FakeClock
from tests.fakes import FakeClock as GatewayClock
from tests.sync.gateway_fixtures import registered_kiosk, running_gateway
from tests.sync.rig import Rig, make_rig

PLACES = CATALOG_PATH.with_name("places.json")


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    with make_rig(tmp_path) as r:
        yield r


def catalog_bytes(version: str, *, drop_procedures: bool = False, **changes: object) -> bytes:
    data = json.loads(CATALOG_PATH.read_text("utf-8"))
    data["catalog_version"] = version
    data.update(changes)
    if drop_procedures:
        data["procedures"] = []
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def holidays_bytes(to_year: int) -> bytes:
    data = json.loads(HOLIDAYS_PATH.read_text("utf-8"))
    data["covers"]["to_year"] = to_year
    data["days_off"].append({"date": f"{to_year}-01-01", "name_vi": "Tết Dương lịch",
                             "name_en": "New Year's Day", "status": "expected"})
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def pull(rig: Rig, clock: FakeClock | None = None) -> list[str]:
    with rig.agent(clock or FakeClock.from_real_time()) as agent:
        report = agent.run_once()
    return [n for n in report.notes if n.startswith("data")]


def apply(rig: Rig) -> list[tuple[str, int, bool]]:
    key = ed25519_public_from_b64(rig.gateway.public_keys.signing_b64)
    return [(o.kind, o.serial, o.applied) for o in apply_pending(rig.db.parent, key, PLACES)]


def active(rig: Rig) -> tuple[str, int, int]:
    data = load_active(rig.db.parent, CATALOG_PATH, HOLIDAYS_PATH, PLACES)
    return data.catalog.version, data.catalog_serial, data.holidays.last_year


def test_the_gateway_serves_a_signed_update_only_when_newer(tmp_path: Path) -> None:
    clock = GatewayClock()
    with running_gateway(tmp_path / "gw", clock) as gw, registered_kiosk(gw, clock) as k:
        assert k.call("GET", "/v1/data/catalog").status == 404
        assert k.call("GET", "/v1/data/menu").status == 404
        assert gw.control.publish_data("catalog", "2027.01-a", catalog_bytes("2027.01-a")) == 1
        assert gw.control.publish_data("catalog", "2027.01-b", catalog_bytes("2027.01-b")) == 2
        got = k.call("GET", "/v1/data/catalog?have=1")
        assert (got.status, got.signed) == (200, True)
        update = verify_update(got.body, ed25519_public_from_b64(gw.public_keys.signing_b64))
        assert (update.kind, update.serial, update.version) == ("catalog", 2, "2027.01-b")
        assert update.content == catalog_bytes("2027.01-b")
        assert k.call("GET", "/v1/data/catalog?have=2").status == 204
        assert k.call("GET", "/v1/data/catalog?have=x").status == 400
        with pytest.raises(UpdateError, match="signed"):
            verify_update(got.body, ed25519_public_from_b64(k.public_b64))


def test_a_forged_or_altered_update_is_refused() -> None:
    key = generate_signing_key()
    good = DataUpdate("catalog", 3, "v3", "2026-12-01T00:00:00Z", b"{}").signed_json(key)
    assert verify_update(good, key.public_key()).serial == 3
    obj = json.loads(good)
    for field, value in (("serial", 4), ("version", "v4"), ("content_b64", "e30K"),
                         ("kind", "holidays")):
        with pytest.raises(UpdateError):
            verify_update(json.dumps({**obj, field: value}).encode(), key.public_key())
    with pytest.raises(UpdateError):
        verify_update(good, generate_signing_key().public_key())


def test_pulled_applied_between_sessions_and_loaded(rig: Rig) -> None:
    rig.gateway.control.publish_data("catalog", "2027.01-vn-ht-3", catalog_bytes("2027.01-vn-ht-3"))
    rig.gateway.control.publish_data("holidays", "2027.1", holidays_bytes(2031))
    assert active(rig) == ("2026.12-vn-ht-2", 0, 2028)  # the packaged files
    notes = pull(rig)
    assert notes == ["data: catalog 2027.01-vn-ht-3 (serial 1) pending, "
                     "holidays 2027.1 (serial 1) pending"]
    assert active(rig) == ("2026.12-vn-ht-2", 0, 2028)  # staged, not applied by the agent
    assert apply(rig) == [("catalog", 1, True), ("holidays", 1, True)]
    version, serial, last_year = active(rig)
    assert (version, serial, last_year) == ("2027.01-vn-ht-3", 1, 2031)
    data = load_active(rig.db.parent, CATALOG_PATH, HOLIDAYS_PATH, PLACES)
    assert data.holidays.covers(date(2031, 6, 1))
    assert not data.holidays.is_working_day(date(2031, 1, 1))
    assert data.holidays_version == "2027.1"
    assert apply(rig) == []  # nothing pending any more
    assert pull(rig) == ["data: catalog up to date, holidays up to date"]


def test_a_catalog_that_does_not_load_is_refused_and_the_current_kept(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    control = rig.gateway.control
    control.publish_data("catalog", "2027.01-a", catalog_bytes("2027.01-a"))
    pull(rig)
    assert apply(rig) == [("catalog", 1, True)]
    control.publish_data("catalog", "2027.02-broken",
                         catalog_bytes("2027.02-broken", drop_procedures=True))
    pull(rig)
    assert apply(rig) == [("catalog", 2, False)]
    assert "catalog update 2027.02-broken refused" in caplog.text
    assert "the catalog offers no procedure" in caplog.text
    assert active(rig)[:2] == ("2027.01-a", 1)  # rolled back: still the one before
    layout = UpdateLayout(rig.db.parent)
    assert layout.rejected_serial("catalog") == 2
    assert not layout.pending("catalog").exists()
    assert not (layout.root / "catalog-2").exists()
    # The refused serial is not pulled again; the next publication is.
    assert pull(rig) == ["data: catalog up to date, holidays none published"]
    control.publish_data("catalog", "2027.03-b", catalog_bytes("2027.03-b"))
    pull(rig)
    assert apply(rig) == [("catalog", 3, True)]
    assert active(rig)[:2] == ("2027.03-b", 3)


def test_a_catalog_whose_version_is_not_the_announced_one_is_refused(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.gateway.control.publish_data("catalog", "2027.05", catalog_bytes("2027.04"))
    pull(rig)
    assert apply(rig) == [("catalog", 1, False)]
    assert "is not the announced '2027.05'" in caplog.text
    assert active(rig)[:2] == ("2026.12-vn-ht-2", 0)


def test_an_older_update_is_never_applied_again(rig: Rig) -> None:
    control = rig.gateway.control
    control.publish_data("catalog", "2027.01-a", catalog_bytes("2027.01-a"))
    pull(rig)
    layout = UpdateLayout(rig.db.parent)
    old_envelope = layout.pending("catalog").read_bytes()
    apply(rig)
    control.publish_data("catalog", "2027.02-b", catalog_bytes("2027.02-b"))
    pull(rig)
    apply(rig)
    layout.pending("catalog").write_bytes(old_envelope)  # a replay of serial 1 (USB, disk...)
    assert apply(rig) == [("catalog", 1, False)]
    assert active(rig)[:2] == ("2027.02-b", 2)


def test_a_tampered_pending_file_is_dropped(rig: Rig) -> None:
    rig.gateway.control.publish_data("holidays", "2027.1", holidays_bytes(2030))
    pull(rig)
    layout = UpdateLayout(rig.db.parent)
    obj = json.loads(layout.pending("holidays").read_bytes())
    obj["version"] = "2099.1"
    layout.pending("holidays").write_bytes(json.dumps(obj).encode())
    assert apply(rig) == [("holidays", 0, False)]
    assert not layout.pending("holidays").exists()
    assert active(rig)[2] == 2028


def test_an_applied_version_that_no_longer_loads_rolls_back(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    control = rig.gateway.control
    for n, version in enumerate(("2027.01-a", "2027.02-b"), start=1):
        control.publish_data("catalog", version, catalog_bytes(version))
        pull(rig)
        assert apply(rig) == [("catalog", n, True)]
    layout = UpdateLayout(rig.db.parent)
    current = layout.current_content("catalog")
    assert current is not None
    current.write_text("{", "utf-8")  # damaged on disk after it was applied
    assert active(rig)[:2] == ("2027.01-a", 1)
    previous = layout.current_content("catalog")
    assert previous is not None
    previous.write_text("{", "utf-8")
    assert active(rig)[:2] == ("2026.12-vn-ht-2", 0)  # then the packaged file
    assert caplog.text.count("applied catalog does not load") == 2


def test_the_agent_asks_about_once_an_hour(rig: Rig) -> None:
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as agent:
        first = agent.run_pass().notes
        assert "data: catalog none published, holidays none published" in first
        assert "data: not due" in agent.run_pass().notes
        rig.gateway.control.publish_data("catalog", "2027.01-a", catalog_bytes("2027.01-a"))
        clock.now += 3600
        notes = agent.run_pass().notes
    assert "data: catalog 2027.01-a (serial 1) pending, holidays none published" in notes
    data_requests = [r for r in rig.gateway.control.requests() if r.path.startswith("/v1/data/")]
    assert len(data_requests) == 4  # two kinds, twice


def test_a_composed_kiosk_takes_the_update_at_its_next_start(tmp_path: Path) -> None:
    """The real start path: the embedded gateway publishes, the agent stages, ``build_kiosk``
    applies before any session and runs on the new catalog and holidays."""
    import io

    from kiosk.config import KioskConfig, PathsSection
    from kiosk.data_updates import has_pending
    from kiosk.wiring.gateway import agent_config
    from kiosk.wiring.root import build_kiosk
    from sync import cli as sync_cli

    config = KioskConfig(paths=PathsSection(data_dir=tmp_path / "k")).simulated()
    kiosk = build_kiosk(config)
    try:
        assert kiosk.catalog.version == "2026.12-vn-ht-2"
        assert kiosk.gateway is not None
        kiosk.gateway.control.publish_data("catalog", "2027.01-vn-ht-3",
                                           catalog_bytes("2027.01-vn-ht-3"))
        kiosk.gateway.control.publish_data("holidays", "2027.1", holidays_bytes(2031))
        out = io.StringIO()
        assert sync_cli.run_once(agent_config(config), out=out) == 0, out.getvalue()
        assert has_pending(config.data_dir)
        assert kiosk.catalog.version == "2026.12-vn-ht-2"  # never under a running session
    finally:
        kiosk.close()
    again = build_kiosk(config, start_gateway=False)
    try:
        assert again.catalog.version == "2027.01-vn-ht-3"
        assert again.holidays.covers(date(2031, 12, 31))
        assert again.seal_context.catalog is again.catalog
        assert not has_pending(config.data_dir)
    finally:
        again.close()
