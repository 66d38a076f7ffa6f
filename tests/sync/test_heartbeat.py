"""Heartbeats from the agent to the reference gateway, and the fleet's /metrics they feed.

Real parts: the kiosk store, the agent, the gateway over 127.0.0.1, Prometheus' own text parser
on what /metrics serves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from sync.agent.heartbeat import KioskFacts, publish_kiosk_facts
from sync.gateway.app import GatewayApp
from sync.gateway.faults import Fault
from sync.gateway.limits import GatewayLimits
from sync.gateway.request import Request
from sync.gateway.server import start_gateway
from sync.protocol.heartbeat import FIELDS, Heartbeat, parse_heartbeat
from sync.protocol.keys import generate_signing_key, public_key_b64
from sync.protocol.messages import MessageError
from tests.fakes import FakeClock
from tests.fakes import FakeClock as GatewayClock
from tests.sync.gateway_fixtures import registered_kiosk, running_gateway
from tests.sync.rig import KIOSK_ID, Rig, make_rig
from tests.sync.sealed_store import CITIZEN, create_store

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    with make_rig(tmp_path) as r:
        yield r


def scrape(base_url: str) -> Samples:
    r = requests.get(base_url + "/metrics", timeout=5)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")
    out: Samples = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def facts(printer: str = "ready") -> KioskFacts:
    return KioskFacts(config_version="cfg-3f2a9c", catalog_version="2026.12-vn-ht-2",
                      holidays_version="2026.1", holidays_to_year=2028,
                      devices={"printer": printer, "scanner": "ready", "camera": "ready"})


def heartbeats(rig: Rig) -> int:
    return sum(1 for r in rig.gateway.control.requests() if r.path.endswith("/heartbeat")
               and r.status == 200)


def test_the_fleet_metrics_show_what_the_kiosk_reported(rig: Rig) -> None:
    rig.seal(2, page_bytes=2000)
    publish_kiosk_facts(rig.db, facts(printer="no_paper"))
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as agent:
        report = agent.run_once()
    assert report.sent == 2
    assert heartbeats(rig) >= 1
    m = scrape(rig.gateway.url)
    k = KIOSK_ID
    assert value(m, "dvc_fleet_kiosk_up", kiosk=k) == 1
    assert value(m, "dvc_fleet_kiosk_last_seen_timestamp_seconds", kiosk=k) > 0
    assert value(m, "dvc_fleet_kiosk_queue_depth", kiosk=k) == 0
    assert value(m, "dvc_fleet_kiosk_applications", kiosk=k, state="acked") == 2
    assert value(m, "dvc_fleet_kiosk_quarantined", kiosk=k) == 0
    assert value(m, "dvc_fleet_kiosk_oldest_unsent_age_seconds", kiosk=k) == 0
    assert value(m, "dvc_fleet_kiosk_device_status", kiosk=k, device="printer",
                 status="no_paper") == 1
    assert value(m, "dvc_fleet_kiosk_device_status", kiosk=k, device="scanner",
                 status="ready") == 1
    assert value(m, "dvc_fleet_kiosk_disk_free_bytes", kiosk=k) > 0
    assert value(m, "dvc_fleet_kiosk_info", kiosk=k, software_version="0.1.0",
                 config_version="cfg-3f2a9c", catalog_version="2026.12-vn-ht-2",
                 holidays_version="2026.1") == 1
    assert value(m, "dvc_fleet_kiosk_holidays_to_year", kiosk=k) == 2028
    assert value(m, "dvc_fleet_kiosks") == 1
    assert value(m, "dvc_fleet_heartbeats_total") == 1


def test_unsent_and_quarantined_applications_and_errors_reach_the_metrics(rig: Rig) -> None:
    apps = rig.seal(3, page_bytes=1000)
    bad = apps[1].application_id
    rig.gateway.control.script(
        Fault.answer(422, method="PUT", path=bad, code="manifest_conflict"),
        *[Fault.answer(503, method="PUT", path=apps[2].application_id) for _ in range(50)])
    clock = FakeClock.from_real_time()
    clock.now += 3 * 3600  # the applications were sealed three hours ago
    with rig.agent(clock) as agent:
        agent.run_pass()
    m = scrape(rig.gateway.url)
    assert value(m, "dvc_fleet_kiosk_quarantined", kiosk=KIOSK_ID) == 1
    assert value(m, "dvc_fleet_kiosk_queue_depth", kiosk=KIOSK_ID) == 1
    assert value(m, "dvc_fleet_kiosk_oldest_unsent_age_seconds", kiosk=KIOSK_ID) >= 3 * 3600
    assert value(m, "dvc_fleet_kiosk_last_error", kiosk=KIOSK_ID, **{"class": "quarantined"}) == 1


@pytest.fixture
def shared_clock_rig(tmp_path: Path) -> Iterator[tuple[Rig, FakeClock]]:
    """A rig whose gateway lives on the kiosk's fake clock (moving it is no clock skew)."""
    clock = FakeClock.from_real_time()
    gateway = start_gateway(tmp_path / "gateway", clock=clock)
    try:
        key = generate_signing_key()
        gateway.control.register_kiosk(KIOSK_ID, public_key_b64(key))
        yield Rig(tmp_path, gateway, create_store(tmp_path / "kiosk"), key), clock
    finally:
        gateway.stop()


