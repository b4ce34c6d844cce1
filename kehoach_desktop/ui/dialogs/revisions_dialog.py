"""Issued revisions of the plan: read any of them, and compare two (or one with the current draft)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.formats import format_date, format_number
from kehoach_desktop.i18n import _
from kehoach_desktop.services.plan_dto import RevisionInfo
from kehoach_desktop.services.plan_revisions import compare_revisions, get_revision, list_revisions
from kehoach_desktop.ui.revision_html import comparison_html, revision_html
from kehoach_desktop.ui.table_model import Column, DtoTableModel

CURRENT = -1  # the combo's data for the plan as it stands


def revision_columns() -> list[Column[RevisionInfo]]:
    return [
        Column(_("Revision"), lambda r: str(r.number), lambda r: r.number, numeric=True),
        Column(_("No."), lambda r: r.plan_number),
        Column(_("Issued on"), lambda r: format_date(r.issue_date), lambda r: r.issue_date),
        Column(_("Tasks"), lambda r: format_number(r.tasks), lambda r: r.tasks, numeric=True),
        Column(_("Reason"), lambda r: r.reason or _("First issue") if r.number == 1 else r.reason,
               tooltip=lambda r: r.reason),
    ]


class RevisionsDialog(QDialog):
    def __init__(self, uow_factory: Callable[[], Any], *, current_revision: int, is_draft: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revisions_dialog")
        self.setWindowTitle(_("Revisions of the plan"))
        self.resize(1100, 720)
        self._uow_factory = uow_factory
        revisions = list_revisions(uow_factory=uow_factory)

        self.model: DtoTableModel[RevisionInfo] = DtoTableModel(revision_columns(), self)
        self.model.set_rows(revisions)
        self.table = QTableView()
        self.table.setObjectName("revisions_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.reader = QTextBrowser()
        self.reader.setObjectName("revision_reader")
        read_tab = QSplitter()
        read_tab.addWidget(self.table)
        read_tab.addWidget(self.reader)
        read_tab.setSizes([420, 680])

        self.before = QComboBox()
        self.before.setObjectName("compare_before")
        self.after = QComboBox()
        self.after.setObjectName("compare_after")
        for info in revisions:
            label = _("Revision {n} — {date}").format(n=info.number, date=format_date(info.issue_date) or "—")
            self.before.addItem(label, info.number)
            self.after.addItem(label, info.number)
        if is_draft:
            self.after.addItem(_("Revision {n} (current draft)").format(n=current_revision), CURRENT)
        self.view = QTextBrowser()
        self.view.setObjectName("comparison_view")
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Compare")))
        row.addWidget(self.before, 1)
        row.addWidget(QLabel(_("with")))
        row.addWidget(self.after, 1)
        compare_tab = QWidget()
        compare_layout = QVBoxLayout(compare_tab)
        compare_layout.addLayout(row)
        compare_layout.addWidget(self.view, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("revisions_tabs")
        self.tabs.addTab(compare_tab, _("Compare"))
        self.tabs.addTab(read_tab, _("Read a revision"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not revisions:
            note = QLabel(_("The plan has not been issued yet: there is no revision to read or compare."))
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

        self.table.selectionModel().currentRowChanged.connect(lambda current, _p: self.show_revision(current.row()))
        self.before.currentIndexChanged.connect(self.show_comparison)
        self.after.currentIndexChanged.connect(self.show_comparison)
        if revisions:
            self.table.selectRow(len(revisions) - 1)
            self.before.setCurrentIndex(max(0, self.after.count() - 2))
            self.after.setCurrentIndex(self.after.count() - 1)
            self.show_comparison()

    def show_revision(self, row: int) -> None:
        if row < 0:
            return
        info = self.model.row_at(row)
        self.reader.setHtml(revision_html(get_revision(uow_factory=self._uow_factory, number=info.number)))

    def compare(self, before: int, after: int | None) -> None:
        """Select the two revisions (``None``: the current draft) and show what changed."""
        self.before.setCurrentIndex(self.before.findData(before))
        self.after.setCurrentIndex(self.after.findData(CURRENT if after is None else after))
        self.show_comparison()

    def show_comparison(self) -> None:
        before, after = self.before.currentData(), self.after.currentData()
        if before is None or after is None:
            self.view.setHtml("")
            return
        diff = compare_revisions(uow_factory=self._uow_factory, before=before,
                                 after=None if after == CURRENT else after)
        self.view.setHtml(comparison_html(diff))
