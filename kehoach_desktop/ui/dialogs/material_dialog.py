"""The detail form of a material: fields, life-cycle dates, photos and history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import MaterialStatus, MaterialType
from kehoach_desktop.domain.errors import ConcurrentEditError, UserFacingError
from kehoach_desktop.domain.lifecycle import (
    DATE_FIELDS,
    STEP_DATE_FIELD,
    check_step,
    dates_after_step,
    material_date_problems,
)
from kehoach_desktop.formats import format_date
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services.materials import MaterialInput, MaterialRecord, get_material
from kehoach_desktop.services.registers import LifecycleSkipError, TaskChoice, ThemeChoice
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
    "type": N_("Type"), "content": N_("Content / slogan"), "quantity": N_("Quantity"), "size": N_("Size"),
    "ward": N_("Locality"), "address": N_("Address"), "section_id": N_("Theme"), "task_id": N_("Task"),
    "status": N_("Status"), "planned_on": N_("Planned on"), "produced_on": N_("Produced on"),
    "installed_on": N_("Installed on"), "removed_on": N_("Removed on"), "damaged_on": N_("Damage found on"),
    "replaced_on": N_("Replaced on"), "planned_removal_on": N_("Planned removal"), "cost": N_("Cost (VND)"),
    "supplier": N_("Supplier"), "notes": N_("Notes"),
}

# save(values, confirm_step, expected_version) -> the record's id; raises UserFacingError (LifecycleSkipError
# asks to confirm; ConcurrentEditError when someone else saved the record since the form was filled)
Save = Callable[[MaterialInput, bool, int | None], str]


def fill_combo(combo: QComboBox, choices: Sequence[tuple[str | None, str]], current: str | None) -> None:
    combo.clear()
    for value, label in choices:
        combo.addItem(label, value)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))


class MaterialDialog(QDialog):
    def __init__(self, *, uow_factory: Callable, record: MaterialRecord | None,  # type: ignore[type-arg]
                 themes: Sequence[ThemeChoice], tasks: Sequence[TaskChoice], wards: Sequence[str],
                 today: dt.date, save: Save, parent: QWidget | None = None,
                 folders: DocumentFolders | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("material_dialog")
        self._record = record
        self._uow_factory = uow_factory
        self._tasks = tasks
        self._today = today
        self._save = save
        self.version: int | None = record.version if record else None  # of the values shown
        self.saved_id: str | None = record.id if record else None
        self.setWindowTitle(_("Visual material") if record is None else _("Visual material — {content}").format(
            content=record.content[:60]))
        self.resize(860, 680)
        values = record.as_input() if record else MaterialInput(type=MaterialType.BANNER.value, content="",
                                                                planned_on=today)
        self._original_status = values.status

        self.type = QComboBox()
        fill_combo(self.type, MaterialType.choices(), values.type)
        self.theme = QComboBox()
        fill_combo(self.theme, [(None, _("(no theme)")), *((t.id, "  " * t.depth + t.label) for t in themes)],
                   values.section_id)
        self.task = QComboBox()
        self.task.setMinimumContentsLength(40)
        self.task.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._fill_tasks(values.task_id)
        self.theme.currentIndexChanged.connect(lambda _i: self._fill_tasks(self.task.currentData()))
        self.content = QPlainTextEdit()
        self.content.setObjectName("content")
        self.content.setPlainText(values.content)
        self.content.setFixedHeight(64)
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 10_000_000)
        self.quantity.setGroupSeparatorShown(True)
        self.quantity.setValue(values.quantity)
        self.size = QLineEdit(values.size)
        self.ward = QComboBox()
        self.ward.setEditable(True)
        self.ward.addItems(list(wards))
        self.ward.setCurrentText(values.ward)
        self.address = QLineEdit(values.address)
        self.cost = NumberEdit()
        self.cost.setObjectName("cost")
        self.cost.set_value(values.cost)
        self.supplier = QLineEdit(values.supplier)
        self.notes = QPlainTextEdit(values.notes)
        self.notes.setFixedHeight(56)

        form = QFormLayout()
        form.addRow(_("Type"), self.type)
        form.addRow(_("Theme"), self.theme)
        form.addRow(_("Task"), self.task)
        form.addRow(_("Content / slogan"), self.content)
        size_row = QHBoxLayout()
        size_row.addWidget(self.quantity)
        size_row.addWidget(QLabel(_("Size")))
        size_row.addWidget(self.size, 1)
        form.addRow(_("Quantity"), size_row)
        form.addRow(_("Locality"), self.ward)
        form.addRow(_("Address"), self.address)
        money_row = QHBoxLayout()
        money_row.addWidget(self.cost)
        money_row.addWidget(QLabel(_("Supplier")))
        money_row.addWidget(self.supplier, 1)
        form.addRow(_("Cost (VND)"), money_row)
        form.addRow(_("Notes"), self.notes)

        # life cycle
        self.status = QComboBox()
        self.status.setObjectName("status")
        fill_combo(self.status, MaterialStatus.choices(), values.status)
        self.dates: dict[str, OptionalDateEdit] = {}
        cycle = QGroupBox(_("Life cycle"))
        grid = QGridLayout(cycle)
        grid.addWidget(QLabel(_("Status")), 0, 0)
        grid.addWidget(self.status, 0, 1)
        self.planned_removal = OptionalDateEdit()
        self.planned_removal.setObjectName("planned_removal_on")
        self.planned_removal.set_value(values.planned_removal_on)
        self.planned_removal.open_calendar_on(today)
        grid.addWidget(QLabel(_("Planned removal")), 0, 2)
        grid.addWidget(self.planned_removal, 0, 3)
        for position, name in enumerate(DATE_FIELDS):
            edit = OptionalDateEdit()
            edit.setObjectName(name)
            edit.set_value(getattr(values, name))
            edit.open_calendar_on(today)
            self.dates[name] = edit
            row, col = 1 + position // 2, (position % 2) * 2
            grid.addWidget(QLabel(_(FIELD_LABELS[name])), row, col)
            grid.addWidget(edit, row, col + 1)
        self.status.currentIndexChanged.connect(self._on_status_changed)
        self.photo_date_button = QPushButton()
        self.photo_date_button.setObjectName("use_photo_date")
        self.photo_date_button.setVisible(False)
        self.photo_date_button.clicked.connect(self._on_use_photo_date)
        grid.addWidget(self.photo_date_button, 4, 0, 1, 4)
        self.problem = ProblemLabel()
        self.problem.setObjectName("problem")

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.addLayout(form)
        details_layout.addWidget(cycle)
        details_layout.addWidget(self.problem)
        details_layout.addStretch(1)

        self.photos = PhotosPanel(uow_factory, "material", record.id if record else None, folders=folders)
        self.photos.photo_date_found.connect(self._on_photo_date_found)
        self.history = HistoryView({k: _(v) for k, v in FIELD_LABELS.items()}, value_formats={
            "type": label_format(MaterialType), "status": label_format(MaterialStatus), "cost": money_format,
            "quantity": number_format})
        self.history.load(uow_factory, record.id if record else None)
        self.tabs = QTabWidget()
        self.tabs.addTab(details, _("Details"))
        self.tabs.addTab(self.photos, _("Photos"))
        self.tabs.addTab(self.history, _("History"))
        self._photo_date: dt.date | None = None

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

    # life cycle --------------------------------------------------------------------------
    def _form_dates(self) -> dict[str, dt.date | None]:
        return {name: edit.value() for name, edit in self.dates.items()}

    def _on_status_changed(self, _index: int) -> None:
        """Fill the new step's date (today, if empty) and nothing else; a step back clears later dates."""
        target = self.status.currentData()
        current = self._form_dates()
        on = current[STEP_DATE_FIELD[MaterialStatus(target)]] or self._photo_date or self._today
        for name, value in dates_after_step(current, self._original_status, target, on).items():
            self.dates[name].set_value(value)
        self._show_photo_date_offer()

    def _on_photo_date_found(self, day: dt.date) -> None:
        self._photo_date = day
        self._show_photo_date_offer()

    def _show_photo_date_offer(self) -> None:
        if self._photo_date is None:
            return
        status = MaterialStatus(self.status.currentData())
        edit = self.dates[STEP_DATE_FIELD[status]]
        self.photo_date_button.setText(_("Use the photo's date {date} as the date of “{step}”").format(
            date=format_date(self._photo_date), step=status.label))
        self.photo_date_button.setVisible(edit.value() != self._photo_date)

    def _on_use_photo_date(self) -> None:
        status = MaterialStatus(self.status.currentData())
        self.dates[STEP_DATE_FIELD[status]].set_value(self._photo_date)
        self.photo_date_button.setVisible(False)

    # saving ------------------------------------------------------------------------------
    def values(self) -> MaterialInput | None:
        if not self.cost.is_valid():
            self.problem.show_problem(_("The cost: type a whole number of đồng, for example 1.500.000."))
            return None
        return MaterialInput(
            type=self.type.currentData(), content=self.content.toPlainText(), quantity=self.quantity.value(),
            size=self.size.text(), ward=self.ward.currentText(), address=self.address.text(),
            section_id=self.theme.currentData(), task_id=self.task.currentData(), status=self.status.currentData(),
            planned_removal_on=self.planned_removal.value(), cost=self.cost.value() or 0,
            supplier=self.supplier.text(), notes=self.notes.toPlainText(), **self._form_dates())

    def accept(self) -> None:
        values = self.values()
        if values is None:
            return
        problems = material_date_problems(self._form_dates(), values.planned_removal_on)
        if problems:
            self.problem.show_problem(" ".join(problems))
            self.tabs.setCurrentIndex(0)
            return
        confirm = False
        check = check_step(self._original_status, values.status)
        if self._record is not None and check.needs_confirmation:
            if check.kind == "skip":
                question = _("“{status}” skips: {steps}. Their dates stay empty. Save anyway?").format(
                    status=MaterialStatus(values.status).label, steps=", ".join(s.label for s in check.skipped))
            else:
                question = _("“{status}” goes back in the life cycle; the dates of the later steps are cleared. "
                             "Save anyway?").format(status=MaterialStatus(values.status).label)
            answer = QMessageBox.question(self, _("Skip a step?"), question)
            if answer != QMessageBox.StandardButton.Yes:
                return
            confirm = True
        try:
            self.saved_id = self._save(values, confirm, self.version)
            self.photos.attach_pending(self.saved_id)
        except LifecycleSkipError as error:
            self.problem.show_problem(error.message)
            return
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
        """Fill the form again from the record as now saved (after someone else changed it)."""
        if self._record is None:
            return
        try:
            record = get_material(uow_factory=self._uow_factory, material_id=self._record.id)
        except UserFacingError as error:  # deleted meanwhile
            self.problem.show_problem(error.message)
            return
        self._record, self.version, self._original_status = record, record.version, record.status
        self.type.setCurrentIndex(max(self.type.findData(record.type), 0))
        self.theme.setCurrentIndex(max(self.theme.findData(record.section_id), 0))
        self._fill_tasks(record.task_id)
        self.content.setPlainText(record.content)
        self.quantity.setValue(record.quantity)
        self.size.setText(record.size)
        self.ward.setCurrentText(record.ward)
        self.address.setText(record.address)
        self.cost.set_value(record.cost)
        self.supplier.setText(record.supplier)
        self.notes.setPlainText(record.notes)
        self.status.blockSignals(True)  # the stored dates are shown as they are, not recomputed
        self.status.setCurrentIndex(max(self.status.findData(record.status), 0))
        self.status.blockSignals(False)
        self.planned_removal.set_value(record.planned_removal_on)
        for name, edit in self.dates.items():
            edit.set_value(getattr(record, name))
        self.problem.show_problem(_("The form now shows the values saved by the other person."), blocking=False)
        self.tabs.setCurrentIndex(0)
