"""The session state machine: every transition, the documents gate, the code, and the idle wipe."""

import gc
import weakref
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from kiosk.domain.application import ConfirmationMethod
from kiosk.domain.catalog import Catalog, Field, FieldKind, Msg, Need, Procedure, load_catalog
from kiosk.domain.identity import Gender, Identity
from kiosk.domain.session import (
    CodeCheck,
    EndReason,
    IdlePhase,
    Session,
    Step,
    StepError,
)
from kiosk.paths import ASSETS_DIR
from tests.fakes import FakeClock

CATALOG = load_catalog(ASSETS_DIR / "catalog" / "procedures.json")
ICT = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=ICT)
PNG = b"\x89PNG\r\n\x1a\n" + b"page"


def make_identity() -> Identity:
    return Identity(
        citizen_id="049189012345",
        old_id="",
        full_name="Huỳnh Thị Ánh",
        date_of_birth=date(1989, 3, 15),
        gender=Gender.FEMALE,
        address="Thôn Lý Trường, xã Bình Phú, Đà Nẵng",
        issue_date=date(2022, 2, 1),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)


@pytest.fixture
def session(clock: FakeClock) -> Session:
    return Session(CATALOG, clock, wall_clock=lambda: NOW)


def at_questions(session: Session, code: str = "HT-XNHN") -> Session:
    session.start()
    session.choose_procedure(code)
    session.login(make_identity())
    return session


def answer_all(session: Session, *answers: str) -> None:
    for value in answers:
        assert session.answer(value) is None, (session.current_field, value)


def at_review(session: Session) -> Session:
    at_questions(session)
    answer_all(session, "nha_dat", "da_ly_hon", "no")
    session.add_pages("divorce_decision", [PNG])
    assert session.finish_documents() == ()
    return session


def step_of(session: Session) -> Step:
    """Read through a call so that mypy does not narrow `session.step` across actions."""
    return session.step


def field_id(session: Session) -> str | None:
    current = session.current_field
    return None if current is None else current.id


def test_a_complete_session_with_a_kiosk_code(session: Session) -> None:
    assert step_of(session) is Step.WELCOME
    session.start()
    assert step_of(session) is Step.PROCEDURE
    session.choose_procedure("HT-XNHN")
    assert step_of(session) is Step.LOGIN
    session.login(make_identity())
    assert (session.step, field_id(session)) == (Step.QUESTIONS, "purpose")
    assert session.question_position() == (1, 3)
    assert session.answer("nha_dat") is None
    assert field_id(session) == "marital_status"  # the spouse's name is not asked
    answer_all(session, "da_ly_hon", "no")
    assert step_of(session) is Step.DOCUMENTS
    items = {i.requirement.id: i for i in session.checklist()}
    assert items["divorce_decision"].need is Need.REQUIRED
    assert items["previous_status_certificate"].need is Need.OPTIONAL
    assert [r.id for r in session.finish_documents()] == ["divorce_decision"]
    assert step_of(session) is Step.DOCUMENTS
    session.add_pages("divorce_decision", [PNG, PNG + b"2"])
    assert session.finish_documents() == ()
    assert step_of(session) is Step.REVIEW
    assert [(f.id, v) for f, v in session.review_items()] == [
        ("purpose", "nha_dat"),
        ("marital_status", "da_ly_hon"),
        ("lived_elsewhere", "no"),
    ]
    session.to_confirm()
    assert step_of(session) is Step.CONFIRM
    assert session.confirmation_method is ConfirmationMethod.KIOSK_CODE
    code = session.kiosk_code
    assert code is not None
    assert len(code) == 6
    assert code.isdigit()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert session.enter_code(wrong) is CodeCheck.WRONG
    assert session.attempts_left == 2
    assert session.enter_code(f" {code[:3]} {code[3:]} ") is CodeCheck.ACCEPTED
    application = session.confirm()
    assert step_of(session) is Step.DONE
    assert application.application_id.version == 4
    assert application.procedure_code == "HT-XNHN"
    assert application.catalog_version == CATALOG.version
    assert application.identity == make_identity()
    assert dict(application.answers) == {
        "purpose": "nha_dat",
        "marital_status": "da_ly_hon",
        "lived_elsewhere": "no",
    }
    assert [(d.doc_id, d.kind, d.pages) for d in application.documents] == [
        ("divorce_decision", "divorce_decision", (PNG, PNG + b"2"))
    ]
    assert application.confirmed_at == NOW
    assert application.confirmation.method is ConfirmationMethod.KIOSK_CODE
    assert application.confirmation.at == NOW
    assert session.confirmed is application
    session.finish()
    assert step_of(session) is Step.RATING
    assert (session.identity, session.draft.confirmed) == (None, None)
    rating = session.rate(3)
    assert (rating.procedure_code, rating.score, rating.at) == ("HT-XNHN", 3, NOW)
    assert step_of(session) is Step.WELCOME
    assert session.last_end is EndReason.FINISHED


