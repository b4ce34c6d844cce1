"""Tổng quan in a city workspace: the reporting units, the periods and what has arrived."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QGridLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from kehoach_desktop.domain.periods import period_heading
from kehoach_desktop.formats import format_date, format_number
from kehoach_desktop.i18n import _
from kehoach_desktop.services.dto import CityOverview, PeriodDeadline
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui.table_model import Column, DtoTableModel
from kehoach_desktop.ui.widgets import FigureCard, PageHeader


def period_columns(units_total: int) -> list[Column[PeriodDeadline]]:
    return [
        Column(_("Reporting period"), lambda p: period_heading(p.period), lambda p: p.period),
        Column(_("Deadline"), lambda p: format_date(p.deadline), lambda p: p.deadline),
        Column(_("Units reported"), lambda p: f"{p.units_reported} / {units_total}", lambda p: p.units_reported,
               numeric=True),
    ]


class CityOverviewPage(QWidget):
    """Refreshes when a write touches any of RELEVANT_CHANGES."""

    RELEVANT_CHANGES = ("packages", "workspace")

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        self.header = PageHeader(_("Overview"))
        layout.addWidget(self.header)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.units_card = FigureCard(_("Reporting units"), object_name="card_units")
        self.received_card = FigureCard(_("Packages received"), object_name="card_received")
        self.next_card = FigureCard(_("Next reporting deadline"), object_name="card_next")
        for column, card in enumerate((self.units_card, self.received_card, self.next_card)):
            grid.addWidget(card, 0, column)
        layout.addLayout(grid)
        title = QLabel(_("Reporting periods of the template"))
        title.setProperty("role", "section-title")
        layout.addWidget(title)
        self.periods_model: DtoTableModel[PeriodDeadline] = DtoTableModel(period_columns(0), self)
        self.periods_table = QTableView()
        self.periods_table.setObjectName("periods_table")
        self.periods_table.setModel(self.periods_model)
        self.periods_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.periods_table.verticalHeader().setVisible(False)
        layout.addWidget(self.periods_table, 1)

    def refresh(self) -> None:
        self.show_overview(self._session.city_overview())

    def show_overview(self, o: CityOverview) -> None:
        self.header.set_subtitle(_("Template {code} ({year}); figures as of {date}.").format(
            code=o.template_code, year=o.template_year, date=format_date(o.today)))
        self.units_card.set(format_number(o.units_total), ", ".join(
            f"{c.code}: {c.count}" for c in o.units_by_kind))
        self.received_card.set(format_number(o.packages_received), _("from {n} of {total} units").format(
            n=o.units_reported, total=o.units_total))
        upcoming = [p for p in o.periods if p.deadline >= o.today]
        if upcoming:
            self.next_card.set(format_date(upcoming[0].deadline), period_heading(upcoming[0].period))
        else:
            self.next_card.set("—", _("all deadlines of the template have passed"))
        self.periods_model = DtoTableModel(period_columns(o.units_total), self)
        self.periods_model.set_rows(o.periods)
        self.periods_table.setModel(self.periods_model)
        self.periods_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
