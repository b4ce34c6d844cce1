"""The detail form of an event: fields, results, photos and history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import EventStatus, EventType
from kehoach_desktop.domain.errors import ConcurrentEditError, UserFacingError
from kehoach_desktop.domain.lifecycle import event_date_problems
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services.events import EventInput, EventRecord, get_event
from kehoach_desktop.services.registers import TaskChoice, ThemeChoice
from kehoach_desktop.ui.dialogs.material_dialog import fill_combo
from kehoach_desktop.ui.dialogs.record_parts import (
    HistoryView,
    PhotosPanel,
    label_format,
    money_format,
    number_format,
)
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.folders import DocumentFolders
from kehoach_desktop.ui.input_fields import NumberEdit, OptionalDateEdit, ProblemLabel

FIELD_LABELS = {
    "type": N_("Type"), "title": N_("Title"), "starts_on": N_("Starts on"), "ends_on": N_("Ends on"),
    "venue": N_("Venue"), "ward": N_("Locality"), "organiser": N_("Organiser"), "section_id": N_("Theme"),
    "task_id": N_("Task"), "expected_participants": N_("Expected participants"),
    "actual_participants": N_("Actual participants"), "budget": N_("Budget (VND)"),
    "actual_cost": N_("Actual cost (VND)"), "status": N_("Status"), "result_notes": N_("Results"),
}

# save(values, expected_version) -> the record's id; ConcurrentEditError when someone else saved it meanwhile
Save = Callable[[EventInput, int | None], str]


class EventDialog(QDialog):
    def __init__(self, *, uow_factory: Callable, record: EventRecord | None,  # type: ignore[type-arg]
                 themes: Sequence[ThemeChoice], tasks: Sequence[TaskChoice], wards: Sequence[str],
                 today: dt.date, save: Save, parent: QWidget | None = None, starts_on: dt.date | None = None,
                 folders: DocumentFolders | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("event_dialog")
        self._record = record
        self._uow_factory = uow_factory
        self._tasks = tasks
        self._save = save
        self.version: int | None = record.version if record else None  # of the values shown
        self.saved_id: str | None = record.id if record else None
        self.setWindowTitle(_("Event") if record is None else _("Event — {title}").format(title=record.title[:60]))
        self.resize(820, 640)
        values = record.as_input() if record else EventInput(type=EventType.CULTURAL.value, title="",
                                                             starts_on=starts_on or today)
        self.type = QComboBox()
        fill_combo(self.type, EventType.choices(), values.type)
        self.status = QComboBox()
        self.status.setObjectName("status")
        fill_combo(self.status, EventStatus.choices(), values.status)
        self.theme = QComboBox()
        fill_combo(self.theme, [(None, _("(no theme)")), *((t.id, "  " * t.depth + t.label) for t in themes)],
                   values.section_id)
        self.task = QComboBox()
        self.task.setMinimumContentsLength(40)
        self.task.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._fill_tasks(values.task_id)
        self.theme.currentIndexChanged.connect(lambda _i: self._fill_tasks(self.task.currentData()))
        self.title = QPlainTextEdit(values.title)
        self.title.setObjectName("title")
        self.title.setFixedHeight(56)
        self.starts = OptionalDateEdit()
        self.starts.setObjectName("starts_on")
        self.starts.set_value(values.starts_on)
        self.ends = OptionalDateEdit()
        self.ends.setObjectName("ends_on")
        self.ends.set_value(values.ends_on)
        for edit in (self.starts, self.ends):
            edit.open_calendar_on(today)
        self.venue = QLineEdit(values.venue)
        self.ward = QComboBox()
        self.ward.setEditable(True)
        self.ward.addItems(list(wards))
        self.ward.setCurrentText(values.ward)
        self.organiser = QLineEdit(values.organiser)
        self.expected = NumberEdit(optional=True)
        self.expected.set_value(values.expected_participants)
        self.actual = NumberEdit(optional=True)
        self.actual.setObjectName("actual_participants")
        self.actual.set_value(values.actual_participants)
        self.budget = NumberEdit()
        self.budget.set_value(values.budget)
        self.actual_cost = NumberEdit(optional=True)
        self.actual_cost.set_value(values.actual_cost)
        self.results = QPlainTextEdit(values.result_notes)
        self.results.setObjectName("result_notes")
        self.problem = ProblemLabel()

        def pair(first: QWidget, label: str, second: QWidget) -> QHBoxLayout:
            row = QHBoxLayout()
            row.addWidget(first, 1)
            row.addWidget(QLabel(label))
            row.addWidget(second, 1)
            return row

        form = QFormLayout()
        form.addRow(_("Type"), pair(self.type, _("Status"), self.status))
        form.addRow(_("Theme"), self.theme)
        form.addRow(_("Task"), self.task)
        form.addRow(_("Title"), self.title)
        form.addRow(_("Starts on"), pair(self.starts, _("Ends on"), self.ends))
        form.addRow(_("Venue"), self.venue)
        form.addRow(_("Locality"), pair(self.ward, _("Organiser"), self.organiser))
        form.addRow(_("Expected participants"), pair(self.expected, _("Actual participants"), self.actual))
        form.addRow(_("Budget (VND)"), pair(self.budget, _("Actual cost (VND)"), self.actual_cost))
        form.addRow(_("Results"), self.results)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addLayout(form)
        details_layout.addWidget(self.problem)

        self.photos = PhotosPanel(uow_factory, "event", record.id if record else None, folders=folders)
        self.history = HistoryView({k: _(v) for k, v in FIELD_LABELS.items()}, value_formats={
            "type": label_format(EventType), "status": label_format(EventStatus), "budget": money_format,
            "actual_cost": money_format, "expected_participants": number_format,
            "actual_participants": number_format})
        self.history.load(uow_factory, record.id if record else None)
        self.tabs = QTabWidget()
        self.tabs.addTab(details, _("Details"))
        self.tabs.addTab(self.photos, _("Photos"))
        self.tabs.addTab(self.history, _("History"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

    def _fill_tasks(self, current: str | None) -> None:
        section_id = self.theme.currentData()
        tasks = [t for t in self._tasks if section_id is None or t.section_id == section_id]
        fill_combo(self.task, [(None, _("(no task)")), *((t.id, t.content[:90]) for t in tasks)], current)

    def values(self) -> EventInput | None:
        for edit, name in ((self.expected, "expected_participants"), (self.actual, "actual_participants"),
                           (self.budget, "budget"), (self.actual_cost, "actual_cost")):
            if not edit.is_valid():
                self.problem.show_problem(_("{field}: type a whole number, for example 1.500.000.").format(
                    field=_(FIELD_LABELS[name])))
                return None
        problems = event_date_problems(self.starts.value(), self.ends.value())
        if problems:
            self.problem.show_problem(problems[0])
            return None
        starts = self.starts.value()
        assert starts is not None
        return EventInput(
            type=self.type.currentData(), title=self.title.toPlainText(), starts_on=starts,
            ends_on=self.ends.value(), venue=self.venue.text(), ward=self.ward.currentText(),
            organiser=self.organiser.text(), section_id=self.theme.currentData(), task_id=self.task.currentData(),
            expected_participants=self.expected.value(), actual_participants=self.actual.value(),
            budget=self.budget.value() or 0, actual_cost=self.actual_cost.value(), status=self.status.currentData(),
            result_notes=self.results.toPlainText())

    def accept(self) -> None:
        values = self.values()
        if values is None:
            self.tabs.setCurrentIndex(0)
            return
        try:
            self.saved_id = self._save(values, self.version)
            self.photos.attach_pending(self.saved_id)
        except ConcurrentEditError as error:
            show_user_error(self, error)
            self.show_newer()
            return
        except UserFacingError as error:
            self.problem.show_problem(error.message)
            show_user_error(self, error)
            return
        super().accept()

    def show_newer(self) -> None:
        """Fill the form again from the event as now saved (after someone else changed it)."""
        if self._record is None:
            return
        try:
            record = get_event(uow_factory=self._uow_factory, event_id=self._record.id)
        except UserFacingError as error:  # deleted meanwhile
            self.problem.show_problem(error.message)
            return
        self._record, self.version = record, record.version
        self.type.setCurrentIndex(max(self.type.findData(record.type), 0))
        self.status.setCurrentIndex(max(self.status.findData(record.status), 0))
        self.theme.setCurrentIndex(max(self.theme.findData(record.section_id), 0))
        self._fill_tasks(record.task_id)
        self.title.setPlainText(record.title)
        self.starts.set_value(record.starts_on)
        self.ends.set_value(record.ends_on)
        self.venue.setText(record.venue)
        self.ward.setCurrentText(record.ward)
        self.organiser.setText(record.organiser)
        self.expected.set_value(record.expected_participants)
        self.actual.set_value(record.actual_participants)
        self.budget.set_value(record.budget)
        self.actual_cost.set_value(record.actual_cost)
        self.results.setPlainText(record.result_notes)
        self.problem.show_problem(_("The form now shows the values saved by the other person."), blocking=False)
        self.tabs.setCurrentIndex(0)
