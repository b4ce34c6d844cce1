"""Sự kiện: the register and month calendar of events, press conferences, training courses."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import EventStatus, EventType
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.exchange.excel_view import DATE, INTEGER, MONEY
from kehoach_desktop.formats import format_date, format_number, format_vnd
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.events import (
    EventFilter,
    EventInput,
    EventRecord,
    create_event,
    delete_events,
    event_days,
    event_totals,
    event_ward_choices,
    event_wards,
    get_event,
    get_events,
    iter_events,
    query_events,
    restore_events,
    set_events_status,
    undelete_events,
    update_event,
)
from kehoach_desktop.services.registers import Page, SortSpec, ThemeChoice, Totals, list_tasks, list_themes
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui.dialogs.bulk_status_dialog import BulkStatusDialog
from kehoach_desktop.ui.dialogs.event_dialog import EventDialog
from kehoach_desktop.ui.dialogs.record_parts import make_record_dialog_read_only
from kehoach_desktop.ui.models.paged_model import RegisterColumn
from kehoach_desktop.ui.pages.register_page import RegisterPage, choice_combo, versions_of
from kehoach_desktop.ui.widgets import wrap_list_text

R = EventRecord
_OPEN = (EventStatus.PLANNED.value, EventStatus.CONFIRMED.value)


def _participants(value: int | None) -> str:
    return format_number(value) if value is not None else ""


class EventsPage(RegisterPage):
    RELEVANT_CHANGES = ("events", "plan", "tasks")
    ENTITY = "events"

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(session, _("Events"), parent)
        self.setObjectName("events_page")
        self.header.set_subtitle(_("Cultural, arts and sports events, press conferences, training courses, press "
                                   "contests and reporters' field trips. The calendar marks the days with events."))

    def columns(self) -> list[RegisterColumn[R]]:
        return [
            RegisterColumn(_("Starts"), lambda r: format_date(r.starts_on), "starts_on", width=90,
                           export=lambda r: r.starts_on, export_kind=DATE),
            RegisterColumn(_("Ends"), lambda r: format_date(r.ends_on), "ends_on", width=90,
                           export=lambda r: r.ends_on, export_kind=DATE),
            RegisterColumn(_("Title"), lambda r: r.title, "title", width=280, tooltip=lambda r: r.title),
            RegisterColumn(_("Type"), lambda r: EventType(r.type).label, "type", width=120,
                           export=lambda r: EventType(r.type).label),
            RegisterColumn(_("Status"), lambda r: EventStatus(r.status).label, "status", width=90,
                           export=lambda r: EventStatus(r.status).label),
            RegisterColumn(_("Theme"), lambda r: self.theme_label(r.section_id), "theme", width=60,
                           tooltip=lambda r: self.theme_title(r.section_id)),
            RegisterColumn(_("Venue"), lambda r: r.venue, "venue", width=160, tooltip=lambda r: r.venue),
            RegisterColumn(_("Locality"), lambda r: r.ward, "ward", width=120),
            RegisterColumn(_("Organiser"), lambda r: r.organiser, "organiser", width=140),
            RegisterColumn(_("Expected"), lambda r: _participants(r.expected_participants), "expected_participants",
                           numeric=True, width=80, export=lambda r: r.expected_participants, export_kind=INTEGER),
            RegisterColumn(_("Participants"), lambda r: _participants(r.actual_participants), "actual_participants",
                           numeric=True, width=90, export=lambda r: r.actual_participants, export_kind=INTEGER),
            RegisterColumn(_("Budget"), lambda r: format_vnd(r.budget), "budget", numeric=True, width=120,
                           export=lambda r: r.budget, export_kind=MONEY),
            RegisterColumn(_("Actual cost"), lambda r: format_vnd(r.actual_cost), "actual_cost", numeric=True,
                           width=120, export=lambda r: r.actual_cost, export_kind=MONEY),
        ]

    def default_sort(self) -> SortSpec:
        return SortSpec("starts_on")

    def stretch_column(self) -> int:
        return 2

    def make_filter_widgets(self) -> list[QWidget]:
        self.type_filter = choice_combo("type_filter", _("All types"), EventType.choices())
        self.status_filter = choice_combo("status_filter", _("All statuses"), EventStatus.choices())
        return [self.type_filter, self.status_filter]

    def date_range_label(self) -> str:
        return _("Taking place")

    def main_area(self) -> QWidget:
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("event_calendar")
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        today = self._session.today()
        self.calendar.setSelectedDate(QDate(today.year, today.month, today.day))
        self.calendar.currentPageChanged.connect(lambda _y, _m: self.mark_calendar())
        self.calendar.selectionChanged.connect(self._show_day)
        self.day_title = QLabel()
        self.day_title.setProperty("role", "section-title")
        self.day_list = QListWidget()
        self.day_list.setObjectName("day_events")
        wrap_list_text(self.day_list)
        self.day_list.itemActivated.connect(self._on_day_item_activated)
        self.add_on_day = QPushButton(_("New event on this day…"))
        self.add_on_day.setObjectName("add_on_day")
        self.add_on_day.clicked.connect(self._on_add_on_day_clicked)
        self.add_on_day.setVisible(not getattr(self._session, "read_only", False))
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        side_layout.addWidget(self.calendar)
        side_layout.addWidget(self.day_title)
        side_layout.addWidget(self.day_list, 1)
        side_layout.addWidget(self.add_on_day)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([820, 340])
        self._marked: list[QDate] = []
        return splitter

    def highlight(self, row: R) -> str | None:
        today = self._session.today()
        if row.status == EventStatus.HELD.value and not row.result_notes:
            return "#fef3c7"
        if row.status in _OPEN and today <= row.starts_on <= today + dt.timedelta(days=7):
            return "#e0f2fe"
        return None

    def current_filter(self) -> EventFilter:
        type_ = self.type_filter.currentData()
        status = self.status_filter.currentData()
        return EventFilter(
            types=(type_,) if type_ else (), statuses=(status,) if status else (),
            section_id=self.theme_filter.currentData(), ward=self.ward_filter.currentData() or "",
            date_from=self.date_from.value(), date_to=self.date_to.value(), search=self.search.text())

    def apply_filters(self) -> None:
        super().apply_filters()
        self.mark_calendar()
        self._show_day()

    def query(self, flt: EventFilter, sort: SortSpec, after: tuple[Any, Any] | None, matching: int | None) -> Page:
        # a district holds a few hundred events, the city some 30,000: one plan suits every filter
        return query_events(uow_factory=self._uow, flt=flt, sort=sort, after=after)

    def totals(self, flt: EventFilter) -> Totals:
        return event_totals(uow_factory=self._uow, flt=flt)

    def totals_text(self, totals: Totals) -> str:
        return ngettext("{n} event", "{n} events", totals.count).format(n=format_number(totals.count)) + " · " + _(
            "{people} participants · cost {cost} (actual where known, else budget)").format(
            people=format_number(totals.quantity), cost=format_vnd(totals.cost))

    def load_choices(self) -> tuple[tuple[ThemeChoice, ...], tuple[str, ...]]:
        return list_themes(uow_factory=self._uow), event_wards(uow_factory=self._uow)

    def empty_register_text(self) -> str:
        if self.read_only:
            return _("This unit has recorded no event.")
        return _("No event is recorded yet. Each cultural, arts or sports event of the plan is a row here and a day "
                 "on the calendar, with its participants, cost and results.")

    def export_heading(self) -> str:
        return _("Events — {unit}, as of {date}").format(
            unit=self._session.summary().unit_full_name, date=format_date(self._session.today()))

    def export_file_stem(self) -> str:
        return "su-kien"

    def export_totals_row(self, totals: Totals, columns: Sequence[RegisterColumn[Any]]) -> list[Any]:
        row: list[Any] = [None] * len(columns)
        row[0] = _("Total: {n} events").format(n=totals.count)
        return row

    def iter_view(self, flt: EventFilter, sort: SortSpec) -> Iterable[R]:
        return iter_events(uow_factory=self._uow, flt=flt, sort=sort)

    # calendar ----------------------------------------------------------------------------
    def mark_calendar(self) -> None:
        if not hasattr(self, "calendar"):
            return
        for day in self._marked:
            self.calendar.setDateTextFormat(day, QTextCharFormat())
        year, month = self.calendar.yearShown(), self.calendar.monthShown()
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        flt = self.current_filter()
        self.days_with_events = event_days(uow_factory=self._uow, flt=flt, first=first, last=last)
        starting = event_days(uow_factory=self._uow, flt=flt, first=first, last=last, starts_only=True)
        self._marked = []
        for day, count in self.days_with_events.items():
            fmt = QTextCharFormat()
            if day in starting:  # an event starts (or takes place only) on this day: stands out
                fmt.setFontWeight(QFont.Weight.Bold)
                fmt.setBackground(QBrush(QColor("#fca5a5" if starting[day] > 1 else "#fde68a")))
                fmt.setForeground(QBrush(QColor("#7f1d1d")))
            else:  # only the middle of a longer event (a contest, an exhibition)
                fmt.setBackground(QBrush(QColor("#eef2f7")))
            fmt.setToolTip(ngettext("{n} event", "{n} events", count).format(n=count))
            qday = QDate(day.year, day.month, day.day)
            self.calendar.setDateTextFormat(qday, fmt)
            self._marked.append(qday)

    def selected_day(self) -> dt.date:
        q = self.calendar.selectedDate()
        return dt.date(q.year(), q.month(), q.day())

    def _show_day(self) -> None:
        day = self.selected_day()
        flt = replace(self.current_filter(), date_from=day, date_to=day)
        page = query_events(uow_factory=self._uow, flt=flt, sort=SortSpec("starts_on"), limit=100)
        self.day_title.setText(_("Events on {date}").format(date=format_date(day)))
        self.day_list.clear()
        for record in page.rows:
            details = " · ".join(x for x in (EventType(record.type).label, EventStatus(record.status).label,
                                             record.venue) if x)
            item = QListWidgetItem(f"{record.title}\n{details}")
            item.setData(Qt.ItemDataRole.UserRole, record)
            self.day_list.addItem(item)
        if not page.rows:
            empty = QListWidgetItem(_("No event on this day."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.day_list.addItem(empty)

    def _on_day_item_activated(self, item: QListWidgetItem) -> None:
        record = item.data(Qt.ItemDataRole.UserRole)
        if record is not None:
            self.open_dialog(record)

    def _on_add_on_day_clicked(self) -> None:
        dialog = self.make_dialog(None, starts_on=self.selected_day())
        if dialog.exec() and dialog.saved_id:
            self.select_id(dialog.saved_id)

    # writes ------------------------------------------------------------------------------
    def make_dialog(self, record: R | None, *, starts_on: dt.date | None = None) -> EventDialog:
        def save(values: EventInput, expected_version: int | None) -> str:
            if record is None:
                new_id, changes = create_event(uow_factory=self._uow, values=values)
                self.push(_("Add an event"), undo=lambda: delete_events(uow_factory=self._uow, event_ids=[new_id]),
                          redo=lambda: undelete_events(uow_factory=self._uow, event_ids=[new_id]), changes=changes)
                return new_id
            before = get_event(uow_factory=self._uow, event_id=record.id).as_input()
            changes = update_event(uow_factory=self._uow, event_id=record.id, values=values,
                                   expected_version=expected_version)
            if changes.events:
                after = get_event(uow_factory=self._uow, event_id=record.id).as_input()
                self.push(_("Edit an event"),
                          undo=lambda: restore_events(uow_factory=self._uow, items=[(record.id, before)]),
                          redo=lambda: restore_events(uow_factory=self._uow, items=[(record.id, after)]),
                          changes=changes)
            return record.id

        dialog = EventDialog(uow_factory=self._uow, record=record, themes=list_themes(uow_factory=self._uow),
                             tasks=list_tasks(uow_factory=self._uow), wards=event_ward_choices(uow_factory=self._uow),
                             today=self._session.today(), save=save, parent=self, starts_on=starts_on,
                             folders=self.folders)
        dialog.photos.photos_changed.connect(self.notify)
        if self.read_only:  # the city's view of a unit's register
            make_record_dialog_read_only(dialog)
        return dialog

    def open_dialog(self, record: R | None) -> None:
        dialog = self.make_dialog(record)
        if dialog.exec() and dialog.saved_id:
            self.select_id(dialog.saved_id)

    def run_bulk_status(self, rows: list[R]) -> None:
        dialog = BulkStatusDialog(count=len(rows), choices=EventStatus.choices(), today=None, parent=self)
        if dialog.exec():
            self.set_status(rows, dialog.chosen()[0])

    def set_status(self, rows: list[R], status: str) -> bool:
        ids = [row.id for row in rows]
        before = [(r.id, r.as_input()) for r in get_events(uow_factory=self._uow, event_ids=ids)]
        try:
            changes = set_events_status(uow_factory=self._uow, event_ids=ids, status=status,
                                        expected_versions=versions_of(rows))
        except UserFacingError as error:
            self.refuse(error)
            return False
        after = [(r.id, r.as_input()) for r in get_events(uow_factory=self._uow, event_ids=ids)]
        self.push(ngettext("Mark {n} event “{status}”", "Mark {n} events “{status}”", len(ids)).format(
            n=len(ids), status=EventStatus(status).label),
            undo=lambda: restore_events(uow_factory=self._uow, items=before),
            redo=lambda: restore_events(uow_factory=self._uow, items=after), changes=changes)
        return True

    def write_delete(self, ids: list[str], expected_versions: dict[str, int] | None = None) -> Changes:
        return delete_events(uow_factory=self._uow, event_ids=ids, expected_versions=expected_versions)

    def write_undelete(self, ids: list[str]) -> Changes:
        return undelete_events(uow_factory=self._uow, event_ids=ids)
