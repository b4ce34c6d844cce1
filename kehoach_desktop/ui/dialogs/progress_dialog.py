"""Update the progress of one task: status, % done, indicator achieved, spent, result, date."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import PropagandaForm, TaskStatus
from kehoach_desktop.formats import format_number, format_vnd
from kehoach_desktop.i18n import _
from kehoach_desktop.services.edit_guards import PROGRESS_FIELDS
from kehoach_desktop.services.plan_dto import ProgressUpdate, TaskProgressRow
from kehoach_desktop.services.plan_revisions import TASK_FIELDS
from kehoach_desktop.services.progress import EDITABLE_STATUSES, validate_progress
from kehoach_desktop.services.registers import HistoryEntry
from kehoach_desktop.ui.dialogs.record_parts import (
    HistoryView,
    label_format,
    money_format,
    number_format,
    percent_format,
)
from kehoach_desktop.ui.input_fields import DateEdit, NumberEdit, ProblemLabel, not_a_number_message


class ProgressDialog(QDialog):
    def __init__(self, row: TaskProgressRow, *, today: dt.date, parent: QWidget | None = None,
                 history: tuple[HistoryEntry, ...] = ()) -> None:
        super().__init__(parent)
        self._today = today
        self.setObjectName("progress_dialog")
        self.setWindowTitle(_("Update progress"))
        self.setMinimumWidth(560)
        self.row = row
        self.version: int | None = row.version or None  # the task's, as the form was filled (checked on saving)
        title = QLabel(row.content)
        title.setWordWrap(True)
        title.setStyleSheet("font-weight: 600;")
        meta = QLabel(" · ".join(x for x in (row.section_label, row.lead_unit_name) if x))
        meta.setProperty("role", "hint")
        meta.setWordWrap(True)
        self.status = QComboBox()
        self.status.setObjectName("progress_status")
        for value in EDITABLE_STATUSES:
            self.status.addItem(TaskStatus(value).label, value)
        stored = row.stored_status if row.stored_status in EDITABLE_STATUSES else TaskStatus.IN_PROGRESS.value
        self.status.setCurrentIndex(self.status.findData(stored))
        self.percent = QSpinBox()
        self.percent.setObjectName("progress_percent")
        self.percent.setRange(0, 100)
        self.percent.setSingleStep(5)
        self.percent.setSuffix(" %")
        self.percent.setValue(row.percent_done)
        self.achieved = NumberEdit(optional=True)
        self.achieved.setObjectName("progress_achieved")
        self.achieved.set_value(row.indicator_achieved)
        target = (_("of {target} {unit}").format(target=format_number(row.indicator_target), unit=row.indicator_unit)
                  if row.indicator_target is not None else row.indicator_unit or _("(no indicator)"))
        achieved_row = QHBoxLayout()
        achieved_row.addWidget(self.achieved, 1)
        achieved_row.addWidget(QLabel(target), 2)
        self.spent = NumberEdit()
        self.spent.setObjectName("progress_spent")
        self.spent.set_value(row.spent)
        spent_row = QHBoxLayout()
        spent_row.addWidget(self.spent, 1)
        spent_row.addWidget(QLabel(_("of a budget of {budget}").format(budget=format_vnd(row.budget))), 2)
        self.result = QPlainTextEdit(row.result_text)
        self.result.setObjectName("progress_result")
        self.result.setFixedHeight(90)
        self.date = DateEdit()
        self.date.setObjectName("progress_date")
        self.date.set_value(today)
        self.problem = ProblemLabel()
        self.problem.setObjectName("progress_problem")
        form = QFormLayout()
        form.addRow(_("Status"), self.status)
        form.addRow(_("Done"), self.percent)
        form.addRow(_("Indicator achieved"), achieved_row)
        form.addRow(_("Spent (VND)"), spent_row)
        form.addRow(_("Result"), self.result)
        form.addRow(_("Updated on"), self.date)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        progress_tab = QWidget()
        progress_layout = QVBoxLayout(progress_tab)
        progress_layout.addLayout(form)
        progress_layout.addWidget(self.problem)
        self.history = HistoryView(
            {k: _(v) for k, v in (PROGRESS_FIELDS | TASK_FIELDS).items()},
            value_formats={"status": label_format(TaskStatus), "form": label_format(PropagandaForm),
                           "spent": money_format, "budget": money_format, "percent_done": percent_format,
                           "indicator_achieved": number_format, "indicator_target": number_format})
        self.history.show_history(history)
        self.tabs = QTabWidget()
        self.tabs.addTab(progress_tab, _("Progress"))
        self.tabs.addTab(self.history, _("History"))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(meta)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        self.status.currentIndexChanged.connect(self._on_status_changed)
        for signal in (self.percent.valueChanged, self.achieved.textChanged, self.spent.textChanged):
            signal.connect(self._validate)
        self._validate()

    def _on_status_changed(self) -> None:
        status = self.status.currentData()
        if status == TaskStatus.DONE.value:
            self.percent.setValue(100)
        elif status == TaskStatus.NOT_STARTED.value:
            self.percent.setValue(0)
        self._validate()

    def progress_update(self) -> ProgressUpdate | None:
        achieved, spent = self.achieved.value(), self.spent.value()
        if spent is None or not self.achieved.is_valid():
            return None
        return ProgressUpdate(status=self.status.currentData(), percent_done=self.percent.value(),
                              indicator_achieved=achieved, spent=spent, result_text=self.result.toPlainText(),
                              updated_on=self.date.value() or self._today)

    def _validate(self) -> None:
        update = self.progress_update()
        problems = [not_a_number_message()] if update is None else validate_progress(update)
        self.problem.show_problem(problems[0] if problems else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not problems)
