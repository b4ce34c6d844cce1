"""Tổng quan: the workspace's figures at a glance, and what needs attention."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import EventStatus, EventType, MaterialStatus, MaterialType, PlanStatus, TaskStatus
from kehoach_desktop.formats import format_date, format_number, format_vnd
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services.dto import Overview, ThemeProgress
from kehoach_desktop.services.first_steps import get_first_steps, set_first_steps_hidden
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui.charts import BarChart
from kehoach_desktop.ui.empty_state import EmptyState
from kehoach_desktop.ui.first_steps_panel import FirstStepsPanel
from kehoach_desktop.ui.flow_layout import ColumnsGrid
from kehoach_desktop.ui.table_model import Column, DtoTableModel
from kehoach_desktop.ui.widgets import FigureCard, PageHeader


def theme_progress_columns() -> list[Column[ThemeProgress]]:
    return [
        Column(_("Theme"), lambda r: f"{r.number} {r.title}".strip()),
        Column(_("Tasks"), lambda r: format_number(r.tasks), lambda r: r.tasks, numeric=True),
        Column(_("Done"), lambda r: format_number(r.done), lambda r: r.done, numeric=True),
        Column(_("In progress"), lambda r: format_number(r.in_progress), lambda r: r.in_progress, numeric=True),
        Column(_("Overdue"), lambda r: format_number(r.overdue), lambda r: r.overdue, numeric=True),
        Column(_("Budget"), lambda r: format_vnd(r.budget), lambda r: r.budget, numeric=True),
        Column(_("Spent"), lambda r: format_vnd(r.spent), lambda r: r.spent, numeric=True),
    ]


class OverviewPage(QWidget):
    """Refreshes when a write touches any of RELEVANT_CHANGES; the first steps also each time it is shown.

    ``go_requested(area, target)``: a button asked for another page (and the action or button named
    ``target`` there); the main window goes.
    """

    RELEVANT_CHANGES = ("plan", "tasks", "materials", "events", "units", "packages")
    go_requested = Signal(str, str)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._shown_once = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        body.setObjectName("page_area")
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 20, 24, 20)
        self.header = PageHeader(_("Overview"))
        layout.addWidget(self.header)
        self.first_steps = FirstStepsPanel()
        self.first_steps.go_requested.connect(self.go_requested)
        self.first_steps.hide_requested.connect(lambda: self.show_first_steps(False))
        self.first_steps.hide()
        layout.addWidget(self.first_steps)

        grid = QGridLayout()
        grid.setSpacing(12)
        self.plan_card = FigureCard(_("Plan"), object_name="card_plan")
        self.tasks_card = FigureCard(_("Tasks"), object_name="card_tasks")
        self.overdue_card = FigureCard(_("Overdue tasks"), object_name="card_overdue")
        self.budget_card = FigureCard(_("Budget of the tasks"), object_name="card_budget")
        self.materials_card = FigureCard(_("Visual materials"), object_name="card_materials")
        self.removals_card = FigureCard(_("Removals overdue"), object_name="card_removals")
        self.events_card = FigureCard(_("Events"), object_name="card_events")
        self.upcoming_card = FigureCard(_("Events in the next 7 days"), object_name="card_upcoming")
        cards = [self.plan_card, self.tasks_card, self.overdue_card, self.budget_card,
                 self.materials_card, self.removals_card, self.events_card, self.upcoming_card]
        for index, card in enumerate(cards):
            grid.addWidget(card, index // 4, index % 4)
        layout.addLayout(grid)

        layout.addWidget(self._section_title(_("Registers at a glance")))
        charts = ColumnsGrid(330)  # three side by side, or two and one on a small screen
        self.materials_by_type_chart = BarChart(_("Materials by type (rows)"), "#2563eb", horizontal=True)
        self.materials_by_status_chart = BarChart(_("Materials by status (rows)"), "#0f766e", horizontal=True)
        self.events_by_month_chart = BarChart(_("Events by month (not cancelled)"), "#b3261e")
        for chart in (self.materials_by_type_chart, self.materials_by_status_chart, self.events_by_month_chart):
            charts.add(chart)
        layout.addWidget(charts)

        layout.addWidget(self._section_title(_("Progress by theme")))
        self.theme_model: DtoTableModel[ThemeProgress] = DtoTableModel(theme_progress_columns(), self)
        self.theme_table = QTableView()
        self.theme_table.setObjectName("theme_progress_table")
        self.theme_table.setModel(self.theme_model)
        self.theme_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.theme_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.theme_table.verticalHeader().setVisible(False)
        self.theme_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.theme_table.setMinimumHeight(220)
        self.theme_empty = EmptyState(self.theme_table, object_name="theme_progress_empty")
        layout.addWidget(self.theme_table)

        layout.addWidget(self._section_title(_("Needs attention")))
        self.attention = QListWidget()
        self.attention.setObjectName("attention_list")
        self.attention.setMinimumHeight(160)
        layout.addWidget(self.attention)
        layout.addStretch(1)

    @staticmethod
    def _section_title(text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "section-title")
        return label

    def refresh(self) -> None:
        self.show_overview(self._session.overview())
        self.refresh_first_steps()

    def refresh_first_steps(self) -> None:
        self.first_steps.show_steps(get_first_steps(uow_factory=self._session.uow_factory))

    def show_first_steps(self, shown: bool) -> None:
        """Hide the list (its button), or show it again (Trợ giúp → Các bước đầu tiên)."""
        set_first_steps_hidden(uow_factory=self._session.uow_factory, hidden=not shown)
        self.refresh_first_steps()

    def showEvent(self, event: QShowEvent) -> None:
        """Exports (a workbook, a package) change no page's figures but tick a first step."""
        super().showEvent(event)
        if self._shown_once:
            self.refresh_first_steps()
        self._shown_once = True

    def show_overview(self, o: Overview) -> None:
        subtitle = _("Figures as of {date}.").format(date=format_date(o.today))
        if self._session.is_demo:
            subtitle += " " + _("This is a demo workspace: its data is invented, dated as of the demo's day.")
        self.header.set_subtitle(subtitle)
        if o.plan_id is None:
            self.plan_card.set(_("No plan yet"))
        else:
            status = PlanStatus(o.plan_status).label
            number = o.plan_number or _("no number yet")
            self.plan_card.set(f"{o.plan_year}", _("{status}, revision {revision} — {number}").format(
                status=status, revision=o.plan_revision, number=number) if o.plan_revision else
                _("Draft, not issued yet"))
        counts = {c.code: c.count for c in o.tasks_by_status}
        self.tasks_card.set(format_number(o.tasks_total), _("{done} done, {progress} in progress").format(
            done=format_number(counts.get(TaskStatus.DONE.value, 0)),
            progress=format_number(counts.get(TaskStatus.IN_PROGRESS.value, 0))))
        self.overdue_card.set(format_number(o.tasks_overdue), ngettext(
            "{n} task due within 7 days", "{n} tasks due within 7 days", o.tasks_due_soon).format(
            n=o.tasks_due_soon), warn=o.tasks_overdue > 0)
        spent_share = f" ({o.budget_spent * 100 // o.budget_planned} %)" if o.budget_planned else ""
        self.budget_card.set(format_vnd(o.budget_planned), _("spent {amount}").format(
            amount=format_vnd(o.budget_spent)) + spent_share)
        top_types = sorted(o.materials_by_type, key=lambda c: -c.count)[:3]
        self.materials_card.set(format_number(o.materials_total), ", ".join(
            f"{MaterialType(c.code).label}: {format_number(c.count)}" for c in top_types))
        self.removals_card.set(format_number(o.removals_overdue), ngettext(
            "{n} material damaged", "{n} materials damaged", o.materials_damaged).format(n=o.materials_damaged),
            warn=o.removals_overdue > 0)
        held = {c.code: c.count for c in o.events_by_status}.get(EventStatus.HELD.value, 0)
        self.events_card.set(format_number(o.events_total), _("{held} held, {people} participants").format(
            held=format_number(held), people=format_number(o.events_participants)))
        self.upcoming_card.set(format_number(len(o.events_next_7_days)), ngettext(
            "{n} held without results recorded", "{n} held without results recorded",
            o.events_without_results).format(n=o.events_without_results))

        self._show_charts(o)

        self.theme_model.set_rows(o.theme_progress)
        self.theme_table.resizeColumnsToContents()
        self.theme_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._show_theme_empty(bool(o.theme_progress))

        self.attention.clear()
        for event in o.events_next_7_days:
            self.attention.addItem(_("{date}: {type} “{title}” at {venue}").format(
                date=format_date(event.starts_on), type=EventType(event.type).label, title=event.title,
                venue=event.venue or "—"))
        if o.tasks_overdue:
            self.attention.addItem(ngettext("{n} task is past its due date", "{n} tasks are past their due date",
                                            o.tasks_overdue).format(n=o.tasks_overdue))
        if o.removals_overdue:
            self.attention.addItem(ngettext(
                "{n} installed material is past its planned removal date",
                "{n} installed materials are past their planned removal date",
                o.removals_overdue).format(n=o.removals_overdue))
        if o.materials_damaged:
            self.attention.addItem(ngettext("{n} material is damaged and waits for replacement",
                                            "{n} materials are damaged and wait for replacement",
                                            o.materials_damaged).format(n=o.materials_damaged))
        if o.events_without_results:
            self.attention.addItem(ngettext("{n} event was held but has no results recorded",
                                            "{n} events were held but have no results recorded",
                                            o.events_without_results).format(n=o.events_without_results))
        if self.attention.count() == 0:
            self.attention.addItem(_("Nothing needs attention today."))

    def _show_theme_empty(self, any_theme: bool) -> None:
        if any_theme:
            self.theme_empty.clear()
        elif getattr(self._session, "read_only", False):
            self.theme_empty.show_message(_("This unit's plan has no task."))
        else:
            self.theme_empty.show_message(
                _("The plan has no task yet. Each theme's tasks, their progress and budget will show here."),
                _("Go to “{page}”").format(page=_("Plan")), lambda: self.go_requested.emit("plan", ""))

    def _show_charts(self, o: Overview) -> None:
        """Bars, or for an empty register what the chart will show and the button that adds the first record."""
        if o.materials_total:
            by_type = {c.code: c.count for c in sorted(o.materials_by_type, key=lambda c: -c.count)}
            self.materials_by_type_chart.set_bars([MaterialType(code).label for code in by_type],
                                                  list(by_type.values()))
            by_status = {c.code: c.count for c in o.materials_by_status}
            statuses = [s for s in MaterialStatus if s.value in by_status]
            self.materials_by_status_chart.set_bars([s.label for s in statuses],
                                                    [by_status[s.value] for s in statuses])
        else:
            add_material = lambda: self.go_requested.emit("materials", "add")  # noqa: E731
            self.materials_by_type_chart.show_empty(
                _("No visual material is recorded yet. Each type (banners, flags, panels…) will show here with "
                  "its number of rows."), _("Add a material…"), add_material)
            self.materials_by_status_chart.show_empty(
                _("The materials' life cycle (planned, produced, installed, removed) will show here."),
                _("Add a material…"), add_material)
        if o.events_by_month:
            one_year = len({c.code[:4] for c in o.events_by_month}) <= 1
            self.events_by_month_chart.set_bars(
                [str(int(c.code[5:7])) if one_year else f"{int(c.code[5:7])}/{c.code[2:4]}"
                 for c in o.events_by_month], [c.count for c in o.events_by_month])
        elif o.events_total:
            self.events_by_month_chart.show_empty(_("Every event recorded is cancelled; the chart counts the "
                                                    "others, month by month."))
        else:
            self.events_by_month_chart.show_empty(
                _("No event is recorded yet. The events of each month will show here."), _("Add an event…"),
                lambda: self.go_requested.emit("events", "add"))