def test_two_applications_get_different_ids(clock: FakeClock) -> None:
    ids = set()
    for _ in range(2):
        session = at_review(Session(CATALOG, clock, wall_clock=lambda: NOW))
        session.to_confirm()
        assert session.kiosk_code is not None
        session.enter_code(session.kiosk_code)
        ids.add(session.confirm().application_id)
    assert len(ids) == 2


def test_show_if_asks_the_conditional_question_and_back_walks_it(session: Session) -> None:
    at_questions(session)
    answer_all(session, "ket_hon")
    assert field_id(session) == "intended_spouse_name"
    assert session.question_position() == (2, 4)
    assert session.answer("Nguye\u0302\u0303n Văn  Ba") is None
    assert session.answers["intended_spouse_name"] == "Nguyễn Văn Ba"
    assert field_id(session) == "marital_status"
    session.back()
    assert field_id(session) == "intended_spouse_name"
    session.back()
    assert field_id(session) == "purpose"
    session.back()
    assert step_of(session) is Step.LOGIN
    assert session.identity is None
    assert session.answers == {}
    assert session.procedure is not None


def test_an_invalid_answer_is_refused_with_its_message_id(session: Session) -> None:
    at_questions(session, "HT-KH")
    assert session.answer("") == Msg.REQUIRED
    assert session.answer("Nguyễn 3") == Msg.TEXT_PATTERN
    assert field_id(session) == "partner_name"
    answer_all(session, "Trần Văn Bình")
    assert session.answer("2015-01-01") == Msg.DATE_TOO_RECENT  # today comes from the wall clock
    assert session.answer("2030-01-01") == Msg.DATE_IN_FUTURE
    assert field_id(session) == "partner_birth_date"


def test_edit_from_review_returns_to_review(session: Session) -> None:
    at_review(session)
    session.edit("lived_elsewhere")
    assert (session.step, field_id(session)) == (Step.QUESTIONS, "lived_elsewhere")
    answer_all(session, "yes")
    assert step_of(session) is Step.REVIEW
    assert session.answers["lived_elsewhere"] == "yes"


def test_edit_that_reveals_a_question_asks_it_before_returning(session: Session) -> None:
    at_review(session)
    session.edit("purpose")
    answer_all(session, "ket_hon")
    assert field_id(session) == "intended_spouse_name"
    answer_all(session, "Lê Văn Tám")
    assert step_of(session) is Step.REVIEW


def test_back_during_an_unfinished_edit_never_loses_the_login(session: Session) -> None:
    at_review(session)
    session.edit("purpose")
    answer_all(session, "ket_hon")
    assert field_id(session) == "intended_spouse_name"
    session.back()
    assert field_id(session) == "purpose"
    session.back()
    assert (step_of(session), field_id(session)) == (Step.QUESTIONS, "purpose")
    assert session.identity is not None
    answer_all(session, "nha_dat")
    assert step_of(session) is Step.REVIEW


def test_edit_that_hides_a_question_drops_its_answer(session: Session) -> None:
    at_questions(session)
    answer_all(session, "ket_hon", "Lê Văn Tám", "da_ly_hon", "no")
    session.add_pages("divorce_decision", [PNG])
    session.finish_documents()
    session.edit("purpose")
    answer_all(session, "vay_von")
    assert step_of(session) is Step.REVIEW
    assert "intended_spouse_name" not in session.answers


