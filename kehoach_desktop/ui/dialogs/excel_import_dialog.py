"""Import returned progress workbooks: choose many files, see every change and problem, then apply or cancel.

Nothing is written before Apply; Apply backs the workspace up and writes every valid change
in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services import excel_import
from kehoach_desktop.services.excel_import import FilePreview, ImportOutcome, ImportPreview
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui import icons
from kehoach_desktop.ui.dialogs.excel_export_dialog import run_with_progress
from kehoach_desktop.ui.empty_state import EmptyState
from kehoach_desktop.ui.folders import DocumentFolders, DoneNotice, FileKind
from kehoach_desktop.ui.tasks import TaskRunner

PROBLEM_COLOUR = QColor("#991b1b")
NOTE_COLOUR = QColor("#92400e")
STATUS_ICONS = {excel_import.OK: icons.CHECK, excel_import.REFUSED: icons.BLOCKED, excel_import.ALREADY: icons.CROSS}


class ExcelImportDialog(QDialog):
    changed = Signal(object)  # Changes

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("excel_import_dialog")
        self.setWindowTitle(_("Import progress from Excel"))
        self.resize(1100, 680)
        self._session = session
        self._folders = DocumentFolders(session)
        self.runner = TaskRunner(self)
        self.preview: ImportPreview | None = None
        self.outcome: ImportOutcome | None = None
        self.message = ""

        self.summary = QLabel(_("Choose the workbooks the units sent back (several at once). Nothing is written "
                                "before you apply the changes."))
        self.summary.setObjectName("excel_import_summary")
        self.summary.setWordWrap(True)
        self.choose = QPushButton(_("Choose files…"))
        self.choose.setObjectName("excel_choose_files")
        self.choose.clicked.connect(self._on_choose_clicked)
        self.save_marked = QPushButton(_("Save copies with the problems marked…"))
        self.save_marked.setObjectName("excel_save_marked")
        self.save_marked.setToolTip(_("A copy of each file with problems, its bad cells highlighted and commented, "
                                      "to send back to the unit."))
        self.save_marked.setEnabled(False)
        self.save_marked.clicked.connect(self._on_save_marked_clicked)
        top = QHBoxLayout()
        top.addWidget(self.choose)
        top.addWidget(self.save_marked)
        top.addStretch(1)

        self.tree = QTreeWidget()
        self.tree.setObjectName("excel_preview_tree")
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels([_("File, sheet, record"), _("Row"), _("Column"), _("Before / found"),
                                   _("After / expected")])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 380)
        header.resizeSection(1, 50)
        header.resizeSection(2, 150)
        header.resizeSection(3, 220)
        header.setStretchLastSection(True)
        self.tree_empty = EmptyState(self.tree, object_name="excel_preview_empty")
        self.tree_empty.show_message(_("What the workbooks change shows here, file by file and row by row, with "
                                       "their problems, before anything is written."), _("Choose files…"),
                                     self.choose.click)
        self.tree.model().rowsInserted.connect(lambda *_args: self.tree_empty.clear())

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton(_("Apply the changes"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("excel_apply")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        self.done_notice = DoneNotice(object_name="marked_copies_done")
        layout.addWidget(self.done_notice)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)

    # files ---------------------------------------------------------------------------------
    def _on_choose_clicked(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Choose the returned workbooks"),
                                                      str(self._folders.start(FileKind.EXPORTS)),
                                                      _("Excel workbook (*.xlsx)"))
        if paths:
            self._folders.remember(FileKind.EXPORTS, Path(paths[0]))
            self.load_files([Path(p) for p in paths])

    def load_files(self, paths: Sequence[Path]) -> None:
        """Read and check the files off the GUI thread, then show the preview."""
        uow_factory, today = self._session.uow_factory, self._session.today()

        def work(progress: Callable[[int, int, str], None], should_stop: Callable[[], bool]) -> Any:
            return excel_import.preview_excel_import(uow_factory=uow_factory, paths=list(paths), today=today,
                                                     progress=progress, should_stop=should_stop)

        self.apply_button.setEnabled(False)
        run_with_progress(self, self.runner, _("Reading the workbooks…"), work, self.show_preview,
                          on_cancelled=lambda: self.summary.setText(_("Reading was cancelled; nothing was "
                                                                      "written.")))

    # preview -------------------------------------------------------------------------------
    def show_preview(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.tree.clear()
        for file in preview.files:
            item = self._file_item(file)
            self.tree.addTopLevelItem(item)
            item.setFirstColumnSpanned(True)  # spanning and expanding take effect once in the tree
            item.setExpanded(True)
            for index in range(item.childCount()):
                child = item.child(index)
                child.setFirstColumnSpanned(True)
                child.setExpanded(child.childCount() <= 200)
                if child.childCount() <= 30:  # a few changes: show their fields at once
                    for record in range(child.childCount()):
                        child.child(record).setExpanded(True)
        refused = len(preview.refused)
        self.summary.setText(" ".join(x for x in (
            ngettext("{n} file read:", "{n} files read:", len(preview.files)).format(n=len(preview.files)),
            ngettext("{n} change to apply,", "{n} changes to apply,", preview.change_count).format(
                n=preview.change_count),
            ngettext("{n} problem.", "{n} problems.", preview.problem_count).format(n=preview.problem_count),
            ngettext("{n} file refused.", "{n} files refused.", refused).format(n=refused) if refused else "",
            _("Rows with a problem are left out; the other changes can be applied.") if preview.problem_count
            else "") if x))
        self.apply_button.setEnabled(any(f.status == excel_import.OK for f in preview.files))
        self.save_marked.setEnabled(any(f.status == excel_import.OK and any(p.sheet for p in f.all_problems)
                                        for f in preview.files))

    def _file_item(self, file: FilePreview) -> QTreeWidgetItem:
        item = QTreeWidgetItem([excel_import.describe_file(file)])
        item.setIcon(0, icons.icon(STATUS_ICONS[file.status]))
        item.setToolTip(0, str(file.path))
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        if file.status == excel_import.REFUSED:
            item.setForeground(0, QBrush(PROBLEM_COLOUR))
        for sheet in file.sheets:
            if not (sheet.changes or sheet.new_records or sheet.missing):
                continue
            sheet_item = QTreeWidgetItem([_("Sheet “{sheet}”: {changes}, {new}, {missing}").format(
                sheet=sheet.name,
                changes=ngettext("{n} change", "{n} changes", len(sheet.changes)).format(n=len(sheet.changes)),
                new=ngettext("{n} new", "{n} new", len(sheet.new_records)).format(n=len(sheet.new_records)),
                missing=ngettext("{n} missing", "{n} missing", len(sheet.missing)).format(n=len(sheet.missing)))])
            item.addChild(sheet_item)
            children = []
            for change in sheet.changes:
                record = QTreeWidgetItem([change.label, str(change.row)])
                record.addChildren([QTreeWidgetItem(["", "", f.column, f.old, f.new]) for f in change.fields])
                children.append(record)
            for new in sheet.new_records:
                record = QTreeWidgetItem(["＋ " + new.label, str(new.row)])
                record.addChildren([QTreeWidgetItem(["", "", f.column, "", f.new]) for f in new.fields])
                children.append(record)
            for missing in sheet.missing:
                record = QTreeWidgetItem([_("Missing from the file (kept): {label}").format(label=missing.label)])
                record.setForeground(0, QBrush(NOTE_COLOUR))
                children.append(record)
            sheet_item.addChildren(children)
        problems = file.all_problems
        if problems:
            node = QTreeWidgetItem([ngettext("{n} problem", "{n} problems", len(problems)).format(n=len(problems))])
            node.setForeground(0, QBrush(PROBLEM_COLOUR))
            node.addChildren([self._problem_item(p) for p in problems])
            item.addChild(node)
        return item

    @staticmethod
    def _problem_item(problem: excel_import.CellProblem) -> QTreeWidgetItem:
        kind = _("Problem") if problem.blocking else _("Note")
        item = QTreeWidgetItem([f"{kind} · {problem.sheet}", str(problem.row or ""),
                                f"{problem.letter} {problem.column}".strip(), problem.found, problem.expected])
        colour = PROBLEM_COLOUR if problem.blocking else NOTE_COLOUR
        for column in range(5):
            item.setForeground(column, QBrush(colour))
            item.setToolTip(column, problem.expected)
        return item

    # actions -------------------------------------------------------------------------------
    def _on_save_marked_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder for the marked copies"),
                                                  str(self._folders.start(FileKind.EXPORTS)))
        if folder:
            self._folders.remember(FileKind.EXPORTS, Path(folder))
            self.save_marked_copies(Path(folder))

    def save_marked_copies(self, folder: Path) -> tuple[Path, ...]:
        assert self.preview is not None
        written = excel_import.write_problem_copies(preview=self.preview, folder=folder)
        self.message = ngettext("Wrote {n} marked copy into {folder}.", "Wrote {n} marked copies into {folder}.",
                                len(written)).format(n=len(written), folder=folder)
        self.summary.setText(self.message)
        self.done_notice.show_done(self.message, folder)
        return written

    def _on_apply_clicked(self) -> None:
        if self.preview is None:
            return
        preview, uow_factory = self.preview, self._session.uow_factory

        def work(progress: Callable[[int, int, str], None], should_stop: Callable[[], bool]) -> Any:
            return excel_import.apply_excel_import(uow_factory=uow_factory, preview=preview)

        self.apply_button.setEnabled(False)
        run_with_progress(self, self.runner, _("Backing up the workspace and applying the changes…"), work,
                          self._on_applied)

    def _on_applied(self, outcome: ImportOutcome) -> None:
        self.outcome = outcome
        self.message = _("Applied: {updated} records updated, {created} created, from {files} files.").format(
            updated=outcome.updated, created=outcome.created, files=outcome.files)
        self.changed.emit(outcome.changes)
        if self.isVisible():  # told without blocking, over the main window (this dialog closes now)
            box = QMessageBox(QMessageBox.Icon.Information, _("Import progress from Excel"), self.message,
                              QMessageBox.StandardButton.Ok, self.parentWidget())
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        self.accept()

    def done(self, result: int) -> None:
        self.runner.wait()
        super().done(result)
