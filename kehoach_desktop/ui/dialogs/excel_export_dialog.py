"""Export the Excel progress workbook: for everyone, for one responsible unit, or one file per unit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services import excel_export
from kehoach_desktop.services.excel_export import ExportedWorkbook, ExportUnit
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.folders import DocumentFolders, FileKind, add_open_folder_button
from kehoach_desktop.ui.tasks import TaskRunner

EVERYONE, ONE_UNIT, PER_UNIT = 0, 1, 2


class WorkProgress(QObject):
    """Carries progress from the worker thread to the GUI thread (queued signal)."""

    advanced = Signal(int, int, str)


def run_with_progress(parent: QWidget, runner: TaskRunner, message: str,
                      work: Callable[[Callable[[int, int, str], None], Callable[[], bool]], Any],
                      on_done: Callable[[Any], None], *, on_cancelled: Callable[[], None] | None = None) -> None:
    """Run ``work(progress, should_stop)`` off the GUI thread with a progress bar and a Cancel button."""
    stop = threading.Event()
    dialog = QProgressDialog(message, _("Cancel"), 0, 0, parent)
    dialog.setObjectName("excel_progress")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(stop.set)
    relay = WorkProgress(parent)

    def advance(done: int, total: int, label: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)
        if label:
            dialog.setLabelText(f"{message}\n{label}")

    relay.advanced.connect(advance)

    def finished(result: Any) -> None:
        dialog.close()
        relay.deleteLater()
        on_done(result)

    def failed(error: BaseException) -> None:
        dialog.close()
        relay.deleteLater()
        if stop.is_set() or type(error).__name__ in ("ExportCancelled", "ImportCancelled"):
            if on_cancelled is not None:
                on_cancelled()
            return
        if isinstance(error, UserFacingError):
            show_user_error(parent, error)
        else:
            raise error

    runner.run(lambda: work(relay.advanced.emit, lambda: stop.is_set() or runner.stop_requested()),
               on_done=finished, on_error=failed)


class ExcelExportDialog(QDialog):
    exported = Signal(object)  # tuple[ExportedWorkbook, ...]

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("excel_export_dialog")
        self.setWindowTitle(_("Export progress to Excel"))
        self.setMinimumWidth(560)
        self._session = session
        self._folders = DocumentFolders(session)
        self.runner = TaskRunner(self)
        self.result_files: tuple[ExportedWorkbook, ...] = ()
        self.cancelled = False

        intro = QLabel(_("Send the workbook to the responsible units: they fill in the progress of their tasks, "
                         "materials and events in Excel, LibreOffice or WPS and send it back; then import it "
                         "with File → Import progress from Excel."))
        intro.setWordWrap(True)
        self.everyone = QRadioButton(_("One workbook for everyone"))
        self.one_unit = QRadioButton(_("One workbook for one unit:"))
        self.per_unit = QRadioButton(_("One workbook per unit, all into a folder"))
        self.everyone.setChecked(True)
        self.scope = QButtonGroup(self)
        for index, button in enumerate((self.everyone, self.one_unit, self.per_unit)):
            self.scope.addButton(button, index)
        self.unit = QComboBox()
        self.unit.setObjectName("excel_unit")
        self.unit.setEnabled(False)
        self.unit.setMinimumContentsLength(30)
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.one_unit)
        unit_row.addWidget(self.unit, 1)
        scope_box = QGroupBox(_("For whom"))
        scope_layout = QVBoxLayout(scope_box)
        scope_layout.addWidget(self.everyone)
        scope_layout.addLayout(unit_row)
        scope_layout.addWidget(self.per_unit)

        self.sheet_boxes: dict[str, QCheckBox] = {}
        sheets_box = QGroupBox(_("Sheets"))
        sheets_layout = QHBoxLayout(sheets_box)
        for key, label in (("tasks", _("Tasks")), ("materials", _("Visual materials")), ("events", _("Events"))):
            box = QCheckBox(label)
            box.setChecked(True)
            box.setObjectName(f"excel_sheet_{key}")
            self.sheet_boxes[key] = box
            sheets_layout.addWidget(box)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(_("Export…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("excel_export_button")
        self.buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.scope.idToggled.connect(lambda _id, _on: self._update())
        for box in self.sheet_boxes.values():
            box.toggled.connect(self._update)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scope_box)
        layout.addWidget(sheets_box)
        layout.addWidget(self.buttons)
        self.units: tuple[ExportUnit, ...] = ()
        self._load_units()

    def _load_units(self) -> None:
        uow_factory, today = self._session.uow_factory, self._session.today()
        self.runner.run(lambda: excel_export.list_export_units(uow_factory=uow_factory, today=today),
                        on_done=self._on_units_loaded, on_error=lambda e: show_user_error(self, e)
                        if isinstance(e, UserFacingError) else None)

    def _on_units_loaded(self, units: tuple[ExportUnit, ...]) -> None:
        self.units = units
        self.unit.clear()
        for unit in units:
            rows = ngettext("{n} row", "{n} rows", unit.rows).format(n=unit.rows)
            self.unit.addItem(f"{unit.name} ({rows})", unit.code)
        self._update()

    def _update(self) -> None:
        self.unit.setEnabled(self.one_unit.isChecked())
        self.export_button.setEnabled(bool(self.sheets()) and (not self.one_unit.isChecked() or bool(self.units)))

    def sheets(self) -> tuple[str, ...]:
        return tuple(key for key, box in self.sheet_boxes.items() if box.isChecked())

    def _on_export_clicked(self) -> None:
        if self.per_unit.isChecked():
            folder = QFileDialog.getExistingDirectory(self, _("Folder for the workbooks"), self._default_folder())
            if folder:
                self._folders.remember(FileKind.EXPORTS, Path(folder))
                self.export_per_unit_to(Path(folder))
            return
        name = "tien-do.xlsx"
        if self.one_unit.isChecked() and self.unit.currentData():
            unit = self.units[self.unit.currentIndex()]
            name = excel_export.file_name_for(unit.code, unit.name, self._session.today().year)
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the workbook"),
                                                    str(Path(self._default_folder()) / name),
                                                    _("Excel workbook (*.xlsx)"))
        if path:
            self._folders.remember(FileKind.EXPORTS, Path(path))
            self.export_to(Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx"))

    def _default_folder(self) -> str:
        return str(self._folders.start(FileKind.EXPORTS))

    def export_to(self, path: Path) -> None:
        """Write one workbook (everyone, or the unit chosen)."""
        uow_factory, today, sheets = self._session.uow_factory, self._session.today(), self.sheets()
        unit = self.unit.currentData() if self.one_unit.isChecked() else None

        def work(progress: Callable[[int, int, str], None], should_stop: Callable[[], bool]) -> Any:
            return (excel_export.export_progress_workbook(uow_factory=uow_factory, out=path, today=today, unit=unit,
                                                          sheets=sheets, should_stop=should_stop),)

        run_with_progress(self, self.runner, _("Writing {name}…").format(name=path.name), work, self._on_done,
                          on_cancelled=self._on_cancelled)

    def export_per_unit_to(self, folder: Path) -> None:
        uow_factory, today, sheets = self._session.uow_factory, self._session.today(), self.sheets()

        def work(progress: Callable[[int, int, str], None], should_stop: Callable[[], bool]) -> Any:
            return excel_export.export_progress_workbooks_per_unit(
                uow_factory=uow_factory, folder=folder, today=today, sheets=sheets,
                progress=lambda done, total: progress(done, total, ""), should_stop=should_stop)

        run_with_progress(self, self.runner, _("Writing one workbook per unit…"), work, self._on_done,
                          on_cancelled=self._on_cancelled)

    def _on_cancelled(self) -> None:
        self.cancelled = True

    def _on_done(self, written: tuple[ExportedWorkbook, ...]) -> None:
        self.result_files = written
        self.exported.emit(written)
        if len(written) == 1:
            message = excel_export.describe_export(written[0])
        else:
            message = ngettext("Wrote {n} workbook into {folder}.", "Wrote {n} workbooks into {folder}.",
                               len(written)).format(n=len(written), folder=written[0].path.parent if written else "")
        self.message = message
        if self.isVisible():  # told without blocking, over the main window (this dialog closes now)
            box = QMessageBox(QMessageBox.Icon.Information, _("Export progress to Excel"), self.message,
                              QMessageBox.StandardButton.Ok, self.parentWidget())
            box.setObjectName("excel_export_done")
            if written:
                add_open_folder_button(box, written[0].path)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        self.accept()

    def done(self, result: int) -> None:
        self.runner.wait()
        super().done(result)
