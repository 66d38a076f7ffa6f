"""The citizen's session on screen: which screen, the draft, and the moves between screens.

The draft (procedure, identity, answers, pages, code) lives only here, in memory, and ``wipe``
drops every trace of it. Validation and document rules come from the catalog's ``Procedure``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.domain.catalog_model import Field, Lang, Procedure
from kiosk.domain.identity import Identity
from kiosk.store.applications import SealedRecord
from kiosk.store.ratings import record_rating
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
from kiosk.ui.services import Draft, UiServices
from kiosk.ui.slip import appointment_slip
from kiosk.ui.theme import Theme
from kiosk.ui.units import Units
from kiosk.ui.voice import Voice
from kiosk.ui.worker import DeviceWorker

SESSION_SCREENS = ("procedure", "login", "question", "documents", "review", "confirm", "done", "rating")


class FlowVm(QObject):
    changed = Signal()
    sealed = Signal(object)

    def __init__(
        self,
        services: UiServices,
        *,
        strings: Strings,
        voice: Voice,
        units: Units,
        theme: Theme,
        images: ImageStore,
        form: FormVm,
        docs: DocumentsVm,
        login: LoginVm,
        confirm: ConfirmVm,
        done: DoneVm,
        lookup: LookupVm,
        queue: QueueVm,
        idle: IdleVm,
        store_worker: DeviceWorker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._s = services
        self._strings = strings
        self._voice = voice
        self._units = units
        self._theme = theme
        self._images = images
        self.form, self.docs, self.login, self.confirm = form, docs, login, confirm
        self.done, self.lookup, self.queue, self.idle = done, lookup, queue, idle
        self._store_worker = store_worker
        self._screen = "welcome"
        self.procedure: Procedure | None = None
        self.identity: Identity | None = None
        self.answers: dict[str, str] = {}
        self.record: SealedRecord | None = None
        self._field: Field | None = None
        self._return_to_review = False
        login.on_identity = self._logged_in
        login.on_tips = lambda: voice.prompt("login_tips")
        confirm.on_confirmed = self._confirmed
        docs.on_activity = idle.touched
        idle.active = lambda: self._screen != "welcome"
        idle.paused = lambda: docs.is_scanning() or done.is_printing() or confirm.busy
        idle.on_countdown = lambda: voice.prompt("idle")
        idle.on_timeout = self.home
        strings.changed.connect(self._relabel)

    # -- properties --------------------------------------------------------------------------
    def current_screen(self) -> str:
        return self._screen

    def _get_commune(self) -> str:
        return self._s.kiosk.commune_name

    def _lang(self) -> str:
        return self._strings.lang_code()

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
        p, ident = self.procedure, self.identity
        if p is None or ident is None:
            return []
        t = self._strings.text
        lang: Lang = "vi" if self._lang() == "vi" else "en"
        items: list[dict[str, Any]] = [
            {
                "id": "procedure",
                "label": t("review_procedure"),
                "value": p.title_vi if lang == "vi" else p.title_en,
                "editable": False,
            },
            {
                "id": "identity",
                "label": t("review_applicant"),
                "value": f"{ident.full_name} — {ident.date_of_birth:%d/%m/%Y}",
                "editable": False,
            },
        ]
        for f in p.visible_fields(self.answers):
            value = self.answers.get(f.id, "")
            items.append(
                {
                    "id": f.id,
                    "label": f.label_vi if lang == "vi" else f.label_en,
                    "value": f.display(value, lang) if value else "—",
                    "editable": True,
                }
            )
        for doc_id, title, pages in self.docs.titles():
            shown = (
                t("review_document_pages").replace("%1", str(pages)) if pages else t("review_document_none")
            )
            items.append({"id": f"doc:{doc_id}", "label": title, "value": shown, "editable": True})
        return items

    def _get_text_input(self) -> bool:
        return (
            self._screen == "question"
            and self.form.field is not None
            and (self.form.field.kind.value == "text")
        )

    screen = qproperty(str, current_screen, notify=changed)
    commune_name = qproperty(str, _get_commune, constant=True)
    procedures = qproperty("QVariantList", _get_procedures, notify=changed)
    review_list = qproperty("QVariantList", review_items, notify=changed)
    text_input = qproperty(bool, _get_text_input, notify=changed)

    # -- moves ---------------------------------------------------------------------------------
    def _go(self, screen: str, prompt: str | None = None) -> None:
        leaving = self._screen
        if leaving == "login" and screen != "login":
            self.login.end()
        if leaving == "lookup" and screen != "lookup":
            self.lookup.end()
        self._screen = screen
        self.idle.touched()
        if screen == "login":
            self.login.begin()
        elif screen == "lookup":
            self.lookup.begin()
        self.changed.emit()
        if prompt is not None:
            self._voice.prompt(prompt)
        elif screen not in {"confirm", "done"}:
            self._voice.prompt(screen)

    def _relabel(self) -> None:
        self.changed.emit()

    @slot()
    def start(self) -> None:
        self._go("procedure")

    @slot()
    def open_lookup(self) -> None:
        self._go("lookup")

    @slot()
    def open_queue(self) -> None:
        self.queue.wipe()
        self._go("queue")

    @slot(str)
    def choose_procedure(self, code: str) -> None:
        self.procedure = self._s.catalog.get(code)
        self.answers = {}
        self._go("login")

    def _logged_in(self, identity: Identity) -> None:
        if self._screen != "login":
            return
        self.identity = identity
        self._first_question()

    def _first_question(self) -> None:
        assert self.procedure is not None
        visible = self.procedure.visible_fields(self.answers)
        if visible:
            self._ask(visible[0])
        else:
            self._to_documents()

    def _ask(self, field: Field) -> None:
        assert self.procedure is not None
        self._field = field
        self.form.show(self.procedure, field, self.answers)
        self._go("question")

    def _to_documents(self) -> None:
        assert self.procedure is not None
        self.docs.show(self.procedure, self.answers)
        self._go("documents")

    def _to_review(self) -> None:
        self._return_to_review = False
        self._go("review")

    @slot()
    def next(self) -> None:
        match self._screen:
            case "question":
                self._answer_and_advance()
            case "documents":
                if self.docs.check_complete():
                    self._to_review()
            case "review":
                code = self.confirm.begin()
                self._go("confirm", prompt=None)
                self._voice.say(self._strings.text("voice_confirm").replace("%1", " ".join(code)))
            case "done":
                self._go("rating")
            case _:
                pass

    def _answer_and_advance(self) -> None:
        p, f = self.procedure, self.form.field
        if p is None or f is None:
            return
        value = self.form.value()
        error = f.validate(value, today=self._s.now().date())
        if error is not None:
            self.form.set_error(error)
            return
        if value:
            self.answers[f.id] = f.normalise(value)
        else:
            self.answers.pop(f.id, None)
        visible = p.visible_fields(self.answers)
        for hidden in [k for k in self.answers if k not in {v.id for v in visible}]:
            del self.answers[hidden]
        after = visible[visible.index(f) + 1 :] if f in visible else ()
        pending = [g for g in after if not self._return_to_review or g.id not in self.answers]
        if pending:
            self._ask(pending[0])
        elif self._return_to_review:
            self.docs.show(p, self.answers)
            self._to_review()
        else:
            self._to_documents()

    @slot()
    def back(self) -> None:
        match self._screen:
            case "procedure" | "lookup" | "queue":
                self.home()
            case "login":
                self._go("procedure")
            case "question":
                self._back_from_question()
            case "documents":
                assert self.procedure is not None
                visible = self.procedure.visible_fields(self.answers)
                if self._return_to_review:
                    self._to_review()
                elif visible:
                    self._ask(visible[-1])
                else:
                    self._go("login")
            case "review":
                self._to_documents()
            case "confirm":
                self.confirm.wipe()
                self._go("review")
            case _:
                pass

    def _back_from_question(self) -> None:
        p, f = self.procedure, self.form.field
        assert p is not None
        assert f is not None
        visible = p.visible_fields(self.answers)
        i = visible.index(f) if f in visible else 0
        if self._return_to_review:
            self._to_review()
        elif i > 0:
            self._ask(visible[i - 1])
        else:
            self._go("login")

    @slot(str)
    def edit(self, item_id: str) -> None:
        if self.procedure is None:
            return
        self._return_to_review = True
        if item_id.startswith("doc:"):
            self._to_documents()
        else:
            self._ask(self.procedure.field(item_id))

    def _confirmed(self, code: str) -> None:
        p, ident = self.procedure, self.identity
        assert p is not None
        assert ident is not None
        draft = Draft(
            procedure_code=p.code,
            catalog_version=self._s.catalog.version,
            identity=ident,
            answers=dict(self.answers),
            documents=dict(self.docs.pages),
            confirmed_at=self._s.now(),
            confirmation_code=code,
        )
        self._store_worker.run(lambda: self._s.seal(draft), self._on_sealed, self._seal_failed)

    def _seal_failed(self, _exc: BaseException) -> None:
        self.confirm.busy = False
        self.confirm.show_error("confirm_seal_failed")

    def _on_sealed(self, record: SealedRecord) -> None:
        assert self.procedure is not None
        self.record = record
        self.confirm.busy = False
        self.sealed.emit(record)
        appointment = record.appointment_date.strftime("%d/%m/%Y")
        receipt = appointment_slip(
            self._strings,
            record,
            self.procedure,
            self._s.kiosk.commune_name,
            self._s.kiosk.kiosk_id,
        )
        self.done.show(record.application_code, appointment, receipt)
        self._go("done", prompt=None)
        self._voice.say(
            self._strings.text("voice_done")
            .replace("%1", " ".join(record.application_code))
            .replace("%2", appointment)
        )

    @slot(int)
    def rate(self, score: int) -> None:
        code = self.procedure.code if self.procedure else None
        if score in (1, 2, 3):
            self._store_worker.run(lambda: record_rating(self._s.store, score, code), lambda _rid: None)
        self.home()

    @slot()
    def home(self) -> None:
        self.wipe()
        self._go("welcome")

    def wipe(self) -> None:
        """Forget the person: draft, images, typed codes, and their display choices."""
        self.procedure = None
        self.identity = None
        self.answers = {}
        self.record = None
        self._field = None
        self._return_to_review = False
        self.form.clear()
        self.docs.wipe()
        self.confirm.wipe()
        self.done.wipe()
        self.queue.wipe()
        self.lookup.wipe()
        self._images.wipe()
        self._units.reset()
        self._theme.reset()
        self._strings.reset()
        self._voice.reset()
