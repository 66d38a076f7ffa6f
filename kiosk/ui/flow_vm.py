"""The citizen's session on screen: a thin view-model over the domain ``Session``.

The session decides the step, the next question, what is missing and when time is up; this
object turns its step into a screen, calls the devices through the sub-view-models, seals the
confirmed application off the GUI thread, and wipes everything shown when the session ends.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Any, Literal

from PySide6.QtCore import QObject, Signal

from kiosk.clock_trust import ClockNotTrusted
from kiosk.domain.application import ConfirmationMethod, ConfirmedApplication
from kiosk.domain.catalog_model import Lang
from kiosk.domain.session import CodeCheck, Session, Step, StepError
from kiosk.ui.confirm_vm import ConfirmVm
from kiosk.ui.documents_vm import DocumentsVm
from kiosk.ui.done_vm import DoneVm
from kiosk.ui.form_vm import FormVm
from kiosk.ui.i18n import Strings
from kiosk.ui.idle_vm import IdleVm
from kiosk.ui.images import ImageStore
from kiosk.ui.login_vm import LoginVm
from kiosk.ui.lookup_vm import LookupVm
from kiosk.ui.qtbind import qproperty, slot
from kiosk.ui.queue_vm import QueueVm
from kiosk.ui.services import SealedApplication, UiServices
from kiosk.ui.slip import appointment_slip, commune_in, done_facts, office_of, received_of
from kiosk.ui.theme import Theme
from kiosk.ui.units import Units
from kiosk.ui.voice import Voice
from kiosk.ui.worker import DeviceWorker
from sync.api import OtpCheck, OtpRequest, OtpVerdict

SCREENS = {
    Step.WELCOME: "welcome",
    Step.PROCEDURE: "procedure",
    Step.LOGIN: "login",
    Step.QUESTIONS: "question",
    Step.DOCUMENTS: "documents",
    Step.REVIEW: "review",
    Step.CONFIRM: "confirm",
    Step.DONE: "done",
    Step.RATING: "rating",
}


class FlowVm(QObject):
    changed = Signal()
    sealed = Signal(object)
    clock_refused = Signal(str)  # a seal refused on an implausible clock: the technician's detail

    def __init__(
        self,
        services: UiServices,
        session: Session,
        *,
        strings: Strings,
        voice: Voice,
        units: Units,
        theme: Theme,
        images: ImageStore,
        parts: tuple[FormVm, DocumentsVm, LoginVm, ConfirmVm, DoneVm, LookupVm, QueueVm, IdleVm],
        store_worker: DeviceWorker,
        otp_worker: DeviceWorker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._s = services
        self.session = session
        self._strings = strings
        self._voice = voice
        self._units = units
        self._theme = theme
        self._images = images
        form, docs, login, confirm, done, lookup, queue, idle = parts
        self.form, self.docs, self.login, self.confirm = form, docs, login, confirm
        self.done, self.lookup, self.queue, self.idle = done, lookup, queue, idle
        self._store_worker = store_worker
        self._otp_worker = otp_worker
        self._otp_app_id: uuid.UUID | None = None  # the application id the OTP was asked for
        self._otp_round = 0  # answers of an earlier request (or session) are ignored
        self._extra: str | None = None  # "lookup" / "queue": screens outside the session
        self._staff_pause = False  # the staff screen is open over a session that called them
        self._screen = "welcome"
        self.record: SealedApplication | None = None
        self._confirmed: ConfirmedApplication | None = None  # sealed as is; kept for the slip
        login.on_identity = self._logged_in
        login.on_tips = lambda: voice.prompt("login_tips")
        login.on_say = voice.say
        confirm.on_submit = self._code_typed
        confirm.on_no_code = lambda: self._kiosk_code_instead("confirm_otp_fallback")
        done.on_printed = lambda: session.set_busy("printer", False)
        done.on_printing = lambda: session.set_busy("printer", True)
        done.on_say = voice.say
        queue.on_say = voice.say
        idle.on_countdown = lambda: voice.prompt("idle")
        idle.on_seconds = lambda n: voice.say(strings.text("idle_seconds_left").replace("%1", str(n)))
        idle.on_timeout = self._timed_out
        strings.changed.connect(self.changed)

    # -- what QML reads ----------------------------------------------------------------------
    def current_screen(self) -> str:
        return self._screen

    def _derive_screen(self) -> str:
        step = self.session.step
        if step is Step.WELCOME and self._extra is not None:
            return self._extra
        if step is Step.DONE and self.record is None:
            return "confirm"  # sealing: the code screen stays until the record exists
        return SCREENS[step]

    def _get_commune(self) -> str:
        return commune_in(self._s.kiosk.commune_name, self._lang())  # "Quế Châu Commune" in English

    def _lang(self) -> Lang:
        return "vi" if self._strings.lang_code() == "vi" else "en"

    def _get_procedures(self) -> list[dict[str, Any]]:
        vi = self._lang() == "vi"
        cat = self._s.catalog
        return [
            {
                "group": g.title_vi if vi else g.title_en,
                "items": [
                    {
                        "code": p.code,
                        "title": p.title_vi if vi else p.title_en,
                        "summary": p.summary_vi if vi else p.summary_en,
                    }
                    for p in cat.in_group(g.id)
                ],
            }
            for g in cat.groups
            if cat.in_group(g.id)
        ]

    def review_items(self) -> list[dict[str, Any]]:
        s = self.session
        p, ident = s.procedure, s.identity
        if p is None or ident is None or s.step not in (Step.REVIEW, Step.CONFIRM):
            return []
        t = self._strings.text
        lang = self._lang()
        items: list[dict[str, Any]] = [
            {"id": "procedure", "label": t("review_procedure"),
             "value": p.title_vi if lang == "vi" else p.title_en, "editable": False},
            {"id": "identity", "label": t("review_applicant"),
             "value": f"{ident.full_name} — {ident.date_of_birth:%d/%m/%Y}", "editable": False},
        ]  # fmt: skip
        for f, value in s.review_items():
            items.append({
                "id": f.id, "label": f.label_vi if lang == "vi" else f.label_en,
                "value": f.display(value, lang), "editable": True,
            })  # fmt: skip
        for item in s.checklist():
            pages = item.page_count
            shown = (t("review_document_pages").replace("%1", str(pages)) if pages
                     else t("review_document_none"))  # fmt: skip
            items.append({"id": f"doc:{item.requirement.id}", "label": self.docs.title(item.requirement),
                          "value": shown, "editable": True})  # fmt: skip
        return items

    def _get_text_input(self) -> bool:
        f = self.form.field
        return self._screen == "question" and f is not None and f.kind.value == "text"

    screen = qproperty(str, current_screen, notify=changed)
    commune_name = qproperty(str, _get_commune, notify=changed)
    procedures = qproperty("QVariantList", _get_procedures, notify=changed)
    review_list = qproperty("QVariantList", review_items, notify=changed)
    text_input = qproperty(bool, _get_text_input, notify=changed)

    # -- keeping the screen in step with the session -----------------------------------------
    def _sync(self, *, speak: bool = True) -> None:
        new = self._derive_screen()
        old, self._screen = self._screen, new
        if old == "login" and new != "login":
            self.login.end()
        if old == "lookup" and new != "lookup":
            self.lookup.end()
        if new == "question":
            self.form.show(self.session)
        if new == "documents" and old != "documents":
            self.docs.refresh()
        if new != old:
            if new == "login":
                self.login.begin()
            elif new == "lookup":
                self.lookup.begin()
            if speak and new not in ("confirm", "done"):
                self._voice.prompt(new)
        self.changed.emit()

    def _guard(self, action: Any) -> bool:
        """Run a session move; a move the step does not allow is ignored (double taps)."""
        try:
            action()
        except StepError:
            return False
        return True

    # -- moves ---------------------------------------------------------------------------------
    @slot()
    def start(self) -> None:
        lang: Literal["vi", "en"] = self._lang()
        self._extra = None
        if self._guard(lambda: self.session.start(lang)):
            self._sync()

    @slot()
    def open_lookup(self) -> None:
        if self.session.step is Step.WELCOME:
            self._extra = "lookup"
            self._sync()

    @slot()
    def open_queue(self) -> None:
        if self.session.step is Step.LOGIN:
            self.session.cancel()  # the citizen gives up on the card: see an officer instead
            self._wipe_screen()
        if self.session.step is Step.WELCOME:
            self.queue.wipe()
            self._extra = "queue"
            self._sync()

    @slot(str)
    def choose_procedure(self, code: str) -> None:
        if self._guard(lambda: self.session.choose_procedure(code)):
            self._sync()

    def _logged_in(self, identity: Any) -> None:
        if self._guard(lambda: self.session.login(identity)):
            self._sync()

    @slot()
    def next(self) -> None:
        match self.session.step:
            case Step.QUESTIONS:
                self._answer()
            case Step.DOCUMENTS:
                if not self.docs.is_scanning():
                    missing = self.session.finish_documents()
                    if missing:
                        self.docs.say_missing(missing)
                    self._sync()
            case Step.REVIEW:
                self._to_confirm()
            case Step.DONE if self.record is not None and not self.done.is_printing():
                self.session.finish()
                self._sync()
            case _:
                pass

    def _answer(self) -> None:
        error = self.session.answer(self.form.value())
        if error is not None:
            self.form.set_error(error)
        else:
            self._sync()

    def _to_confirm(self) -> None:
        if self.session.step is Step.REVIEW:
            self.session.otp_available = self._otp_offered()
        if not self._guard(self.session.to_confirm):
            return
        if self.session.confirmation_method is ConfirmationMethod.OTP:
            self._request_otp()
            self._sync()
            return
        self._show_kiosk_code()
        self._sync()

    def _show_kiosk_code(self, notice_id: str | None = None) -> None:
        code = self.session.kiosk_code or ""
        self.confirm.begin(code, notice_id)
        said = self._strings.text("voice_confirm").replace("%1", " ".join(code))
        if notice_id is not None:
            said = self._strings.text(notice_id) + " " + said
        self._voice.say(said)

    # -- the OTP through the gateway -----------------------------------------------------------
    def _otp_offered(self) -> bool:
        if self._s.otp is None:
            return False
        try:
            return self._s.online()
        except Exception:  # a status read must never break a citizen's session
            return False

    def _otp_current(self, round_no: int) -> bool:
        s = self.session
        return (round_no == self._otp_round and s.step is Step.CONFIRM
                and s.confirmation_method is ConfirmationMethod.OTP)  # fmt: skip

    def _request_otp(self) -> None:
        otp, identity = self._s.otp, self.session.identity
        assert otp is not None
        if identity is None:
            self._kiosk_code_instead("confirm_otp_unavailable")
            return
        self._otp_round += 1
        round_no = self._otp_round
        app_id = uuid.uuid4()
        self._otp_app_id = app_id
        self.confirm.begin_otp()

        def done(result: OtpRequest) -> None:
            if not self._otp_current(round_no):
                return
            if result.sent:
                self.confirm.otp_sent(result.phone_masked)
                self._voice.say(self._strings.text("voice_declaration") + " " + self.confirm.sent_said())
            else:
                self._kiosk_code_instead("confirm_otp_unavailable")

        def failed(_exc: BaseException) -> None:
            if self._otp_current(round_no):
                self._kiosk_code_instead("confirm_otp_unavailable")

        citizen_id = identity.citizen_id
        self._otp_worker.run(lambda: otp.request(str(app_id), citizen_id), done, failed)

    def _kiosk_code_instead(self, notice_id: str) -> None:
        """No OTP after all (no link, refused, not received, locked): the kiosk's own code."""
        if self.session.step is not Step.CONFIRM or self.confirm.busy:
            return
        self._otp_round += 1
        self._otp_app_id = None
        if not self._guard(self.session.use_kiosk_code):
            return
        self._show_kiosk_code(notice_id)
        self._sync()

    def _verify_otp(self, typed: str) -> None:
        otp, app_id = self._s.otp, self._otp_app_id
        if otp is None or app_id is None:
            self._kiosk_code_instead("confirm_otp_unavailable")
            return
        round_no = self._otp_round
        self.confirm.busy = True

        def done(verdict: OtpVerdict) -> None:
            self.confirm.busy = False
            if not self._otp_current(round_no):
                return
            match verdict.kind:
                case OtpCheck.VERIFIED:
                    at = datetime.fromisoformat(verdict.verified_at)
                    if self._guard(lambda: self.session.otp_verified(at)):
                        self._confirm_and_seal()
                case OtpCheck.INVALID:
                    self.confirm.show_error("confirm_otp_wrong")
                case OtpCheck.LOCKED:
                    self._kiosk_code_instead("confirm_otp_locked")
                case _:
                    self._kiosk_code_instead("confirm_otp_unavailable")

        def failed(_exc: BaseException) -> None:
            self.confirm.busy = False
            if self._otp_current(round_no):
                self._kiosk_code_instead("confirm_otp_unavailable")

        self._otp_worker.run(lambda: otp.verify(str(app_id), typed), done, failed)

    @slot()
    def back(self) -> None:
        if self._extra is not None:
            self.home()
            return
        if self.docs.is_scanning() or self.confirm.busy:
            return
        if self._guard(self.session.back):
            if self.session.step is Step.WELCOME:
                self._wipe_screen()
            self._sync()

    @slot(str)
    def edit(self, item_id: str) -> None:
        if item_id.startswith("doc:"):
            ok = self._guard(self.session.edit_documents)
        else:
            ok = self._guard(lambda: self.session.edit(item_id))
        if ok:
            self._sync()

    # -- confirmation and sealing --------------------------------------------------------------
    def _code_typed(self, typed: str) -> None:
        if self._confirmed is not None and self.record is None:  # a seal that failed: again
            self._seal(self._confirmed)
            return
        if self.session.confirmation_method is ConfirmationMethod.OTP:
            self._verify_otp(typed)
            return
        match self.session.enter_code(typed):
            case CodeCheck.ACCEPTED:
                self._confirm_and_seal()
            case CodeCheck.WRONG:
                self.confirm.show_error("confirm_wrong")
            case CodeCheck.LOCKED:
                self.confirm.wipe()
                self._sync()
                self._voice.say(self._strings.text("confirm_locked"))

    def _confirm_and_seal(self) -> None:
        app = self.session.confirm()
        if self._otp_app_id is not None and app.confirmation.method is ConfirmationMethod.OTP:
            # the gateway verified the OTP for this id: the application keeps it
            app = dataclasses.replace(app, application_id=self._otp_app_id)
        self._confirmed = app
        self._seal(app)

    def _seal(self, app: ConfirmedApplication) -> None:
        self.confirm.busy = True
        self.session.set_busy("clock", False)
        self.session.set_busy("seal", True)
        self._store_worker.run(lambda: self._s.seal(app), self._on_sealed, self._seal_failed)

    def _seal_failed(self, exc: BaseException) -> None:
        self.confirm.busy = False
        self.session.set_busy("seal", False)
        if isinstance(exc, ClockNotTrusted):  # issue 11 item 7: kept in memory, staff called
            self.session.set_busy("clock", True)  # no idle wipe while the application waits
            self.confirm.show_error("confirm_clock_wrong")
            self._voice.say(self._strings.text("confirm_clock_wrong"))
            self.done.call_officer("clock")
            self.clock_refused.emit(exc.verdict.detail)
            return
        self.confirm.show_error("confirm_seal_failed")

    def _on_sealed(self, record: SealedApplication) -> None:
        self.session.set_busy("seal", False)
        self.confirm.busy = False
        self.record = record
        self.sealed.emit(record)
        procedure = self._s.catalog.get(record.procedure_code)
        got = received_of(record, procedure, self._confirmed)
        office = office_of(self._s.kiosk)
        receipt = appointment_slip(self._strings, got, office)  # the office's slip, in Vietnamese
        facts = done_facts(self._strings, got, office)
        self._voice.say(facts["said"])  # before printing: a printer failure is said after it
        self.session.set_busy("printer", True)
        self.done.show(record.application_code, facts["appointment"], receipt, facts)
        self._sync()

    # -- the end of a session --------------------------------------------------------------------
    @slot(int)
    def rate(self, score: int) -> None:
        if self.session.step is not Step.RATING:
            return
        if score in (1, 2, 3):
            rating = self.session.rate(score)
            self._store_worker.run(
                lambda: self._s.record_rating(rating),
                lambda _done: None,
                lambda _exc: None,  # a lost rating must not disturb the next person
            )
        else:
            self.session.skip_rating()
        self._wipe_screen()
        self._sync()

    @slot()
    def home(self) -> None:
        if self.docs.is_scanning() or self.confirm.busy or self.done.is_printing():
            return
        if self.session.step is not Step.WELCOME:
            self.session.cancel()
        self._wipe_screen()
        self._sync()

    def staff_opened(self) -> None:
        """Staff opened their screen (the overlay's ``on_open``).

        A citizen who called staff in this session is the reason they came: that session is kept
        under the staff screen, with no idle countdown, and goes on when staff close it. Any other
        session is ended and wiped, as before (nobody is waiting at it)."""
        if self.session.step is not Step.WELCOME and self.done.officer_was_called():
            self._staff_pause = True
            self.session.set_busy("staff", True)
            return
        self.home()

    def staff_closed(self) -> None:
        """The staff screen closed: a kept session's idle timer starts afresh."""
        if self._staff_pause:
            self._staff_pause = False
            self.session.set_busy("staff", False)

    def _timed_out(self) -> None:
        self._wipe_screen()
        self._sync()

    def _wipe_screen(self) -> None:
        """Forget the person on screen: images, typed codes, and their display choices."""
        self.session.set_busy("clock", False)
        self._extra = None
        self.record = None
        self._confirmed = None
        self._otp_app_id = None
        self._otp_round += 1
        self.form.clear()
        self.docs.wipe()
        self.confirm.wipe()
        self.done.wipe()
        self.queue.wipe()
        self.lookup.wipe()
        self.login.end()
        self._images.wipe()
        self._units.reset()
        self._theme.reset()
        self._strings.reset()
        self._voice.reset()