def test_edit_that_needs_a_new_document_goes_to_the_documents(session: Session) -> None:
    at_review(session)
    session.edit("marital_status")
    answer_all(session, "goa")
    assert step_of(session) is Step.DOCUMENTS
    assert [r.id for r in session.missing_documents()] == ["spouse_death_certificate"]
    session.add_pages("spouse_death_certificate", [PNG])
    assert session.finish_documents() == ()
    assert step_of(session) is Step.REVIEW


def test_back_from_an_edit_returns_to_review(session: Session) -> None:
    at_review(session)
    session.edit("marital_status")
    session.back()
    assert step_of(session) is Step.REVIEW
    session.edit_documents()
    assert step_of(session) is Step.DOCUMENTS
    session.back()
    assert (session.step, field_id(session)) == (Step.QUESTIONS, "lived_elsewhere")


def test_documents_pages_can_be_added_replaced_and_removed(session: Session) -> None:
    at_questions(session, "HT-KH")
    answer_all(session, "Trần Văn Bình", "1990-05-01", "yes", "no")
    assert step_of(session) is Step.DOCUMENTS
    assert [r.id for r in session.missing_documents()] == ["partner_id_card"]
    session.add_pages("partner_id_card", [b"front"])
    assert [r.id for r in session.finish_documents()] == ["partner_id_card"]  # min_pages is 2
    session.add_pages("partner_id_card", [b"back"])
    session.replace_page("partner_id_card", 0, b"front, rescanned")
    assert session.pages("partner_id_card") == (b"front, rescanned", b"back")
    session.remove_page("partner_id_card", 1)
    assert session.pages("partner_id_card") == (b"front, rescanned",)
    with pytest.raises(StepError, match="no page 5"):
        session.remove_page("partner_id_card", 5)
    with pytest.raises(StepError, match="not on this application's checklist"):
        session.add_pages("divorce_decision", [PNG])  # not previously married
    session.add_pages("partner_id_card", [b"back"])
    assert session.finish_documents() == ()


def test_a_partly_scanned_optional_document_holds_the_checklist(session: Session) -> None:
    at_questions(session, "HT-KT")
    answer_all(session, "Lê Văn Sáu", "con", "2026-11-20", "tai_nha")
    session.add_pages("death_notice_local", [PNG])
    session.add_pages("deceased_id_card", [b"front"])
    assert [r.id for r in session.finish_documents()] == ["deceased_id_card"]
    session.remove_page("deceased_id_card", 0)
    assert session.finish_documents() == ()


def test_too_many_wrong_codes_return_to_review_and_a_new_code_is_made(session: Session) -> None:
    at_review(session)
    session.to_confirm()
    code = session.kiosk_code
    assert code is not None
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert session.enter_code(wrong) is CodeCheck.WRONG
    assert session.enter_code("12") is CodeCheck.WRONG
    assert session.enter_code(wrong) is CodeCheck.LOCKED
    assert step_of(session) is Step.REVIEW
    assert session.kiosk_code is None
    session.to_confirm()
    assert session.attempts_left == 3
    with pytest.raises(StepError, match="not been confirmed"):
        session.confirm()


def test_otp_mode(clock: FakeClock) -> None:
    session = at_review(Session(CATALOG, clock, wall_clock=lambda: NOW, otp_available=True))
    session.to_confirm()
    assert session.confirmation_method is ConfirmationMethod.OTP
    assert session.kiosk_code is None
    with pytest.raises(StepError, match="no kiosk code"):
        session.enter_code("123456")
    verified = datetime(2026, 11, 23, 2, 31, tzinfo=UTC)
    session.otp_verified(verified)
    application = session.confirm()
    assert application.confirmation.method is ConfirmationMethod.OTP
    assert application.confirmation.at == verified


def test_otp_can_fall_back_to_a_kiosk_code(clock: FakeClock) -> None:
    session = at_review(Session(CATALOG, clock, wall_clock=lambda: NOW, otp_available=True))
    session.to_confirm()
    session.use_kiosk_code()
    assert session.confirmation_method is ConfirmationMethod.KIOSK_CODE
    assert session.kiosk_code is not None
    with pytest.raises(StepError, match="not in OTP mode"):
        session.otp_verified(NOW)
    assert session.enter_code(session.kiosk_code) is CodeCheck.ACCEPTED
    assert session.confirm().confirmation.method is ConfirmationMethod.KIOSK_CODE


