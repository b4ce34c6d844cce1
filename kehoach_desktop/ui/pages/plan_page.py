"""Kế hoạch: the editor of the district plan built from the city template.

Left, the outline of sections (locks and the district's departures from the template marked);
right, the selected section's text, the district's additions and its tasks with their form.
Every change is saved at once in its own transaction and can be undone (Ctrl+Z / Ctrl+Y).
An issued plan is read-only here until a new revision is opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import PlanStatus, PropagandaForm, SectionKind
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.formats import format_date, format_number, format_vnd
from kehoach_desktop.i18n import _
from kehoach_desktop.services import plan_editing as edit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.documents import number_text, suggest_number
from kehoach_desktop.services.plan_assignments import draft_organisation_text
from kehoach_desktop.services.plan_dto import EditorSection, EditorTask, PlanEditorState, TaskInput
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui import icons
from kehoach_desktop.ui.dialogs.issue_dialogs import IssueDialog, ReviseDialog
from kehoach_desktop.ui.dialogs.plan_details_dialog import PlanDetailsDialog
from kehoach_desktop.ui.dialogs.revisions_dialog import RevisionsDialog
from kehoach_desktop.ui.dialogs.units_dialog import ResponsibleUnitsDialog
from kehoach_desktop.ui.empty_state import EmptyState
from kehoach_desktop.ui.flow_layout import FlowLayout, flow_row
from kehoach_desktop.ui.icons import IconLabel
from kehoach_desktop.ui.input_fields import CommitTextEdit
from kehoach_desktop.ui.plan_undo import ServiceCommand, Write
from kehoach_desktop.ui.table_model import Column, DtoTableModel
from kehoach_desktop.ui.task_form import TaskForm
from kehoach_desktop.ui.widgets import ColumnsByWidth, PageHeader, fit_header_texts, set_available, wrap_tree_text

_NO_CHANGES = Changes()


def editor_task_columns() -> list[Column[EditorTask]]:
    def indicator(t: EditorTask) -> str:
        f = t.fields
        return f"{format_number(f.indicator_target)} {f.indicator_unit}".strip() if f.indicator_target else ""

    return [
        Column("#", lambda t: str(t.position + 1), lambda t: t.position, numeric=True),
        Column(_("Content"), lambda t: t.fields.content, tooltip=lambda t: t.fields.content),
        Column(_("Lead unit"), lambda t: t.lead_unit_name, tooltip=lambda t: t.lead_unit_name),
        Column(_("Due"), lambda t: format_date(t.fields.due_date), lambda t: t.fields.due_date or dt.date.min),
        Column(_("Budget"), lambda t: format_vnd(t.fields.budget), lambda t: t.fields.budget, numeric=True),
        Column(_("Indicator"), indicator, tooltip=lambda t: PropagandaForm(t.fields.form).label),
    ]


def _framed(content: QWidget, name: str) -> tuple[QFrame, QWidget]:
    """``content`` in a frame named ``name`` (styled as a coloured banner)."""
    frame = QFrame()
    frame.setObjectName(name)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(8, 6, 8, 6)
    layout.addWidget(content)
    return frame, content


class PlanPage(QWidget):
    """Refreshes when a write touches any of RELEVANT_CHANGES; emits ``changed`` after its own writes."""

    RELEVANT_CHANGES = ("plan", "tasks", "units")
    changed = Signal(object)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._uow = session.uow_factory
        self._read_only = bool(getattr(session, "read_only", False))  # the city's view of a unit's plan
        self._state: PlanEditorState | None = None
        self._section_id: str | None = None
        self._select_task_after_refresh: str | None = None
        self._refresh_count = 0
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setObjectName("plan_undo_stack")
        self.confirm_box: QMessageBox | None = None
        self.dialog: QWidget | None = None  # the dialog opened last (details, units, issue, revise, revisions)
        self._lock_icon = icons.icon(icons.LOCK)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(6)
        self.header = PageHeader(_("Plan"))
        layout.addWidget(self.header)
        self.banner_box, self.banner = _framed(IconLabel("", wrap=True), "plan_banner")
        layout.addWidget(self.banner_box)
        self.message_box, self.message = _framed(IconLabel(icons.BLOCKED, wrap=True), "plan_message")
        self.message_box.setStyleSheet("QFrame#plan_message { background:#fef2f2; border:1px solid #fecaca; "
                                       "border-radius:4px; } QLabel { color:#991b1b; }")
        self.message_box.setVisible(False)
        layout.addWidget(self.message_box)
        layout.addWidget(self._build_toolbar())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("plan_splitter")
        splitter.addWidget(self._build_outline())
        splitter.addWidget(self._build_section_panel())
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([400, 600])  # the outline keeps two fifths of the width on small screens too
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        self._build_shortcuts()
        self._update_actions()

    # building --------------------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], None], shortcut: QKeySequence | str | None = None,
                name: str = "", tip: str = "") -> QAction:
        action = QAction(text, self)
        if name:
            action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        tip = tip or text
        if shortcut is not None:
            tip = f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("plan_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.undo_action = self.undo_stack.createUndoAction(self, _("Undo"))
        self.undo_action.setObjectName("plan_undo")
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo_action = self.undo_stack.createRedoAction(self, _("Redo"))
        self.redo_action.setObjectName("plan_redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
            bar.addAction(action)
        bar.addSeparator()
        self.details_action = self._action(_("Plan details…"), self.open_details, name="plan_details",
                                           tip=_("Number and symbol, place and date, legal bases, signer, recipients"))
        self.units_action = self._action(_("Responsible units…"), self.open_units, name="plan_units")
        self.revisions_action = self._action(_("Revisions and comparison…"), self.open_revisions,
                                             name="plan_revisions")
        self.issue_action = self._action(_("Issue…"), self.open_issue, name="plan_issue",
                                         tip=_("Issue the plan: it is locked and kept as a revision"))
        self.revise_action = self._action(_("Revise…"), self.open_revise, name="plan_revise",
                                          tip=_("Open a new revision of the issued plan, with a reason"))
        for action in (self.details_action, self.units_action, self.revisions_action):
            bar.addAction(action)
        bar.addSeparator()
        if not self._read_only:
            bar.addAction(self.issue_action)
            bar.addAction(self.revise_action)
        return bar

    def _is_draft(self, state: PlanEditorState | None) -> bool:
        """Whether the plan can be edited here: a draft, and not the city's read-only view of it."""
        return state is not None and state.is_draft and not self._read_only

    def _build_outline(self) -> QWidget:
        self.tree = QTreeWidget()
        self.tree.setObjectName("plan_outline_tree")
        self.tree.setHeaderLabels([_("Section"), _("Tasks"), ""])
        self.tree.headerItem().setToolTip(2, _("Where the unit's plan departs from the template"))
        wrap_tree_text(self.tree)  # whole section names at any width
        self.tree.setMinimumWidth(260)
        self.tree.setIndentation(14)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._on_tree_current_changed)
        legend = icons.legend((icons.LOCK, _("city wording, locked")), (icons.EDIT, _("adapted by the unit")),
                              ("", "+ " + _("the unit's additions")))
        legend.setObjectName("outline_legend")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addWidget(legend)
        return box

    def _build_section_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(8, 0, 0, 0)
        self.section_title = QLabel()
        self.section_title.setObjectName("section_title")
        self.section_title.setWordWrap(True)
        self.section_title.setStyleSheet("font-size: 15px; font-weight: 600; color: #111827;")
        self.section_marks = IconLabel("", wrap=True)
        self.section_marks.setObjectName("section_marks")
        self.section_marks.label.setStyleSheet("color: #4b5563;")
        layout.addWidget(self.section_title)
        layout.addWidget(self.section_marks)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("section_tabs")
        self.tabs.addTab(self._build_text_tab(), _("Text"))
        self.tabs.addTab(self._build_tasks_tab(), _("Tasks"))
        layout.addWidget(self.tabs, 1)
        return panel

    def _build_text_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        label = QLabel(_("Text of the section"))
        label.setProperty("role", "section-title")
        self.show_template_button = QPushButton(_("Show the city's wording"))
        self.show_template_button.setObjectName("show_template")
        self.show_template_button.setCheckable(True)
        self.show_template_button.toggled.connect(self._on_show_template_toggled)
        self.revert_button = QPushButton(_("Revert to the city's wording"))
        self.revert_button.setObjectName("revert_template")
        self.revert_button.clicked.connect(self.revert_to_template)
        self.draft_button = QPushButton(_("Draft from the tasks"))
        self.draft_button.setObjectName("draft_organisation")
        self.draft_button.setToolTip(_("Write who leads and who supports the tasks of each section, and the tasks' "
                                       "budget by the budget that pays it, from the tasks' units; edit the draft "
                                       "before issuing. The city's wording stays beside it."))
        self.draft_button.clicked.connect(self.draft_organisation)
        layout.addLayout(flow_row(label, right=(self.draft_button, self.show_template_button, self.revert_button)))
        texts = QSplitter(Qt.Orientation.Vertical)
        self.text_edit = CommitTextEdit()
        self.text_edit.setObjectName("section_text_edit")
        self.text_edit.committed.connect(self._on_text_committed)
        self.template_view = QPlainTextEdit()
        self.template_view.setObjectName("template_text_view")
        self.template_view.setReadOnly(True)
        self.template_view.setStyleSheet("background: #f9fafb; color: #374151;")
        self.template_view.setVisible(False)
        texts.addWidget(self.text_edit)
        texts.addWidget(self.template_view)
        layout.addWidget(texts, 3)
        local_label = QLabel(_("The unit's additions"))
        local_label.setProperty("role", "section-title")
        hint = QLabel(_("The unit's own text beside the city's: local targets, places, units, timeline."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        layout.addWidget(local_label)
        layout.addWidget(hint)
        self.local_edit = CommitTextEdit()
        self.local_edit.setObjectName("section_local_text_edit")
        self.local_edit.committed.connect(self._on_local_committed)
        layout.addWidget(self.local_edit, 2)
        return tab

    def _build_tasks_tab(self) -> QWidget:
        self.tasks_tab = QWidget()
        layout = QVBoxLayout(self.tasks_tab)
        self.add_task_action = self._action(_("Add task"), self.add_task, "Ins", "task_add")
        self.duplicate_task_action = self._action(_("Duplicate"), self.duplicate_task, "Ctrl+D", "task_duplicate")
        self.move_up_action = self._action(_("Move up"), lambda: self.move_task(-1), "Alt+Up", "task_up")
        self.move_down_action = self._action(_("Move down"), lambda: self.move_task(1), "Alt+Down", "task_down")
        self.remove_task_action = self._action(_("Remove…"), self.confirm_remove_task, "Del", "task_remove")
        row = FlowLayout()
        for action in (self.add_task_action, self.duplicate_task_action, self.move_up_action,
                       self.move_down_action, self.remove_task_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            row.addWidget(button)
        layout.addLayout(row)
        self.task_model: DtoTableModel[EditorTask] = DtoTableModel(editor_task_columns(), self)
        self.task_table = QTableView()
        self.task_table.setObjectName("plan_tasks_table")
        self.task_table.setModel(self.task_model)
        self.task_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.task_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.task_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.task_table.verticalHeader().setVisible(False)
        self.task_table.setWordWrap(False)
        header = self.task_table.horizontalHeader()
        header.setMinimumSectionSize(36)
        for column, width in ((0, 30), (2, 130), (3, 80), (4, 100), (5, 90)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        fit_header_texts(self.task_table)
        ColumnsByWidth(self.task_table, {5: 640, 4: 560})  # indicator, then budget: in the form below
        self.task_table.selectionModel().currentRowChanged.connect(self._on_task_row_changed)
        self.task_empty = EmptyState(self.task_table, object_name="plan_tasks_empty")
        self.task_form = TaskForm()
        self.task_form.setObjectName("task_form")
        self.task_form.task_edited.connect(self._on_task_edited)
        form_area = QScrollArea()  # on a small screen the form scrolls instead of squeezing its fields
        form_area.setObjectName("task_form_area")
        form_area.setWidgetResizable(True)
        form_area.setFrameShape(QFrame.Shape.NoFrame)
        form_area.setWidget(self.task_form)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.task_table)
        split.addWidget(form_area)
        split.setSizes([220, 300])
        layout.addWidget(split, 1)
        return self.tasks_tab

    def _build_shortcuts(self) -> None:
        for action in (self.add_task_action, self.duplicate_task_action, self.move_up_action, self.move_down_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.tasks_tab.addAction(action)
        # Del removes a task only from the table: in a text field it deletes characters.
        self.remove_task_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.task_table.addAction(self.remove_task_action)

    # refreshing ------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._refresh_count += 1
        self.show_state(edit.get_plan_editor(uow_factory=self._uow, today=self._session.today()))

    @property
    def state(self) -> PlanEditorState | None:
        return self._state

    def show_state(self, state: PlanEditorState | None) -> None:
        self._state = state
        if state is None:
            self.header.set_subtitle(_("This workspace has no plan."))
            self.banner_box.setVisible(False)
            self.tree.clear()
            self._update_actions()
            return
        d = state.details
        number = f"{d.number}/{d.symbol}" if d.number else _("no number yet")
        self.header.set_subtitle(_("{title} {summary} — {status}, revision {revision}, No. {number}").format(
            title=state.title.capitalize(), summary=d.summary[:1].lower() + d.summary[1:],
            status=PlanStatus(state.status).label, revision=state.revision, number=number))
        self._show_banner(state)
        self._fill_tree(state)
        self._show_section()
        self._update_actions()

    def _show_banner(self, state: PlanEditorState) -> None:
        if self._is_draft(state):
            text = _("Draft, saved as you type. {n} tasks. Issue it when it is ready.").format(n=state.task_count)
            if state.pending_reason:
                text = _("Draft of revision {revision} — reason: {reason}").format(
                    revision=state.revision, reason=state.pending_reason) + " · " + text
            style, mark = ("background:#eff6ff; border:1px solid #bfdbfe;", "color:#1e3a8a;"), ""
        else:
            text = _("Issued as revision {revision} (No. {number}, {date}): the plan is locked. Progress "
                            "is updated on the Tasks page; to change the plan, choose Revise… and give the reason."
                            ).format(
                revision=state.revision, number=f"{state.details.number}/{state.details.symbol}",
                date=format_date(state.details.issue_date))
            style, mark = ("background:#f0fdf4; border:1px solid #bbf7d0;", "color:#14532d;"), icons.LOCK
        self.banner.setText(text)
        self.banner.set_icon(mark)
        self.banner_box.setStyleSheet(f"QFrame#plan_banner {{ {style[0]} border-radius:4px; }} QLabel {{ {style[1]} }}")
        self.banner_box.setVisible(True)

    def _fill_tree(self, state: PlanEditorState) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        parents: dict[int, QTreeWidgetItem] = {}
        current: QTreeWidgetItem | None = None
        for section in state.sections:
            tips = []
            if section.changed_from_template:
                tips.append(_("Adapted by the unit: differs from the city's wording"))
            if section.local_text:
                tips.append(_("Has the unit's additions"))
            item = QTreeWidgetItem([section.label, str(len(section.tasks)) if section.tasks else "",
                                    "+" if section.local_text else ""])
            if section.changed_from_template:
                item.setIcon(2, icons.icon(icons.EDIT))
            item.setToolTip(2, "\n".join(tips))
            item.setData(0, Qt.ItemDataRole.UserRole, section.id)
            item.setToolTip(0, section.label)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if section.locked:
                item.setIcon(0, self._lock_icon)
                item.setToolTip(0, section.label + "\n" + _("City wording, locked"))
            if section.inferred:
                font = QFont(item.font(0))
                font.setItalic(True)
                item.setFont(0, font)
            parent = parents.get(section.depth - 1)
            if section.depth == 0 or parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            parents[section.depth] = item
            if section.id == self._section_id:
                current = item
        self.tree.expandAll()
        if current is None and self.tree.topLevelItemCount():
            current = self.tree.topLevelItem(0)
            self._section_id = current.data(0, Qt.ItemDataRole.UserRole)
        if current is not None:
            self.tree.setCurrentItem(current)
        self.tree.blockSignals(False)

    def current_section(self) -> EditorSection | None:
        if self._state is None or self._section_id is None:
            return None
        try:
            return self._state.section(self._section_id)
        except KeyError:
            return None

    def _show_section(self) -> None:
        section, state = self.current_section(), self._state
        if section is None or state is None:
            return
        draft = self._is_draft(state)
        self.section_title.setText(section.label)
        marks, mark = [], ""
        if section.locked:
            mark = icons.LOCK
            marks.append(_("The city's wording, locked: it cannot be changed. Write the unit's own text "
                           "under “The unit's additions”."))
        elif section.changed_from_template:
            mark = icons.EDIT
            marks.append(_("Adapted by the unit: differs from the city's wording."))
        if section.inferred:
            marks.append(_("Heading restored: missing from the source text."))
        self.section_marks.setText(" ".join(marks))
        self.section_marks.set_icon(mark)
        self.section_marks.setVisible(bool(marks))
        locked_why = self._locked_reason(state)
        self.text_edit.set_committed_text(section.text)
        self.text_edit.setReadOnly(section.locked or not draft)
        self.text_edit.setStyleSheet("background: #f3f4f6; color: #374151;" if section.locked or not draft else "")
        self.text_edit.setToolTip(locked_why or (_("The city's wording, locked: write the unit's own text under "
                                                   "“The unit's additions”.") if section.locked else ""))
        self.local_edit.set_committed_text(section.local_text)
        self.local_edit.setReadOnly(not draft)
        self.local_edit.setToolTip(locked_why)
        self.template_view.setPlainText(section.template_text)
        set_available(self.show_template_button, _("This text is the city's wording itself.") if section.locked
                      else "")
        set_available(self.revert_button, locked_why or (
            _("The city's wording is locked here.") if section.locked else
            _("The text is already the city's wording.") if not section.changed_from_template else ""))
        self.draft_button.setVisible(section.kind == SectionKind.ORGANISATION.value)
        set_available(self.draft_button, locked_why)
        self.tabs.setTabEnabled(1, section.accepts_tasks)
        self.tabs.setTabText(1, _("Tasks ({n})").format(n=len(section.tasks)) if section.accepts_tasks
                             else _("Tasks"))
        self.tabs.setTabToolTip(1, "" if section.accepts_tasks else
                                _("Tasks go under a theme or a form of propaganda."))
        if not section.accepts_tasks and self.tabs.currentIndex() == 1:
            self.tabs.setCurrentIndex(0)
        self._show_tasks(section, state)

    def _show_tasks(self, section: EditorSection, state: PlanEditorState) -> None:
        wanted = self._select_task_after_refresh or self.task_form.task_id
        self._select_task_after_refresh = None
        self.task_model.set_rows(section.tasks)
        if section.tasks:
            self.task_empty.clear()
        elif self._is_draft(state):
            self.task_empty.show_message(_("No task under “{section}” yet. A task says what the unit will do, who "
                                           "leads it, by when and with what budget.").format(
                section=f"{section.number} {section.title}".strip()), _("Add task"), self.add_task_action.trigger)
        else:
            self.task_empty.show_message(_("No task under this section."))
        row = next((i for i, t in enumerate(section.tasks) if t.id == wanted), 0 if section.tasks else -1)
        if row >= 0:
            self.task_table.selectionModel().setCurrentIndex(
                self.task_model.index(row, 1),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self._load_form(section.tasks[row] if row >= 0 else None)

    def _load_form(self, task: EditorTask | None) -> None:
        state = self._state
        if state is None:
            return
        if task is not None and self.task_form.shows_saved(task):
            self.task_form.set_saved(task)
        else:
            self.task_form.load(task, state.units, year=state.year, read_only=not self._is_draft(state),
                                today=self._session.today(), budget_sources=state.budget_sources)
        self._update_actions()

    def _locked_reason(self, state: PlanEditorState | None) -> str:
        """Why the plan cannot be changed here (empty when it can)."""
        if state is None:
            return _("This workspace has no plan.")
        if self._read_only:
            return _("The unit's plan as it reported it: the city reads it and cannot change it.")
        if not state.is_draft:
            return _("The plan is issued and locked. To change it, open a new revision (Revise…) and give the "
                     "reason.")
        return ""

    def _update_actions(self) -> None:
        state, section = self._state, self.current_section()
        locked_why = self._locked_reason(state)
        for action in (self.details_action, self.units_action, self.revisions_action):
            set_available(action, _("This workspace has no plan.") if state is None else "")
        set_available(self.issue_action, locked_why and (
            _("The plan is already issued. To issue a change, open a new revision first (Revise…).")
            if state is not None and not self._read_only else locked_why))
        set_available(self.revise_action, _("This workspace has no plan.") if state is None else (
            locked_why if self._read_only else
            _("The plan is a draft: change it here, then issue it (Issue…).") if state.is_draft else ""))
        tasks_why = locked_why or (_("Choose a section of the plan first.") if section is None else
                                   _("Tasks go under a theme or a form of propaganda.") if not section.accepts_tasks
                                   else "")
        set_available(self.add_task_action, tasks_why)
        for action in (self.duplicate_task_action, self.remove_task_action, self.move_up_action,
                       self.move_down_action):
            set_available(action, tasks_why or (_("Select a task in the list first.")
                                                if self.current_task() is None else ""))
        self.task_form.setToolTip(locked_why if self.current_task() is not None else "")

    def current_task(self) -> EditorTask | None:
        index = self.task_table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.task_model.rowCount():
            return None
        return self.task_model.row_at(index.row())

    # selection -------------------------------------------------------------------------------
    def select_section(self, template_key: str) -> None:
        """Show the section made from the template section ``template_key`` (e.g. ``II.1.2``)."""
        assert self._state is not None
        section = next(s for s in self._state.sections if s.template_key == template_key)
        self._commit_pending()
        self._section_id = section.id
        self._fill_tree(self._state)
        self._show_section()

    def _on_tree_current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None or self._state is None:
            return
        self._commit_pending()
        self._section_id = current.data(0, Qt.ItemDataRole.UserRole)
        self._show_section()
        self._update_actions()

    def _on_task_row_changed(self, current: object, _previous: object) -> None:
        self._load_form(self.current_task())

    def _commit_pending(self) -> None:
        """Save what is being typed before the view moves elsewhere."""
        self.text_edit.commit()
        self.local_edit.commit()
        self.task_form.flush()

    # writing ---------------------------------------------------------------------------------
    def _apply(self, text: str, do: Callable[[], object], undo: Write | None = None, redo: Write | None = None,
               merge_key: str | None = None) -> object | None:
        """Write through a service; on success push the undo step and refresh, else show why."""
        try:
            result = do()
        except UserFacingError as error:
            self.show_message(error.message)
            self.refresh()
            return None
        self.show_message("")
        changes = getattr(result, "changes", result)
        assert isinstance(changes, Changes)
        if changes != _NO_CHANGES and undo is not None and redo is not None:
            self.undo_stack.push(ServiceCommand(text, undo=undo, redo=redo, notify=self._after_write,
                                                on_error=lambda e: self.show_message(e.message),
                                                merge_key=merge_key))
        if changes != _NO_CHANGES:
            self._after_write(changes)
        return result

    def _after_write(self, changes: Changes) -> None:
        if changes == _NO_CHANGES:
            return
        before = self._refresh_count
        self.changed.emit(changes)  # the main window refreshes every page that shows it, this one included
        if self._refresh_count == before:
            self.refresh()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message_box.setVisible(bool(text))

    def _on_text_committed(self, text: str) -> None:
        section = self.current_section()
        if section is None:
            return
        before, uow, sid, version = section.text, self._uow, section.id, section.version or None
        self._apply(_("Edit the text of {section}").format(section=section.number or section.title),
                    lambda: edit.set_section_text(uow_factory=uow, section_id=sid, text=text, expected_version=version),
                    undo=lambda: edit.set_section_text(uow_factory=uow, section_id=sid, text=before),
                    redo=lambda: edit.set_section_text(uow_factory=uow, section_id=sid, text=text),
                    merge_key=f"text:{sid}")

    def revert_to_template(self) -> None:
        section = self.current_section()
        if section is None:
            return
        before, after, uow, sid, version = section.text, section.template_text, self._uow, section.id, section.version
        self._apply(_("Revert {section} to the city's wording").format(section=section.number),
                    lambda: edit.set_section_text(uow_factory=uow, section_id=sid, text=after,
                                                  expected_version=version or None),
                    undo=lambda: edit.set_section_text(uow_factory=uow, section_id=sid, text=before),
                    redo=lambda: edit.set_section_text(uow_factory=uow, section_id=sid, text=after))

    def draft_organisation(self) -> None:
        """Section III from the tasks' lead and supporting units, written into the section (undoable)."""
        section = self.current_section()
        if section is None:
            return
        self._commit_pending()
        before, uow, sid = section.text, self._uow, section.id
        try:
            after = draft_organisation_text(uow_factory=uow)
        except UserFacingError as error:
            self.show_message(error.message)
            return
        self._apply(_("Draft {section} from the tasks").format(section=section.number or section.title),
                    lambda: edit.set_section_text(uow_factory=uow, section_id=sid, text=after,
                                                  expected_version=section.version or None),
                    undo=lambda: edit.set_section_text(uow_factory=uow, section_id=sid, text=before),
                    redo=lambda: edit.set_section_text(uow_factory=uow, section_id=sid, text=after))

    def _on_show_template_toggled(self, shown: bool) -> None:
        self.template_view.setVisible(shown)
        self.show_template_button.setText(_("Hide the city's wording") if shown else _("Show the city's wording"))

    def _on_local_committed(self, text: str) -> None:
        section = self.current_section()
        if section is None:
            return
        before, uow, sid, version = section.local_text, self._uow, section.id, section.version or None
        self._apply(_("Edit the additions of {section}").format(section=section.number or section.title),
                    lambda: edit.set_section_local_text(uow_factory=uow, section_id=sid, text=text,
                                                        expected_version=version),
                    undo=lambda: edit.set_section_local_text(uow_factory=uow, section_id=sid, text=before),
                    redo=lambda: edit.set_section_local_text(uow_factory=uow, section_id=sid, text=text),
                    merge_key=f"local:{sid}")

    def _new_task_input(self, section: EditorSection) -> TaskInput:
        """A new task starts like the one before it (form, lead unit) and spans the rest of the year."""
        assert self._state is not None
        year, today = self._state.year, self._session.today()
        start = today if today.year == year else dt.date(year, 1, 1)
        previous = section.tasks[-1].fields if section.tasks else None
        return TaskInput(content=_("New task"), form=previous.form if previous else PropagandaForm.OTHER.value,
                         lead_unit_id=previous.lead_unit_id if previous else None,
                         start_date=start, due_date=dt.date(year, 12, 31))

    def add_task(self) -> None:
        section = self.current_section()
        if section is None or not self.add_task_action.isEnabled():
            return
        self._commit_pending()
        uow, after = self._uow, self.task_form.task_id
        try:
            created = edit.create_task(uow_factory=uow, section_id=section.id, fields=self._new_task_input(section),
                                       after_task_id=after)
        except UserFacingError as error:
            self.show_message(error.message)
            return
        self._select_task_after_refresh = created.id
        self._apply(_("Add a task"), lambda: created.changes,
                    undo=lambda: edit.delete_task(uow_factory=uow, task_id=created.id),
                    redo=lambda: edit.restore_task(uow_factory=uow, task_id=created.id))
        self.tabs.setCurrentIndex(1)
        self.task_form.content.setFocus()
        self.task_form.content.selectAll()

    def duplicate_task(self) -> None:
        task = self.current_task()
        if task is None or not self.duplicate_task_action.isEnabled():
            return
        self._commit_pending()
        uow = self._uow
        try:
            created = edit.duplicate_task(uow_factory=uow, task_id=task.id)
        except UserFacingError as error:
            self.show_message(error.message)
            return
        self._select_task_after_refresh = created.id
        self._apply(_("Duplicate a task"), lambda: created.changes,
                    undo=lambda: edit.delete_task(uow_factory=uow, task_id=created.id),
                    redo=lambda: edit.restore_task(uow_factory=uow, task_id=created.id))

    def move_task(self, offset: int) -> None:
        task = self.current_task()
        if task is None or not self.move_up_action.isEnabled():
            return
        self._commit_pending()
        uow, tid = self._uow, task.id
        self._select_task_after_refresh = tid
        self._apply(_("Move a task"), lambda: edit.move_task(uow_factory=uow, task_id=tid, offset=offset),
                    undo=lambda: edit.move_task(uow_factory=uow, task_id=tid, offset=-offset),
                    redo=lambda: edit.move_task(uow_factory=uow, task_id=tid, offset=offset))

    def confirm_remove_task(self) -> None:
        task = self.current_task()
        if task is None or not self.remove_task_action.isEnabled():
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Remove the task"),
                          _("Remove this task from the plan?\n\n{content}\n\nYou can undo it with Ctrl+Z.").format(
                              content=task.fields.content),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirm_remove_task")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda result: self._on_remove_answered(result, task.id))
        self.confirm_box = box
        box.open()

    def _on_remove_answered(self, result: int, task_id: str) -> None:
        if result != QMessageBox.StandardButton.Yes:
            return
        uow = self._uow
        self._apply(_("Remove a task"), lambda: edit.delete_task(uow_factory=uow, task_id=task_id),
                    undo=lambda: edit.restore_task(uow_factory=uow, task_id=task_id),
                    redo=lambda: edit.delete_task(uow_factory=uow, task_id=task_id))

    def _on_task_edited(self, task_id: str, fields: TaskInput) -> None:
        if self._state is None:
            return
        try:
            shown = self._state.task(task_id)  # the task as the form was filled: its values and version
        except KeyError:
            return
        before, version = shown.fields, shown.version or None
        uow = self._uow
        only_text = {k for k in fields.__dataclass_fields__ if getattr(fields, k) != getattr(before, k)} == {"content"}
        self._select_task_after_refresh = task_id
        self._apply(_("Edit a task"), lambda: edit.update_task(uow_factory=uow, task_id=task_id, fields=fields,
                                                               expected_version=version),
                    undo=lambda: edit.update_task(uow_factory=uow, task_id=task_id, fields=before),
                    redo=lambda: edit.update_task(uow_factory=uow, task_id=task_id, fields=fields),
                    merge_key=f"task:{task_id}:content" if only_text else None)

    # dialogs ---------------------------------------------------------------------------------
    def open_details(self) -> PlanDetailsDialog | None:
        state = self._state
        if state is None:
            return None
        self._commit_pending()
        dialog = PlanDetailsDialog(state.details, year=state.year, today=self._session.today(),
                                   read_only=not self._is_draft(state), parent=self)
        before, uow, plan_id, version = state.details, self._uow, state.plan_id, state.plan_version or None

        def save() -> None:
            after = dialog.details()
            self._apply(_("Edit the plan details"),
                        lambda: edit.update_plan_details(uow_factory=uow, plan_id=plan_id, details=after,
                                                         expected_version=version),
                        undo=lambda: edit.update_plan_details(uow_factory=uow, plan_id=plan_id, details=before),
                        redo=lambda: edit.update_plan_details(uow_factory=uow, plan_id=plan_id, details=after))

        if self._is_draft(state):
            dialog.accepted.connect(save)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_units(self) -> ResponsibleUnitsDialog:
        self._commit_pending()
        dialog = ResponsibleUnitsDialog(self._uow, locked_why=self._locked_reason(self._state), parent=self)
        dialog.units_changed.connect(self._after_write)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_revisions(self) -> RevisionsDialog | None:
        if self._state is None:
            return None
        self._commit_pending()
        dialog = RevisionsDialog(self._uow, current_revision=self._state.revision, is_draft=self._state.is_draft,
                                 parent=self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_issue(self) -> IssueDialog | None:
        state = self._state
        if state is None or not self._is_draft(state):
            return None
        self._commit_pending()
        today = self._session.today()
        default_date = state.details.issue_date or (today if today.year in (state.year - 1, state.year)
                                                    else dt.date(state.year, 1, 1))
        number = state.details.number or number_text(suggest_number(  # the register's next free number
            uow_factory=self._uow, symbol=state.details.symbol or "KH-UBND", year=default_date.year))
        dialog = IssueDialog(number=number, symbol=state.details.symbol, issue_date=default_date,
                             revision=state.revisions_issued + 1, reason=state.pending_reason, parent=self)
        uow, plan_id = self._uow, state.plan_id

        def issue() -> None:
            number, day = dialog.number.text(), dialog.issue_date()
            if self._apply(_("Issue the plan"), lambda: edit.issue_plan(
                    uow_factory=uow, plan_id=plan_id, number=number, issue_date=day)) is not None:
                self.undo_stack.clear()  # the issued revision is final: earlier edits cannot be undone into it

        dialog.accepted.connect(issue)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_revise(self) -> ReviseDialog | None:
        state = self._state
        if state is None or self._read_only or self._is_draft(state):
            return None
        dialog = ReviseDialog(revision=state.revision, parent=self)
        uow, plan_id = self._uow, state.plan_id

        def revise() -> None:
            reason = dialog.reason.toPlainText()
            if self._apply(_("Revise the plan"), lambda: edit.revise_plan(
                    uow_factory=uow, plan_id=plan_id, reason=reason)) is not None:
                self.undo_stack.clear()

        dialog.accepted.connect(revise)
        self.dialog = dialog
        dialog.open()
        return dialog

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._commit_pending()
        super().hideEvent(event)
