"""The form of one task in the plan editor: validated as you type, saved when you pause."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.budget_sources import BY_LEAD, SOCIAL, SOURCE_LABELS
from kehoach_desktop.domain.enums import PropagandaForm
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services.plan_dto import EditorTask, TaskInput, UnitChoice
from kehoach_desktop.services.plan_editing import validate_task
from kehoach_desktop.ui.input_fields import (
    NumberEdit,
    OptionalDateEdit,
    ProblemLabel,
    calendar_day,
    not_a_number_message,
)
from kehoach_desktop.ui.widgets import wrap_list_text


def source_choice_text(code: str, name: str) -> str:
    """``Ngân sách cấp trên (ngân sách Thành phố)``: the kind of budget, and what the plan will call it."""
    label = _(SOURCE_LABELS.get(code, code))
    return label if code == SOCIAL or not name else _("{label} ({name})").format(label=label, name=name)


def _normalised(fields: TaskInput) -> TaskInput:
    """The fields as the services store them (NFC, trimmed), to compare what is typed with what is saved."""
    return replace(fields, content=nfc(fields.content), indicator_unit=nfc(fields.indicator_unit),
                   supporting_unit_ids=tuple(dict.fromkeys(fields.supporting_unit_ids)))


class TaskForm(QWidget):
    """Emits ``task_edited(task_id, TaskInput)`` when the fields are valid and differ from the saved task."""

    task_edited = Signal(str, object)
    SAVE_DELAY_MS = 600

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._task: EditorTask | None = None
        self._year = 0
        self._loading = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)

        self.content = QPlainTextEdit()
        self.content.setObjectName("task_content")
        self.content.setPlaceholderText(_("What the unit will do, where, for whom"))
        self.content.setFixedHeight(58)
        self.content.setTabChangesFocus(True)
        self.form = QComboBox()
        self.form.setObjectName("task_form_combo")
        for value, label in PropagandaForm.choices():
            self.form.addItem(label, value)
        self.lead = QComboBox()
        self.lead.setObjectName("task_lead_combo")
        self.start = OptionalDateEdit()
        self.start.setObjectName("task_start")
        self.due = OptionalDateEdit()
        self.due.setObjectName("task_due")
        self.budget = NumberEdit()
        self.budget.setObjectName("task_budget")
        self.budget.setPlaceholderText("1.500.000")
        self.source = QComboBox()
        self.source.setObjectName("task_budget_source")
        self.source.setToolTip(_("The budget that pays for the task: the plan totals the budgets by source"))
        self.indicator_unit = QLineEdit()
        self.indicator_unit.setObjectName("task_indicator_unit")
        self.indicator_unit.setPlaceholderText(_("e.g. loudspeaker broadcasts"))
        self.target = NumberEdit(optional=True)
        self.target.setObjectName("task_target")
        self.supporting_filter = QLineEdit()
        self.supporting_filter.setObjectName("task_supporting_filter")
        self.supporting_filter.setPlaceholderText(_("Find a unit…"))
        self.supporting_filter.setClearButtonEnabled(True)
        self.supporting = QListWidget()
        self.supporting.setObjectName("task_supporting_list")
        wrap_list_text(self.supporting)
        self.supporting_count = QLabel()
        self.supporting_count.setProperty("role", "hint")
        self.problem = {name: ProblemLabel() for name in ("content", "form", "budget", "start_date", "due_date",
                                                         "indicator_target")}
        for name, label in self.problem.items():
            label.setObjectName(f"problem_{name}")

        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addRow(_("Content"), self._with_problem(self.content, "content"))
        left.addRow(_("Form"), self.form)
        left.addRow(_("Lead unit"), self.lead)
        dates = QGridLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addWidget(self.start, 0, 0)
        dates.addWidget(QLabel(_("to")), 0, 1)
        dates.addWidget(self.due, 0, 2)
        dates.addWidget(self.problem["start_date"], 1, 0)
        dates.addWidget(self.problem["due_date"], 1, 2)
        dates.setColumnStretch(0, 1)
        dates.setColumnStretch(2, 1)
        left.addRow(_("Start – due"), dates)
        left.addRow(_("Budget (VND)"), self._with_problem(self.budget, "budget"))
        left.addRow(_("Budget source"), self.source)
        indicator = QHBoxLayout()
        indicator.addWidget(self.indicator_unit, 2)
        indicator.addWidget(QLabel(_("target")))
        indicator.addWidget(self.target, 1)
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addLayout(indicator)
        box.addWidget(self.problem["indicator_target"])
        left.addRow(_("Indicator"), box)

        right = QVBoxLayout()
        right.addWidget(QLabel(_("Supporting units")))
        right.addWidget(self.supporting_filter)
        right.addWidget(self.supporting, 1)
        right.addWidget(self.supporting_count)

        self._columns = QHBoxLayout(self)
        self._columns.setContentsMargins(0, 6, 0, 0)
        self._columns.addLayout(left, 3)
        self._columns.addLayout(right, 2)

        self.content.textChanged.connect(self._on_changed)
        self.form.currentIndexChanged.connect(self._on_changed)
        self.lead.currentIndexChanged.connect(self._on_lead_changed)
        self.start.dateChanged.connect(self._on_changed)
        self.due.dateChanged.connect(self._on_changed)
        self.budget.textChanged.connect(self._on_changed)
        self.source.currentIndexChanged.connect(self._on_changed)
        self.indicator_unit.textChanged.connect(self._on_changed)
        self.target.textChanged.connect(self._on_changed)
        self.supporting.itemChanged.connect(self._on_changed)
        self.supporting_filter.textChanged.connect(self._on_supporting_filter)
        self.setEnabled(False)

    NARROW = 620  # below this width the supporting units go under the fields (small screens)

    def resizeEvent(self, event: QResizeEvent) -> None:
        direction = (QBoxLayout.Direction.TopToBottom if event.size().width() < self.NARROW
                     else QBoxLayout.Direction.LeftToRight)
        if self._columns.direction() != direction:
            self._columns.setDirection(direction)
            self._columns.activate()
            # a scroll area around the form keeps it this high (and scrolls) rather than squeezing its rows
            self.setMinimumHeight(self._columns.totalMinimumSize().height())
        super().resizeEvent(event)

    def _with_problem(self, widget: QWidget, name: str) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(self.problem[name])
        return box

    # loading ---------------------------------------------------------------------------------
    @property
    def task_id(self) -> str | None:
        return self._task.id if self._task else None

    def load(self, task: EditorTask | None, units: tuple[UnitChoice, ...], *, year: int, read_only: bool,
             today: dt.date | None = None, budget_sources: tuple[tuple[str, str], ...] = ()) -> None:
        """Show ``task`` (or nothing); a pending edit of the previous task is saved first."""
        if self._task is not None and (task is None or task.id != self._task.id):
            self.flush()
        self._timer.stop()
        self._task = task
        self._year = year
        self._loading = True
        try:
            fields = task.fields if task else TaskInput(content="", form=PropagandaForm.OTHER.value)
            self.content.setPlainText(fields.content)
            self.form.setCurrentIndex(max(0, self.form.findData(fields.form)))
            self.lead.clear()
            self.lead.addItem(_("— none —"), None)
            for unit in units:
                if unit.active or unit.id == fields.lead_unit_id:
                    self.lead.addItem(unit.name if unit.active else _("{name} (inactive)").format(name=unit.name),
                                      unit.id)
            self.lead.setCurrentIndex(max(0, self.lead.findData(fields.lead_unit_id)))
            self.supporting.clear()
            chosen = set(fields.supporting_unit_ids)
            for unit in units:
                if not unit.active and unit.id not in chosen:
                    continue
                item = QListWidgetItem(unit.name)
                item.setData(Qt.ItemDataRole.UserRole, unit.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if unit.id in chosen else Qt.CheckState.Unchecked)
                item.setHidden(unit.id == fields.lead_unit_id)
                self.supporting.addItem(item)
            self._on_supporting_filter(self.supporting_filter.text())
            self.start.set_value(fields.start_date)
            self.due.set_value(fields.due_date)
            for edit in (self.start, self.due):
                edit.open_calendar_on(calendar_day(year or None, today or dt.date.today()))
            self.budget.set_value(fields.budget)
            self.source.clear()
            self.source.addItem(_(SOURCE_LABELS[BY_LEAD]), BY_LEAD)
            for code, name in budget_sources:
                self.source.addItem(source_choice_text(code, name), code)
            if self.source.findData(fields.budget_source) < 0:  # a source this version does not offer
                self.source.addItem(fields.budget_source, fields.budget_source)
            self.source.setCurrentIndex(max(0, self.source.findData(fields.budget_source)))
            self.indicator_unit.setText(fields.indicator_unit)
            self.target.set_value(fields.indicator_target)
        finally:
            self._loading = False
        self.setEnabled(task is not None)
        for widget in (self.content, self.indicator_unit, self.budget, self.target):
            widget.setReadOnly(read_only)
        for widget in (self.form, self.lead, self.start, self.due, self.supporting, self.source):
            widget.setEnabled(not read_only)
        self.show_problems()

    def shows_saved(self, task: EditorTask) -> bool:
        """Whether the form already shows ``task`` as saved (a refresh need not reload it)."""
        current = self.current_input()
        return (self._task is not None and self._task.id == task.id and current is not None
                and _normalised(current) == _normalised(task.fields))

    def set_saved(self, task: EditorTask) -> None:
        """The saved state of the task shown, after a refresh that found the form up to date."""
        self._task = task

    # reading ---------------------------------------------------------------------------------
    def current_input(self) -> TaskInput | None:
        """The fields as typed, or ``None`` while a number cannot be read."""
        budget, target = self.budget.value(), self.target.value()
        if budget is None or not self.target.is_valid():
            return None
        lead = self.lead.currentData()
        supporting = tuple(
            unit_id for unit_id in (self.supporting.item(i).data(Qt.ItemDataRole.UserRole)
                                    for i in range(self.supporting.count())
                                    if self.supporting.item(i).checkState() == Qt.CheckState.Checked)
            if unit_id != lead)
        return TaskInput(
            content=self.content.toPlainText(), form=self.form.currentData(), lead_unit_id=lead,
            supporting_unit_ids=supporting, start_date=self.start.value(), due_date=self.due.value(),
            budget=budget, indicator_unit=self.indicator_unit.text(), indicator_target=target,
            budget_source=self.source.currentData() or BY_LEAD)

    def show_problems(self) -> bool:
        """Show each field's problem next to it; True when nothing blocks saving."""
        for label in self.problem.values():
            label.clear_problem()
        if self._task is None:
            return False
        ok = True
        if self.budget.value() is None:
            self.problem["budget"].show_problem(not_a_number_message())
            ok = False
        if not self.target.is_valid():
            self.problem["indicator_target"].show_problem(not_a_number_message())
            ok = False
        current = self.current_input()
        if current is None:
            return False
        for problem in validate_task(current, year=self._year):
            self.problem[problem.field].show_problem(problem.message, blocking=problem.blocking)
            ok = ok and not problem.blocking
        checked = len(current.supporting_unit_ids)
        self.supporting_count.setText(ngettext("{n} supporting unit chosen", "{n} supporting units chosen",
                                               checked).format(n=checked))
        return ok

    # saving ----------------------------------------------------------------------------------
    def _on_changed(self, *_args: object) -> None:
        if self._loading or self._task is None:
            return
        self.show_problems()
        self._timer.start()

    def _on_lead_changed(self, *_args: object) -> None:
        lead = self.lead.currentData()
        for i in range(self.supporting.count()):
            item = self.supporting.item(i)
            is_lead = item.data(Qt.ItemDataRole.UserRole) == lead
            if is_lead and item.checkState() == Qt.CheckState.Checked:
                item.setCheckState(Qt.CheckState.Unchecked)
        self._on_supporting_filter(self.supporting_filter.text())
        self._on_changed()

    def _on_supporting_filter(self, text: str) -> None:
        words = fold(text).split()
        lead = self.lead.currentData()
        for i in range(self.supporting.count()):
            item = self.supporting.item(i)
            name = fold(item.text())
            item.setHidden(item.data(Qt.ItemDataRole.UserRole) == lead or not all(w in name for w in words))

    def flush(self) -> None:
        """Save now what was typed, if it is valid and differs from the saved task."""
        self._timer.stop()
        if self._task is None or self._loading:
            return
        current = self.current_input()
        if current is None or not self.show_problems() or _normalised(current) == _normalised(self._task.fields):
            return
        self.task_edited.emit(self._task.id, current)

    def has_pending_edit(self) -> bool:
        return self._timer.isActive()