def test_sent_every_interval_and_on_change_only(
    shared_clock_rig: tuple[Rig, FakeClock]
) -> None:
    rig, clock = shared_clock_rig
    publish_kiosk_facts(rig.db, facts(), clock=clock)
    with rig.agent(clock) as agent:
        agent.run_pass()
        assert heartbeats(rig) == 1
        agent.run_pass()
        clock.now += 120
        agent.run_pass()
        assert heartbeats(rig) == 1  # nothing changed, interval not over
        publish_kiosk_facts(rig.db, facts(printer="no_paper"), clock=clock)
        agent.run_pass()
        assert heartbeats(rig) == 2  # the printer ran out of paper: at once
        clock.now += 299
        agent.run_pass()
        assert heartbeats(rig) == 2
        clock.now += 1
        agent.run_pass()
        assert heartbeats(rig) == 3  # five minutes since the last one
        rig.seal(1, page_bytes=1000)
        agent.run_pass()
        assert heartbeats(rig) == 4  # the queue changed (sealed, then received)


def test_no_link_means_no_heartbeat_and_its_error_class_comes_later(rig: Rig) -> None:
    rig.gateway.control.script(Fault.captive_portal(method="GET", path="/ping$"))
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as agent:
        assert agent.run_pass().link.value == "offline"
        assert heartbeats(rig) == 0
        clock.now += 60
        agent.run_pass()
    assert heartbeats(rig) == 1
    m = scrape(rig.gateway.url)
    assert value(m, "dvc_fleet_kiosk_last_error", kiosk=KIOSK_ID, **{"class": "no_link"}) == 1


def test_a_heartbeat_carries_no_person(rig: Rig) -> None:
    rig.seal(2, page_bytes=1000)
    publish_kiosk_facts(rig.db, KioskFacts(
        config_version=CITIZEN.full_name,  # refused: not a version
        catalog_version="2026.12", devices={"printer": CITIZEN.citizen_id,  # not a status
                                            CITIZEN.citizen_id: "ready"}))  # not a name
    with rig.agent(FakeClock.from_real_time()) as agent:
        agent.heartbeat.record_error(f"HTTP 422 {CITIZEN.full_name}")
        beat = agent.heartbeat.build()
    body = beat.to_json().decode("utf-8")
    assert set(json.loads(body)) == FIELDS
    for personal in (CITIZEN.full_name, CITIZEN.citizen_id, CITIZEN.address, "Nguy", "An"):
        assert personal not in body
    assert beat.config_version is None
    assert dict(beat.devices) == {}
    assert parse_heartbeat(beat.to_json()) == beat