def test_back_from_confirm_discards_the_code(session: Session) -> None:
    at_review(session)
    session.to_confirm()
    session.back()
    assert step_of(session) is Step.REVIEW
    assert session.kiosk_code is None
    session.back()
    assert step_of(session) is Step.DOCUMENTS


def test_back_from_the_first_steps(session: Session) -> None:
    session.start("en")
    session.choose_procedure("HT-KT")
    session.back()
    assert step_of(session) is Step.PROCEDURE
    assert session.procedure is None
    session.back()
    assert step_of(session) is Step.WELCOME
    assert session.last_end is EndReason.CANCELLED
    assert session.language == "vi"
    with pytest.raises(StepError, match="no going back"):
        session.back()


@pytest.mark.parametrize(
    "action",
    [
        lambda s: s.choose_procedure("HT-KT"),
        lambda s: s.login(make_identity()),
        lambda s: s.answer("x"),
        lambda s: s.add_pages("x", [PNG]),
        lambda s: s.finish_documents(),
        lambda s: s.to_confirm(),
        lambda s: s.enter_code("123456"),
        lambda s: s.confirm(),
        lambda s: s.finish(),
        lambda s: s.rate(3),
        lambda s: s.edit("purpose"),
    ],
)
def test_actions_out_of_step_are_refused(session: Session, action: Callable[[Session], object]) -> None:
    with pytest.raises(StepError, match="not allowed in step welcome"):
        action(session)
    assert step_of(session) is Step.WELCOME


def test_unknown_procedure_and_field(session: Session) -> None:
    session.start()
    with pytest.raises(KeyError):
        session.choose_procedure("HT-NOPE")
    at_review(Session(CATALOG, FakeClock(1000.0), wall_clock=lambda: NOW)).edit("lived_elsewhere")
    review = at_review(Session(CATALOG, FakeClock(1000.0), wall_clock=lambda: NOW))
    with pytest.raises(StepError, match="not a question shown"):
        review.edit("intended_spouse_name")


def test_rating_is_optional_and_bounded(session: Session) -> None:
    at_review(session)
    session.to_confirm()
    assert session.kiosk_code is not None
    session.enter_code(session.kiosk_code)
    session.confirm()
    session.finish()
    with pytest.raises(ValueError, match="1, 2 or 3"):
        session.rate(5)
    session.skip_rating()
    assert step_of(session) is Step.WELCOME


@pytest.mark.parametrize("steps", range(8))
def test_cancel_from_any_step_wipes_everything(session: Session, steps: int) -> None:
    moves: list[Callable[[], object]] = [
        session.start,
        lambda: session.choose_procedure("HT-XNHN"),
        lambda: session.login(make_identity()),
        lambda: session.answer("nha_dat"),
        lambda: answer_all(session, "da_ly_hon", "no"),
        lambda: session.add_pages("divorce_decision", [PNG]),
        session.finish_documents,
        session.to_confirm,
    ]
    for move in moves[: steps + 1]:
        move()
    session.cancel()
    assert step_of(session) is Step.WELCOME
    assert session.last_end is EndReason.CANCELLED
    assert (session.identity, session.procedure, session.kiosk_code) == (None, None, None)
    assert session.answers == {}


# ---- idle timeout ---------------------------------------------------------------------------


def test_idle_warning_then_wipe(session: Session, clock: FakeClock) -> None:
    at_questions(session)
    answer_all(session, "ket_hon", "Lê Văn Tám", "da_ly_hon", "no")
    session.add_pages("divorce_decision", [PNG])
    draft = session.draft
    draft_ref = weakref.ref(draft)
    identity_ref = weakref.ref(draft.identity) if draft.identity else None
    answers, pages = draft.answers, draft.pages
    del draft

    clock.advance(89.9)
    status = session.tick()
    assert status.phase is IdlePhase.ACTIVE
    assert status.remaining_s == pytest.approx(0.1)
    clock.advance(0.1)
    status = session.tick()
    assert (status.phase, status.remaining_s) == (IdlePhase.WARNING, 60.0)
    clock.advance(59.9)
    assert session.tick().phase is IdlePhase.WARNING
    assert step_of(session) is Step.DOCUMENTS
    clock.advance(0.1)
    assert session.tick().phase is IdlePhase.EXPIRED
    assert step_of(session) is Step.WELCOME
    assert session.last_end is EndReason.TIMED_OUT
    assert session.identity is None
    assert session.answers == {}
    assert answers == {}
    assert pages == {}
    gc.collect()
    assert draft_ref() is None
    assert identity_ref is not None
    assert identity_ref() is None


