"""Random walks through the session: whatever is tapped in whatever order, the invariants hold.

Each action either moves the session or is refused with StepError (a UI bug signal), never
anything else; and after every action the session is in a coherent state.
"""

import contextlib
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.application import ConfirmationMethod
from kiosk.domain.catalog import load_catalog
from kiosk.domain.fake_citizens import FakeCitizens
from kiosk.domain.session import IdlePhase, Session, Step, StepError
from kiosk.paths import ASSETS_DIR

CATALOG = load_catalog(ASSETS_DIR / "catalog" / "procedures.json")
TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 3, tzinfo=UTC)
ACTIONS = (
    "start", "choose", "login", "answer", "bad_answer", "back", "edit", "edit_documents",
    "add_pages", "remove_page", "finish_documents", "to_confirm", "right_code", "wrong_code",
    "confirm", "finish", "rate", "skip_rating", "cancel", "wait", "still_here",
)  # fmt: skip


def progress_action(session: Session) -> str:  # noqa: PLR0911 - one answer per step
    """The button a citizen who knows what they are doing taps next."""
    match session.step:
        case Step.WELCOME:
            return "start"
        case Step.PROCEDURE:
            return "choose"
        case Step.LOGIN:
            return "login"
        case Step.QUESTIONS:
            return "answer"
        case Step.DOCUMENTS:
            return "add_pages" if session.missing_documents() else "finish_documents"
        case Step.REVIEW:
            return "to_confirm"
        case Step.CONFIRM:
            return "confirm" if session.draft.confirmation else "right_code"
        case Step.DONE:
            return "finish"
        case Step.RATING:
            return "rate"


class Walker:
    def __init__(self, seed: int) -> None:
        self.time = 0.0
        self.session = Session(CATALOG, lambda: self.time, wall_clock=lambda: NOW)
        self.citizens = FakeCitizens(seed, TODAY)
        self.seed = seed
        self.seen: set[Step] = set()

    def act(self, action: str, pick: int) -> None:  # noqa: PLR0912 - one branch per button
        s = self.session
        match action:
            case "start":
                s.start()
            case "choose":
                s.choose_procedure(CATALOG.procedures[pick % len(CATALOG.procedures)].code)
            case "login":
                s.login(self.citizens.identity())
            case "answer":
                field = s.current_field
                if field is None:
                    raise StepError("no question")
                assert s.answer(self.citizens.answer(field)) is None
            case "bad_answer":
                field = s.current_field
                if field is None or not field.required:
                    raise StepError("no required question")
                assert s.answer("") is not None
            case "back":
                s.back()
            case "edit":
                items = s.review_items()
                if not items:
                    raise StepError("nothing to edit")
                s.edit(items[pick % len(items)][0].id)
            case "edit_documents":
                s.edit_documents()
            case "add_pages":
                checklist = s.checklist() if s.procedure else ()
                if not checklist:
                    raise StepError("no documents")
                item = checklist[pick % len(checklist)]
                s.add_pages(item.requirement.id, [b"page"] * max(1, item.requirement.min_pages))
            case "remove_page":
                checklist = s.checklist() if s.procedure else ()
                s.remove_page(checklist[pick % len(checklist)].requirement.id if checklist else "", 0)
            case "finish_documents":
                s.finish_documents()
            case "to_confirm":
                s.to_confirm()
            case "right_code":
                s.enter_code(s.kiosk_code or "")
            case "wrong_code":
                s.enter_code("x")
            case "confirm":
                s.confirm()
            case "finish":
                s.finish()
            case "rate":
                s.rate(1 + pick % 3)
            case "skip_rating":
                s.skip_rating()
            case "cancel":
                s.cancel()
            case "wait":
                self.time += (30, 95, 200)[pick % 3]
                s.tick()
            case "still_here":
                s.still_here()

    def check(self) -> None:
        s = self.session
        step = s.step
        if step in (Step.WELCOME, Step.RATING):
            assert s.identity is None
            assert s.answers == {}
            assert s.confirmed is None
        if step in (Step.WELCOME, Step.PROCEDURE):
            assert s.procedure is None
        if step not in (Step.WELCOME, Step.PROCEDURE, Step.LOGIN, Step.RATING):
            assert s.identity is not None
            assert s.procedure is not None
            visible = {f.id for f in s.procedure.visible_fields(s.answers)}
            assert set(s.answers) <= visible
        if step is Step.QUESTIONS:
            assert s.current_field is not None
        else:
            assert s.current_field is None
        if step in (Step.REVIEW, Step.CONFIRM, Step.DONE):
            assert s.missing_documents() == ()
            for field in s.procedure.visible_fields(s.answers) if s.procedure else ():
                assert field.validate(s.answers.get(field.id), today=TODAY) is None
        if s.kiosk_code is not None:
            assert step is Step.CONFIRM
            assert s.confirmation_method is ConfirmationMethod.KIOSK_CODE
        if step is Step.DONE:
            assert s.confirmed is not None
        assert s.tick().phase is not IdlePhase.EXPIRED or s.step is Step.WELCOME


@settings(database=None, max_examples=150, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**6),
    st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(ACTIONS), st.integers(0, 7)),
        min_size=20,
        max_size=100,
    ),
)
def test_random_walks_keep_the_session_coherent(
    seed: int, moves: list[tuple[int, str, int]]
) -> None:
    """Each move is the sensible next tap (4 times in 5) or any button at all."""
    walker = Walker(seed)
    for mode, action, pick in moves:
        with contextlib.suppress(StepError):
            walker.act(progress_action(walker.session) if mode else action, pick)
        walker.check()
        walker.seen.add(walker.session.step)


def test_sensible_taps_alone_go_round_the_whole_flow() -> None:
    """So the random walks, half sensible, reach the deep steps too."""
    for index in range(len(CATALOG.procedures)):
        walker = Walker(index)
        for _ in range(40):
            walker.act(progress_action(walker.session), index)
            walker.check()
            walker.seen.add(walker.session.step)
            if walker.session.step is Step.WELCOME:
                break
        assert walker.seen == set(Step)
        assert walker.session.last_end is not None
