"""Generated citizens are realistic enough to exercise the real parser, catalog and session."""

import unicodedata
from datetime import UTC, date, datetime

from kiosk.domain.catalog import Need, load_catalog
from kiosk.domain.cccd import format_cccd, parse_cccd
from kiosk.domain.fake_citizens import FakeCitizens, sample_identities
from kiosk.domain.identity import Gender
from kiosk.domain.session import Session, Step
from kiosk.paths import ASSETS_DIR

CATALOG = load_catalog(ASSETS_DIR / "catalog" / "procedures.json")
TODAY = date(2026, 11, 22)


def test_the_same_seed_gives_the_same_people() -> None:
    assert sample_identities(7, TODAY, 20) == sample_identities(7, TODAY, 20)
    assert sample_identities(7, TODAY, 20) != sample_identities(8, TODAY, 20)


def test_identities_survive_their_own_card_payload() -> None:
    for index, identity in enumerate(sample_identities(1, TODAY, 300)):
        payload = format_cccd(identity, trailing_empty=index % 5).encode("utf-8")
        assert parse_cccd(payload, today=TODAY) == identity


def test_names_are_vietnamese_with_diacritics() -> None:
    people = sample_identities(2, TODAY, 400)
    names = [p.full_name for p in people]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert all(2 <= len(n.split()) <= 4 for n in names)
    assert sum(not n.isascii() for n in names) > 0.9 * len(names)
    assert any(n.startswith("Huỳnh ") for n in names)
    assert any(n.startswith("Nguyễn Thị ") for n in names)
    women = [p for p in people if p.gender is Gender.FEMALE]
    assert 0.35 < len(women) / len(people) < 0.65
    assert all(" Văn " not in f" {p.full_name} " for p in women)


def test_ages_and_dates_are_plausible() -> None:
    for person in sample_identities(3, TODAY, 300):
        age = (TODAY - person.date_of_birth).days / 365.25
        assert 18 <= age <= 91
        if person.issue_date is not None:
            assert date(2021, 1, 1) <= person.issue_date <= TODAY


def test_answers_are_valid_for_every_procedure_and_follow_show_if() -> None:
    citizens = FakeCitizens(4, TODAY)
    for procedure in CATALOG.procedures:
        for _ in range(40):
            answers = citizens.answers(procedure)
            visible = procedure.visible_fields(answers)
            assert set(answers) == {f.id for f in visible}
            for field in visible:
                assert field.validate(answers[field.id], today=TODAY) is None
            plan = {r.id: pages for r, pages in citizens.document_plan(procedure, answers)}
            for requirement, need in procedure.checklist(answers):
                if need is Need.REQUIRED:
                    assert plan[requirement.id] >= requirement.min_pages


def test_a_generated_citizen_walks_the_whole_session() -> None:
    citizens = FakeCitizens(5, TODAY)
    now = 0.0
    for procedure in CATALOG.procedures:
        session = Session(CATALOG, lambda: now, wall_clock=lambda: datetime(2026, 11, 22, 3, tzinfo=UTC))
        session.start()
        session.choose_procedure(procedure.code)
        session.login(citizens.identity())
        answers = citizens.answers(procedure)
        for _ in range(len(procedure.fields)):
            current = session.current_field
            if current is None:
                break
            assert session.answer(answers[current.id]) is None
        for requirement, pages in citizens.document_plan(procedure, answers):
            session.add_pages(requirement.id, [b"page"] * pages)
        assert session.finish_documents() == ()
        session.to_confirm()
        assert session.kiosk_code is not None
        session.enter_code(session.kiosk_code)
        application = session.confirm()
        assert dict(application.answers) == answers
        assert session.step is Step.DONE
