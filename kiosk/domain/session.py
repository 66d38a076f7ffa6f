"""The citizen's session as a state machine, without Qt.

One screen per step, one question per screen. The UI's view-models call these methods and render
whatever step and question the session is in; every rule (which question comes next, whether the
documents are complete, whether the code is right, when an idle session is wiped) lives here, so
it is tested without a display. Personal data lives only in the session's draft, in memory, and
is dropped when the session ends, is cancelled, or times out.
"""

import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal

from kiosk.domain.application import (
    Confirmation,
    ConfirmationMethod,
    ConfirmedApplication,
    DocumentPages,
    Rating,
)
from kiosk.domain.catalog_model import Catalog, DocumentRequirement, Field, Need, Procedure
from kiosk.domain.identity import Identity

DEFAULT_IDLE_TIMEOUT_S: Final = 90.0
DEFAULT_WARNING_S: Final = 60.0
DEFAULT_CODE_ATTEMPTS: Final = 3
CODE_DIGITS: Final = 6
MAX_PAGES_PER_DOCUMENT: Final = 50


class Step(StrEnum):
    """The screens of a session, in order; RATING leads back to WELCOME."""

    WELCOME = "welcome"
    PROCEDURE = "procedure"
    LOGIN = "login"
    QUESTIONS = "questions"
    DOCUMENTS = "documents"
    REVIEW = "review"
    CONFIRM = "confirm"
    DONE = "done"
    RATING = "rating"


class IdlePhase(StrEnum):
    """ACTIVE: someone is there; WARNING: countdown shown; EXPIRED: the session was just wiped."""

    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


@dataclass(frozen=True)
class IdleStatus:
    phase: IdlePhase
    remaining_s: float  # until the warning (ACTIVE) or until the wipe (WARNING); 0 otherwise


