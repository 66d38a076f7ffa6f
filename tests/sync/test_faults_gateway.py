"""Every scripted gateway answer: nothing lost, nothing duplicated, only the bad quarantined.

The reference gateway's fault mode answers the next matching requests with canned, signed
problems (or unsigned pages); after each script the agent must have put every sealed
application on the gateway exactly once with matching hashes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sync.agent.link import LinkState
from sync.gateway.faults import Fault
from sync.gateway.limits import GatewayLimits
from tests.fakes import FakeClock
from tests.sync.rig import Rig, make_rig
from tests.sync.sealed_store import SealedApp

DOC = r"/documents/"
COMMIT = r"/commit$"

Script = Callable[[list[SealedApp]], list[Fault]]


WITH_UPLOAD = "creation-with-upload"


@pytest.fixture(params=["create+patch", WITH_UPLOAD])
def upload_mode(request: pytest.FixtureRequest) -> str:
    """Both ways a document travels: a gateway that predates creation-with-upload (create,
    then PATCHes) and one that takes the first chunk in the create."""
    return str(request.param)


@pytest.fixture
def rig(tmp_path: Path, upload_mode: str) -> Iterator[Rig]:
    limits = GatewayLimits(creation_with_upload=upload_mode == WITH_UPLOAD)
    with make_rig(tmp_path, limits) as r:
        yield r


def _aimed(upload_mode: str, faults: list[Fault]) -> list[Fault]:
    """A PATCH's fault hits the create that carries the chunk when the gateway takes one
    (documents of a few KB then travel in the create alone)."""
    if upload_mode != WITH_UPLOAD:
        return faults
    return [replace(f, method="POST", path=DOC if f.path is None else f"{f.path}.*{DOC}")
            if f.method == "PATCH" else f for f in faults]


def _all(kind: Callable[..., Fault], **kw: object) -> Script:
    """The fault on PUT, on a PATCH, on the commit and on the status pull."""
    return lambda _apps: [kind(method="PUT", **kw), kind(method="PATCH", **kw),
                          kind(method="POST", path=COMMIT, **kw),
                          kind(method="GET", path="/applications$", **kw)]


def _status(status: int, *, method: str | None = None, path: str | None = None,
            times: int = 1, **kw: object) -> Script:
    return lambda _apps: [Fault.answer(status, method=method, path=path, **kw)  # type: ignore[arg-type]
                          for _ in range(times)]


SCRIPTS: dict[str, Script] = {
    "201 passthrough": _all(Fault.passthrough),
    "200 replay": _all(Fault.replay),
    "answer lost": _all(Fault.drop_response),
    "bad signature": _all(Fault.bad_signature),
    "captive portal": lambda _a: [Fault.captive_portal(method="GET", path="/ping$"),
                                  *_all(Fault.captive_portal)(_a)],
    "409 in progress on PUT and commit": lambda _a: [
        Fault.answer(409, method="PUT"), Fault.answer(409, method="POST", path=COMMIT)],
    "423 on PATCH": _status(423, method="PATCH", times=2),
    "429 Retry-After": _status(429, method="PUT", retry_after=7),
    "500": lambda _a: [Fault.answer(500, method="PUT"), Fault.answer(500, method="PATCH"),
                       Fault.answer(500, method="POST", path=COMMIT)],
    "503 Retry-After": _status(503, retry_after=3, times=3),
    "413 on PATCH": _status(413, method="PATCH", times=2),
    "460 on PATCH": _status(460, method="PATCH", times=3),
    "404 on PATCH": _status(404, method="PATCH"),
    "410 on PATCH": _status(410, method="PATCH"),
    "404 on commit": _status(404, method="POST", path=COMMIT),
    "401 clock_skew": _status(401, method="PUT", code="clock_skew"),
    "422 document_hash twice": _status(422, method="PATCH", code="document_hash", times=2),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_every_application_arrives_once_under(rig: Rig, name: str, upload_mode: str) -> None:
    apps = rig.seal(3, page_bytes=3000)
    rig.gateway.control.script(*_aimed(upload_mode, SCRIPTS[name](apps)))
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as agent:
        report = agent.run_once(budget_s=3600)
    assert report.drained, (name, report)
    assert rig.gateway.control.pending_faults() == ()
    rig.assert_on_gateway(apps)


def test_retry_after_is_honoured_on_the_injected_clock(rig: Rig) -> None:
    apps = rig.seal(1, page_bytes=1000)
    rig.gateway.control.script(Fault.answer(429, method="PUT", retry_after=42),
                               Fault.answer(503, method="GET", path="/ping$", retry_after=9))
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as agent:
        assert agent.run_once(budget_s=3600).drained
    assert clock.waits == [9, 42]  # the ping is refused first, then the PUT
    rig.assert_on_gateway(apps)


def test_manifest_conflict_quarantines_that_one_and_the_queue_goes_on(rig: Rig) -> None:
    apps = rig.seal(3, page_bytes=2000)
    bad = apps[1]
    rig.gateway.control.script(Fault.answer(422, method="PUT", path=bad.application_id,
                                            code="manifest_conflict"))
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as agent:
        report = agent.run_once()
    assert report.drained
    assert (report.sent, report.quarantined) == (2, 1)
    rig.assert_on_gateway([apps[0], apps[2]], quarantined=[bad])


def test_document_hash_three_times_quarantines(rig: Rig, upload_mode: str) -> None:
    apps = rig.seal(2, page_bytes=2000)
    faults = [Fault.answer(422, method="PATCH", path=apps[0].application_id,
                           code="document_hash") for _ in range(3)]
    # With creation-with-upload the first whole-document check is the create's; the agent
    # then re-uploads by a plain create and PATCHes, so the next two checks are PATCHes'.
    rig.gateway.control.script(*_aimed(upload_mode, faults[:1]), *faults[1:])
    with rig.agent(FakeClock.from_real_time()) as agent:
        report = agent.run_once()
    assert report.quarantined == 1
    rig.assert_on_gateway([apps[1]], quarantined=[apps[0]])


@pytest.mark.log_warnings_expected
def test_auth_refused_pauses_the_whole_queue_and_says_so(rig: Rig) -> None:
    apps = rig.seal(2, page_bytes=1000)
    rig.gateway.control.script(Fault.answer(403, method="PUT"))
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as agent:
        report = agent.run_once()
        assert report.paused is not None
        assert report.link is LinkState.PAUSED
        assert report.sent == 0
        assert report.quarantined == 0         # nothing is blamed on the applications
        assert rig.gateway.control.applications() == []
        again = agent.run_once()
    assert again.drained
    rig.assert_on_gateway(apps)


def test_one_application_failing_does_not_hold_up_the_others(rig: Rig) -> None:
    apps = rig.seal(3, page_bytes=1000)
    first = apps[0].application_id
    rig.gateway.control.script(*[Fault.answer(500, method="PUT", path=first) for _ in range(4)])
    clock = FakeClock.from_real_time()
    with rig.agent(clock) as agent:
        report = agent.run_pass()
        assert (report.sent, report.deferred) == (2, 1)   # the queue went on in the same pass
        assert agent.run_once(budget_s=3600).drained
    assert 0 < sum(clock.waits) < 60                       # its own backoff, not the cap
    rig.assert_on_gateway(apps)