@pytest.mark.parametrize(("field", "bad"), [
    ("full_name", "Nguyễn Văn An"),
    ("config_version", "Nguyễn Văn An"),
    ("devices", {"printer": "hết giấy"}),
    ("last_errors", ["ông An 001085012345"]),
    ("queue", {"received": -1}),
    ("sent_at", "2026-11-18 08:00"),
    ("holidays_to_year", "2028"),
])
def test_the_gateway_refuses_anything_but_the_heartbeat_fields(
    tmp_path: Path, field: str, bad: object
) -> None:
    clock = GatewayClock()
    with running_gateway(tmp_path / "gw", clock) as gw, registered_kiosk(gw, clock) as k:
        good = Heartbeat(kiosk_id=k.kiosk_id, sent_at="2026-11-18T08:00:00Z",
                         software_version="0.1.0").to_dict()
        assert k.json_call("POST", f"/v1/kiosks/{k.kiosk_id}/heartbeat", good).status == 200
        refused = k.json_call("POST", f"/v1/kiosks/{k.kiosk_id}/heartbeat",
                              {**good, field: bad})
        assert (refused.status, refused.signed, refused.code) == (400, True, "validation")
        with pytest.raises(MessageError):
            parse_heartbeat(json.dumps({**good, field: bad}).encode())


def test_one_kiosk_cannot_speak_for_another_and_old_beats_do_not_win(tmp_path: Path) -> None:
    clock = GatewayClock()
    with running_gateway(tmp_path / "gw", clock) as gw, registered_kiosk(gw, clock) as k:
        gw.control.register_kiosk("KX-002", k.public_b64)
        beat = Heartbeat(kiosk_id="KX-002", sent_at="2026-11-18T08:00:00Z",
                         software_version="0.1.0").to_dict()
        assert k.json_call("POST", "/v1/kiosks/KX-002/heartbeat", beat).status == 403
        assert k.json_call("POST", f"/v1/kiosks/{k.kiosk_id}/heartbeat", beat).status == 403
        newer = {**beat, "kiosk_id": k.kiosk_id, "sent_at": "2026-11-18T08:05:00Z",
                 "quarantined": 2}
        older = {**newer, "sent_at": "2026-11-18T08:00:00Z", "quarantined": 0}
        assert k.json_call("POST", f"/v1/kiosks/{k.kiosk_id}/heartbeat", newer).status == 200
        answer = k.json_call("POST", f"/v1/kiosks/{k.kiosk_id}/heartbeat", older)
        assert answer.status == 200
        assert answer.obj()["next_in_s"] == 300
        m = scrape(gw.url)
        assert value(m, "dvc_fleet_kiosk_quarantined", kiosk=k.kiosk_id) == 2
        assert value(m, "dvc_fleet_kiosk_up", kiosk="KX-002") == 0  # registered, never heard
        assert value(m, "dvc_fleet_kiosk_last_seen_timestamp_seconds", kiosk="KX-002") == 0
        clock.advance(15 * 60 + 1)
        assert value(scrape(gw.url), "dvc_fleet_kiosk_up", kiosk=k.kiosk_id) == 0


def test_metrics_only_for_the_provinces_own_network(tmp_path: Path) -> None:
    app = GatewayApp(tmp_path / "gw", GatewayClock(), GatewayLimits())
    try:
        def get(host: str) -> int:
            return app.dispatch(Request("GET", "/metrics", {}, b"", host)).status

        assert get("127.0.0.1") == 200
        assert get("10.20.0.7") == 200
        assert get("::ffff:192.168.1.9") == 200
        assert get("8.8.8.8") == 403
        assert get("2001:4860:4860::8888") == 403
        assert app.dispatch(Request("POST", "/metrics", {}, b"", "127.0.0.1")).status == 405
    finally:
        app.close()


def test_a_gateway_without_heartbeats_is_asked_again_only_after_the_interval(
    shared_clock_rig: tuple[Rig, FakeClock]
) -> None:
    rig, clock = shared_clock_rig
    rig.gateway.control.script(Fault.answer(404, method="POST", path="/heartbeat$"))
    with rig.agent(clock) as agent:
        notes = agent.run_pass().notes
        assert any(n.startswith("heartbeat failed: HTTP 404") for n in notes), notes
        clock.now += 120
        agent.run_pass()
        assert heartbeats(rig) == 0  # not every pass on 2G
        clock.now += 180
        agent.run_pass()
        assert heartbeats(rig) == 1