class CodeCheck(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"  # too many wrong codes: back to the review screen, a new code next time


class EndReason(StrEnum):
    FINISHED = "finished"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"


class StepError(RuntimeError):
    """An action that the current step does not allow (a UI bug, never the citizen's fault)."""


@dataclass(frozen=True)
class ChecklistItem:
    requirement: DocumentRequirement
    need: Need
    page_count: int

    @property
    def complete(self) -> bool:
        """Enough pages, or (for an optional document) none at all."""
        if self.page_count == 0:
            return self.need is Need.OPTIONAL
        return self.page_count >= self.requirement.min_pages


@dataclass(eq=False)
class Draft:
    """Everything personal about the session in progress; dropped whole at the end."""

    procedure: Procedure | None = None
    identity: Identity | None = None
    answers: dict[str, str] = field(default_factory=dict)
    pages: dict[str, list[bytes]] = field(default_factory=dict)
    field_id: str | None = None
    editing: bool = False
    method: ConfirmationMethod | None = None
    code: str | None = None
    code_shown_at: datetime | None = None
    attempts_left: int = 0
    confirmation: Confirmation | None = None
    confirmed: ConfirmedApplication | None = None

    def clear(self) -> None:
        """Empty the containers too, so a reference kept elsewhere by mistake sees nothing."""
        for pages in self.pages.values():
            pages.clear()
        self.pages.clear()
        self.answers.clear()
        self.identity = None
        self.code = None
        self.confirmed = None
        self.confirmation = None


def _local_now() -> datetime:
    return datetime.now().astimezone()


class Session:
    """The flow WELCOME → PROCEDURE → LOGIN → QUESTIONS → DOCUMENTS → REVIEW → CONFIRM → DONE → RATING.

    `clock` is monotonic seconds (idle timing); `wall_clock` gives aware datetimes for what is
    recorded (confirmation time, ratings) and for "today" in date checks.
    """

    def __init__(
        self,
        catalog: Catalog,
        clock: Callable[[], float],
        idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S,
        warning_s: float = DEFAULT_WARNING_S,
        *,
        wall_clock: Callable[[], datetime] = _local_now,
        otp_available: bool = False,
        max_code_attempts: int = DEFAULT_CODE_ATTEMPTS,
    ) -> None:
        self.catalog = catalog
        self._clock = clock
        self._wall_clock = wall_clock
        self.idle_timeout_s = idle_timeout_s
        self.warning_s = warning_s
        self.otp_available = otp_available
        self.max_code_attempts = max_code_attempts
        self.language: Literal["vi", "en"] = "vi"
        self.last_end: EndReason | None = None
        self._step = Step.WELCOME
        self._draft = Draft()
        self._last_touch = clock()
        self._busy: set[str] = set()
        self._rating_procedure: str | None = None

    # ---- what the screens show -------------------------------------------------------------

    @property
    def step(self) -> Step:
        return self._step

    @property
    def draft(self) -> Draft:
        return self._draft

    @property
    def procedure(self) -> Procedure | None:
        return self._draft.procedure

    @property
    def identity(self) -> Identity | None:
        return self._draft.identity

    @property
    def answers(self) -> Mapping[str, str]:
        return MappingProxyType(self._draft.answers)

    @property
    def current_field(self) -> Field | None:
        if self._step is not Step.QUESTIONS or self._draft.field_id is None:
            return None
        return self._require_procedure().field(self._draft.field_id)

    @property
    def confirmation_method(self) -> ConfirmationMethod | None:
        return self._draft.method

    @property
    def kiosk_code(self) -> str | None:
        """The code to show and speak in kiosk-code mode (None in OTP mode)."""
        return self._draft.code

    @property
    def attempts_left(self) -> int:
        return self._draft.attempts_left

    @property
    def confirmed(self) -> ConfirmedApplication | None:
        return self._draft.confirmed

    def question_position(self) -> tuple[int, int]:
        """(1-based number of the current question, number of questions now shown)."""
        fields = self._visible()
        ids = [f.id for f in fields]
        current = self._draft.field_id
        return (ids.index(current) + 1 if current in ids else 0, len(fields))

    def checklist(self) -> tuple[ChecklistItem, ...]:
        procedure = self._require_procedure()
        pages = self._draft.pages
        return tuple(
            ChecklistItem(req, need, len(pages.get(req.id, ())))
            for req, need in procedure.checklist(self._draft.answers)
        )

    def pages(self, doc_id: str) -> tuple[bytes, ...]:
        return tuple(self._draft.pages.get(doc_id, ()))

    def missing_documents(self) -> tuple[DocumentRequirement, ...]:
        return tuple(item.requirement for item in self.checklist() if not item.complete)

    def review_items(self) -> tuple[tuple[Field, str], ...]:
        """Each shown question with its answer, for the "check your answers" screen."""
        answers = self._draft.answers
        return tuple((f, answers[f.id]) for f in self._visible() if f.id in answers)

    # ---- moving through the steps ----------------------------------------------------------

    def start(self, language: Literal["vi", "en"] = "vi") -> None:
        self._expect(Step.WELCOME)
        self.language = language
        self.last_end = None
        self._goto(Step.PROCEDURE)

    def choose_procedure(self, code: str) -> None:
        self._expect(Step.PROCEDURE)
        self._draft.procedure = self.catalog.get(code)
        self._goto(Step.LOGIN)

    def login(self, identity: Identity) -> None:
        self._expect(Step.LOGIN)
        self._draft.identity = identity
        self._after_answers(self._first_field_id())

    def answer(self, value: str) -> str | None:
        """Store the answer to the current question and move on; or return why it is refused."""
        self._expect(Step.QUESTIONS)
        current = self.current_field
        assert current is not None
        error = current.validate(value, today=self._today())
        if error is not None:
            self.touch()
            return error
        normalised = current.normalise(value)
        if normalised:
            self._draft.answers[current.id] = normalised
        else:
            self._draft.answers.pop(current.id, None)
        self._drop_hidden_answers()
        if self._draft.editing:
            self._after_answers(self._first_unanswered_id())
        else:
            self._after_answers(self._next_field_id(current.id))
        return None

    def back(self) -> None:
        """The "Quay lại" button: one screen back (from an edit, back to the review)."""
        match self._step:
            case Step.PROCEDURE:
                self._end(EndReason.CANCELLED)
            case Step.LOGIN:
                self._draft.procedure = None
                self._goto(Step.PROCEDURE)
            case Step.QUESTIONS:
                self._back_from_question()
            case Step.DOCUMENTS:
                last = self._visible()[-1].id if self._visible() else None
                self._draft.editing = False
                self._question_or(last, self._to_login)
            case Step.REVIEW:
                self._goto(Step.DOCUMENTS)
            case Step.CONFIRM:
                self._discard_code()
                self._goto(Step.REVIEW)
            case Step.WELCOME | Step.DONE | Step.RATING:
                raise StepError(f"there is no going back from {self._step}")

    def edit(self, field_id: str) -> None:
        """"Sửa" on the review screen: ask that question again, then come back to the review."""
        self._expect(Step.REVIEW)
        if field_id not in {f.id for f in self._visible()}:
            raise StepError(f"{field_id!r} is not a question shown for this application")
        self._draft.editing = True
        self._draft.field_id = field_id
        self._goto(Step.QUESTIONS)

    def edit_documents(self) -> None:
        self._expect(Step.REVIEW)
        self._goto(Step.DOCUMENTS)

    def add_pages(self, doc_id: str, pages: Sequence[bytes]) -> None:
        self._expect(Step.DOCUMENTS)
        self._checklist_id(doc_id)
        held = self._draft.pages.setdefault(doc_id, [])
        if len(held) + len(pages) > MAX_PAGES_PER_DOCUMENT:
            raise StepError(f"{doc_id}: more than {MAX_PAGES_PER_DOCUMENT} pages")
        held.extend(pages)
        self.touch()

    def replace_page(self, doc_id: str, index: int, page: bytes) -> None:
        self._expect(Step.DOCUMENTS)
        self._page_list(doc_id, index)[index] = page
        self.touch()

    def remove_page(self, doc_id: str, index: int) -> None:
        self._expect(Step.DOCUMENTS)
        del self._page_list(doc_id, index)[index]
        self.touch()

    def finish_documents(self) -> tuple[DocumentRequirement, ...]:
        """Go on to the review, unless documents are missing: then stay, and say which."""
        self._expect(Step.DOCUMENTS)
        missing = self.missing_documents()
        if missing:
            self.touch()
            return missing
        self._draft.editing = False
        self._goto(Step.REVIEW)
        return ()

    def to_confirm(self) -> None:
        """From the review to the confirmation code: a fresh kiosk code, or OTP when online."""
        self._expect(Step.REVIEW)
        if self._first_unanswered_id() is not None or self.missing_documents():
            raise StepError("the review was reached with questions or documents missing")
        if self.otp_available:
            self._draft.method = ConfirmationMethod.OTP
        else:
            self._new_kiosk_code()
        self._goto(Step.CONFIRM)

    def use_kiosk_code(self) -> None:
        """The OTP did not come (no phone, no signal): confirm with a code shown by the kiosk."""
        self._expect(Step.CONFIRM)
        self._new_kiosk_code()
        self.touch()

    def enter_code(self, typed: str) -> CodeCheck:
        self._expect(Step.CONFIRM)
        draft = self._draft
        if draft.method is not ConfirmationMethod.KIOSK_CODE or draft.code is None:
            raise StepError("no kiosk code was shown")
        self.touch()
        digits = "".join(typed.split())
        if secrets.compare_digest(digits.encode(), draft.code.encode()):
            assert draft.code_shown_at is not None
            draft.confirmation = Confirmation(ConfirmationMethod.KIOSK_CODE, draft.code_shown_at)
            return CodeCheck.ACCEPTED
        draft.attempts_left -= 1
        if draft.attempts_left > 0:
            return CodeCheck.WRONG
        self._discard_code()
        self._goto(Step.REVIEW)
        return CodeCheck.LOCKED

    def otp_verified(self, verified_at: datetime) -> None:
        """The gateway accepted the OTP the citizen typed (checked outside the domain)."""
        self._expect(Step.CONFIRM)
        if self._draft.method is not ConfirmationMethod.OTP:
            raise StepError("the session is not in OTP mode")
        self._draft.confirmation = Confirmation(ConfirmationMethod.OTP, verified_at)
        self.touch()

    def confirm(self) -> ConfirmedApplication:
        """The confirmed application, to be sealed before anything else happens."""
        self._expect(Step.CONFIRM)
        draft = self._draft
        if draft.confirmation is None:
            raise StepError("the code has not been confirmed")
        procedure = self._require_procedure()
        assert draft.identity is not None
        documents = tuple(
            DocumentPages(doc_id=item.requirement.id, kind=item.requirement.id,
                          pages=self.pages(item.requirement.id))
            for item in self.checklist()
            if item.page_count
        )  # fmt: skip
        visible = {f.id for f in self._visible()}
        application = ConfirmedApplication(
            application_id=uuid.uuid4(),
            procedure_code=procedure.code,
            catalog_version=self.catalog.version,
            identity=draft.identity,
            answers=MappingProxyType({k: v for k, v in draft.answers.items() if k in visible}),
            documents=documents,
            confirmed_at=self._wall_clock(),
            confirmation=draft.confirmation,
        )
        draft.confirmed = application
        draft.code = None  # used; the confirmation keeps when it was shown
        self._goto(Step.DONE)
        return application

    def finish(self) -> None:
        """Done screen left: the person's data goes; only the procedure code stays for the rating."""
        self._expect(Step.DONE)
        self._rating_procedure = self._require_procedure().code
        self._wipe()
        self._goto(Step.RATING)

    def rate(self, score: int) -> Rating:
        self._expect(Step.RATING)
        if score not in (1, 2, 3):
            raise ValueError(f"a rating is 1, 2 or 3, not {score}")
        assert self._rating_procedure is not None
        rating = Rating(uuid.uuid4(), self._wall_clock(), self._rating_procedure, score)
        self._end(EndReason.FINISHED)
        return rating

    def skip_rating(self) -> None:
        self._expect(Step.RATING)
        self._end(EndReason.FINISHED)

    def cancel(self) -> None:
        """"Hủy" / leave: back to the welcome screen with nothing of the person kept."""
        self._end(EndReason.CANCELLED)

    # ---- idle timeout ----------------------------------------------------------------------

    def touch(self) -> None:
        """Any tap: the person is still there."""
        self._last_touch = self._clock()

    def still_here(self) -> None:
        """"Tôi vẫn đang dùng" on the countdown: a full idle period again."""
        self.touch()

    def set_busy(self, device: str, busy: bool) -> None:
        """While a device works (scanning, printing) nobody needs to touch the screen."""
        if busy:
            self._busy.add(device)
        else:
            self._busy.discard(device)
        self.touch()

    def tick(self, now: float | None = None) -> IdleStatus:
        """Called periodically by the UI; wipes the session when the countdown runs out."""
        now = self._clock() if now is None else now
        if self._step is Step.WELCOME:
            return IdleStatus(IdlePhase.ACTIVE, self.idle_timeout_s)
        if self._busy:
            self._last_touch = now
            return IdleStatus(IdlePhase.ACTIVE, self.idle_timeout_s)
        idle = now - self._last_touch
        if idle < self.idle_timeout_s:
            return IdleStatus(IdlePhase.ACTIVE, self.idle_timeout_s - idle)
        if idle < self.idle_timeout_s + self.warning_s:
            return IdleStatus(IdlePhase.WARNING, self.idle_timeout_s + self.warning_s - idle)
        self._end(EndReason.TIMED_OUT)
        return IdleStatus(IdlePhase.EXPIRED, 0.0)

    # ---- internals -------------------------------------------------------------------------

    def _today(self) -> date:
        return self._wall_clock().date()

    def _expect(self, step: Step) -> None:
        if self._step is not step:
            raise StepError(f"not allowed in step {self._step} (needs {step})")

    def _goto(self, step: Step) -> None:
        self._step = step
        self.touch()

    def _require_procedure(self) -> Procedure:
        if self._draft.procedure is None:
            raise StepError("no procedure chosen")
        return self._draft.procedure

    def _visible(self) -> tuple[Field, ...]:
        procedure = self._draft.procedure
        return () if procedure is None else procedure.visible_fields(self._draft.answers)

    def _first_field_id(self) -> str | None:
        fields = self._visible()
        return fields[0].id if fields else None

    def _next_field_id(self, after: str) -> str | None:
        ids = [f.id for f in self._visible()]
        position = ids.index(after) if after in ids else -1
        return ids[position + 1] if position + 1 < len(ids) else None

    def _first_unanswered_id(self) -> str | None:
        """The first shown question whose stored answer (or its absence) is not acceptable."""
        today = self._today()
        for f in self._visible():
            if f.validate(self._draft.answers.get(f.id), today=today) is not None:
                return f.id
        return None

    def _drop_hidden_answers(self) -> None:
        """Answers to questions that a changed answer now hides are not the citizen's answers."""
        answers = self._draft.answers
        for _ in range(len(answers) + 1):
            visible = {f.id for f in self._visible()}
            hidden = [k for k in answers if k not in visible]
            if not hidden:
                return
            for key in hidden:
                del answers[key]

    def _after_answers(self, next_field: str | None) -> None:
        """Ask `next_field`, or go on to the documents (or, when editing, back to the review)."""
        if next_field is not None:
            self._draft.field_id = next_field
            self._goto(Step.QUESTIONS)
            return
        self._draft.field_id = None
        if self._draft.editing and not self.missing_documents():
            self._draft.editing = False
            self._goto(Step.REVIEW)
        else:
            self._goto(Step.DOCUMENTS)

    def _back_from_question(self) -> None:
        draft = self._draft
        if draft.editing and self._first_unanswered_id() is None:
            draft.editing = False
            draft.field_id = None
            self._goto(Step.DOCUMENTS if self.missing_documents() else Step.REVIEW)
            return
        ids = [f.id for f in self._visible()]
        position = ids.index(draft.field_id) if draft.field_id in ids else 0
        if position == 0 and draft.editing:
            self.touch()  # an edit that revealed a new question never throws the card scan away
            return
        self._question_or(ids[position - 1] if position > 0 else None, self._to_login)

    def _question_or(self, field_id: str | None, otherwise: Callable[[], None]) -> None:
        if field_id is None:
            otherwise()
        else:
            self._draft.field_id = field_id
            self._goto(Step.QUESTIONS)

    def _to_login(self) -> None:
        """Back to the card scan: who the person is (and so all they entered) is forgotten."""
        procedure = self._draft.procedure
        self._wipe()
        self._draft.procedure = procedure
        self._goto(Step.LOGIN)

    def _checklist_id(self, doc_id: str) -> None:
        if doc_id not in {item.requirement.id for item in self.checklist()}:
            raise StepError(f"{doc_id!r} is not on this application's checklist")

    def _page_list(self, doc_id: str, index: int) -> list[bytes]:
        self._checklist_id(doc_id)
        pages = self._draft.pages.get(doc_id, [])
        if not 0 <= index < len(pages):
            raise StepError(f"{doc_id} has no page {index}")
        return pages

    def _new_kiosk_code(self) -> None:
        draft = self._draft
        draft.method = ConfirmationMethod.KIOSK_CODE
        draft.code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        draft.code_shown_at = self._wall_clock()
        draft.attempts_left = self.max_code_attempts
        draft.confirmation = None

    def _discard_code(self) -> None:
        draft = self._draft
        draft.method = None
        draft.code = None
        draft.code_shown_at = None
        draft.attempts_left = 0
        draft.confirmation = None

    def _wipe(self) -> None:
        self._draft.clear()
        self._draft = Draft()

    def _end(self, reason: EndReason) -> None:
        self._wipe()
        self._rating_procedure = None
        self.language = "vi"
        self.last_end = reason
        self._goto(Step.WELCOME)