def test_still_here_extends_as_often_as_needed(session: Session, clock: FakeClock) -> None:
    at_questions(session)
    for _ in range(5):
        clock.advance(120)
        assert session.tick().phase is IdlePhase.WARNING
        session.still_here()
        assert session.tick().phase is IdlePhase.ACTIVE
    assert step_of(session) is Step.QUESTIONS
    assert session.identity is not None


def test_any_answer_counts_as_a_touch(session: Session, clock: FakeClock) -> None:
    at_questions(session)
    clock.advance(80)
    answer_all(session, "nha_dat")
    clock.advance(80)
    assert session.tick().phase is IdlePhase.ACTIVE


def test_no_timeout_while_a_device_is_busy(session: Session, clock: FakeClock) -> None:
    at_questions(session)
    answer_all(session, "nha_dat", "chua_ket_hon", "no")
    session.set_busy("scanner", True)
    session.set_busy("printer", True)
    clock.advance(1000)
    assert session.tick().phase is IdlePhase.ACTIVE
    session.set_busy("scanner", False)
    clock.advance(1000)
    assert session.tick().phase is IdlePhase.ACTIVE
    session.set_busy("printer", False)
    clock.advance(89)
    assert session.tick().phase is IdlePhase.ACTIVE
    clock.advance(2)
    assert session.tick().phase is IdlePhase.WARNING


def test_welcome_never_times_out(session: Session, clock: FakeClock) -> None:
    clock.advance(10_000)
    assert session.tick().phase is IdlePhase.ACTIVE
    assert session.last_end is None


def test_custom_timeouts_and_explicit_now(clock: FakeClock) -> None:
    session = at_questions(Session(CATALOG, clock, idle_timeout_s=5, warning_s=2, wall_clock=lambda: NOW))
    assert session.tick(clock.now + 5).phase is IdlePhase.WARNING
    assert session.tick(clock.now + 7).phase is IdlePhase.EXPIRED


def test_timeout_after_done_wipes_the_confirmed_application(session: Session, clock: FakeClock) -> None:
    at_review(session)
    session.to_confirm()
    assert session.kiosk_code is not None
    session.enter_code(session.kiosk_code)
    session.confirm()
    clock.advance(150)
    assert session.tick().phase is IdlePhase.EXPIRED
    assert session.confirmed is None


def test_a_procedure_without_questions_goes_straight_to_documents(clock: FakeClock) -> None:
    base = CATALOG.get("HT-TLHT")
    bare = Procedure(
        code="X-1", group=base.group, title_vi="Thử", title_en="Test", summary_vi="Thử",
        summary_en="Test", fields=(), documents=base.documents[1:], processing_days=0,
        fee_vnd=0, return_in_person=False,
    )  # fmt: skip
    catalog = Catalog("t", CATALOG.groups, (bare,), CATALOG.places)
    session = at_questions(Session(catalog, clock, wall_clock=lambda: NOW), "X-1")
    assert step_of(session) is Step.DOCUMENTS
    assert session.question_position() == (0, 0)
    session.back()
    assert step_of(session) is Step.LOGIN
    assert session.identity is None


def test_optional_question_may_be_left_empty(clock: FakeClock) -> None:
    base = CATALOG.get("HT-TLHT")
    note = Field(id="note", kind=FieldKind.TEXT, label_vi="Ghi chú", label_en="Note", required=False)
    procedure = Procedure(
        code="X-2", group=base.group, title_vi="Thử", title_en="Test", summary_vi="Thử",
        summary_en="Test", fields=(note,), documents=(), processing_days=0, fee_vnd=0,
        return_in_person=False,
    )  # fmt: skip
    session = at_questions(Session(Catalog("t", CATALOG.groups, (procedure,)), clock), "X-2")
    assert session.answer("   ") is None
    assert step_of(session) is Step.DOCUMENTS
    assert session.answers == {}
    assert session.finish_documents() == ()
    assert step_of(session) is Step.REVIEW
