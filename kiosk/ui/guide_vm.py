"""What keeps an elderly citizen oriented: where they are, what to expect, help and a way out.

* "Bước 3/7": the step of the session on screen.
* Before login, the chosen procedure's fee, processing time, documents to bring and whether the
  citizen must come back in person, shown and spoken (nothing is a surprise after the questions).
* "Gọi cán bộ" on every screen after Welcome: staff are called (the ``officer_called`` signal of
  the done view-model, which the composition root logs for staff) and the session goes on.
* "Hủy, làm lại": after a confirm in the screen, ``flow.home()`` ends and wipes the session now.

It watches the flow's screen and forgets everything when a session ends (back at Welcome).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

from kiosk.domain.catalog_model import Catalog, Need, Procedure
from kiosk.ui.i18n import Strings
from kiosk.ui.qtbind import qproperty, slot

STEPS = ("procedure", "login", "question", "documents", "review", "confirm", "done")
OUTSIDE = ("welcome", "lookup", "queue", "rating")  # no session step, no help strip


def money_vi(vnd: int) -> str:
    """15000 -> "15.000" (Vietnamese thousands separator)."""
    return f"{vnd:,}".replace(",", ".")


def procedure_facts(strings: Strings, procedure: Procedure) -> dict[str, Any]:
    """Fee, time, documents and come-back of a procedure, as sentences in the current language."""
    t = strings.text
    vi = strings.lang_code() == "vi"
    if procedure.fee_vnd == 0:
        fee = t("info_fee_free")
    else:
        fee = t("info_fee_amount").replace("%1", money_vi(procedure.fee_vnd) if vi
                                            else f"{procedure.fee_vnd:,}")
        if procedure.fee_per_field:
            fee += " " + t("info_fee_per_copy")
    days, most = procedure.processing_days, procedure.processing_days_max
    if days == 0:
        time = t("info_time_same_day")
        if most:
            time += " " + t("info_time_up_to").replace("%1", str(most))
    else:
        time = t("info_time_days").replace("%1", str(days))
    always: list[str] = []
    maybe: list[str] = []
    for doc in procedure.documents:
        title = doc.title_vi if vi else doc.title_en
        (always if doc.need({}) is Need.REQUIRED else maybe).append(title)
    documents = [f"•  {d}" for d in always]
    said = ", ".join(always)
    if maybe:
        documents.append(t("info_doc_maybe"))
        documents.extend(f"•  {d}" for d in maybe)
        said = (said + ". " if said else "") + t("info_doc_maybe").rstrip(":") + ": " + ", ".join(maybe)
    come_back = t("info_come_back" if procedure.return_in_person else "info_no_come_back")
    return {
        "code": procedure.code,
        "title": procedure.title_vi if vi else procedure.title_en,
        "fee": fee,
        "time": time,
        "documents": documents,
        "documents_said": said,
        "come_back": come_back,
    }


class GuideVm(QObject):
    changed = Signal()

    def __init__(
        self,
        strings: Strings,
        catalog: Catalog,
        *,
        screen: Callable[[], str],
        screen_changed: SignalInstance,
        say: Callable[[str], None],
        call_officer: Callable[[], None],
        choose: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._strings = strings
        self._catalog = catalog
        self._screen = screen
        self._say = say
        self._call_officer = call_officer
        self._choose = choose
        self._last_screen = screen()
        self._preview: dict[str, Any] = {}
        self._preview_code = ""
        self._called = False
        self._asking_cancel = False
        screen_changed.connect(self._screen_moved)
        strings.changed.connect(self._relabel)

    # -- following the flow ------------------------------------------------------------------
    def _screen_moved(self) -> None:
        now = self._screen()
        if now == self._last_screen:
            return
        self._last_screen = now
        self._asking_cancel = False
        if now != "procedure":
            self._preview, self._preview_code = {}, ""
        if now in OUTSIDE:
            self._called = False
        self.changed.emit()

    def _relabel(self) -> None:
        if self._preview_code:
            self._preview = procedure_facts(self._strings, self._catalog.get(self._preview_code))
        self.changed.emit()

    # -- what QML reads ----------------------------------------------------------------------
    def step(self) -> int:
        screen = self._screen()
        return STEPS.index(screen) + 1 if screen in STEPS else 0

    def _get_step_text(self) -> str:
        n = self.step()
        if n == 0:
            return ""
        return self._strings.text("step_of").replace("%1", str(n)).replace("%2", str(len(STEPS)))

    def _get_preview(self) -> dict[str, Any]:
        return self._preview

    def _get_called(self) -> bool:
        return self._called

    def _get_asking_cancel(self) -> bool:
        return self._asking_cancel

    def _get_can_cancel(self) -> bool:
        return self._screen() in STEPS[:-1]

    step_no = qproperty(int, step, notify=changed)
    step_text = qproperty(str, _get_step_text, notify=changed)
    preview = qproperty("QVariantMap", _get_preview, notify=changed)
    officer_called = qproperty(bool, _get_called, notify=changed)
    asking_cancel = qproperty(bool, _get_asking_cancel, notify=changed)
    can_cancel = qproperty(bool, _get_can_cancel, notify=changed)

    # -- the citizen's taps ------------------------------------------------------------------
    @slot(str)
    def preview_procedure(self, code: str) -> None:
        """Show (and say) what the procedure asks of the citizen before they commit to it."""
        if self._screen() != "procedure":
            return
        self._preview_code = code
        self._preview = procedure_facts(self._strings, self._catalog.get(code))
        self.changed.emit()
        p = self._preview
        self._say(self._strings.text("voice_info")
                  .replace("%1", p["title"]).replace("%2", p["fee"]).replace("%3", p["time"])
                  .replace("%4", p["documents_said"]).replace("%5", p["come_back"]))

    @slot()
    def close_preview(self) -> None:
        self._preview, self._preview_code = {}, ""
        self.changed.emit()

    @slot()
    def go(self) -> None:
        """The citizen read the details and goes on with this procedure (to the card)."""
        code = self._preview_code
        if code and self._screen() == "procedure":
            self._choose(code)

    @slot()
    def call_staff(self) -> None:
        """Staff are called; the citizen stays where they are."""
        if self.step() == 0:
            return
        self._call_officer()
        self._called = True
        self.changed.emit()
        self._say(self._strings.text("help_called"))

    @slot()
    def ask_cancel(self) -> None:
        if self._get_can_cancel():
            self._asking_cancel = True
            self.changed.emit()
            self._say(self._strings.text("cancel_question"))

    @slot()
    def keep_going(self) -> None:
        self._asking_cancel = False
        self.changed.emit()
