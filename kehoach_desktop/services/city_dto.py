"""Frozen read models of the city: the completeness board, its units' figures, deviations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kehoach_desktop.services.dto import CountByLabel


@dataclass(frozen=True)
class PeriodColumn:
    period: str  # "2021-Q1"
    deadline: dt.date


@dataclass(frozen=True)
class PeriodCell:
    """One unit × one reporting period."""

    period: str
    deadline: dt.date
    timeliness: str  # domain.reporting.Timeliness value
    received_on: dt.date | None = None  # the first report of the period (what timeliness is judged on)
    latest_received_on: dt.date | None = None
    sequence: int | None = None  # of the latest package of the period
    package_id: str | None = None  # of the latest package: what the city's decision is about
    decision: str = ""  # "received" (no decision yet), "accepted", "returned"
    reason: str = ""  # why it was returned
    packages: int = 0


@dataclass(frozen=True)
class UnitFigures:
    """What a unit's own records add up to (the same sums for one unit and for the whole city)."""

    plans_issued: int = 0
    tasks_total: int = 0
    tasks_done: int = 0
    tasks_in_progress: int = 0
    tasks_overdue: int = 0
    indicators_total: int = 0  # tasks with a target
    indicators_achieved: int = 0  # of those, the ones whose achieved figure reached the target
    materials_total: int = 0  # records
    materials_quantity: int = 0
    materials_cost: int = 0
    materials_by_type: tuple[CountByLabel, ...] = ()  # count of records, amount = quantity
    materials_by_status: tuple[CountByLabel, ...] = ()
    events_total: int = 0
    events_held: int = 0
    participants: int = 0  # actual participants of the events held
    events_cost: int = 0  # actual cost of the events held
    budget_planned: int = 0  # tasks' budget
    budget_spent: int = 0  # tasks' spending

    @property
    def indicators_percent(self) -> int | None:
        return round(100 * self.indicators_achieved / self.indicators_total) if self.indicators_total else None


@dataclass(frozen=True)
class UnitBoardRow:
    code: str
    kind: str  # as the template writes it: "quận", "huyện", "thị xã", "phường", "xã"
    name: str
    display_name: str  # "Quận Đống Đa"
    cells: tuple[PeriodCell, ...]
    plan_status: str | None  # PlanStatus value; None: no plan received
    plan_number: str  # "05/KH-UBND" or ""
    plan_revision: int
    figures: UnitFigures

    def cell(self, period: str) -> PeriodCell | None:
        return next((c for c in self.cells if c.period == period), None)


@dataclass(frozen=True)
class CompletenessBoard:
    today: dt.date
    template_code: str
    template_year: int
    unit_term: str  # "quận, huyện, thị xã"
    receiving_agency: str
    kinds: tuple[str, ...]  # the kinds of unit the template names, in first-seen order
    periods: tuple[PeriodColumn, ...]
    rows: tuple[UnitBoardRow, ...]
    totals: UnitFigures  # of the rows shown

    def row(self, code: str) -> UnitBoardRow:
        return next(r for r in self.rows if r.code == code)


@dataclass(frozen=True)
class Deviation:
    unit_code: str
    kind: str  # "locked_text", "theme_without_task", "form_unused", "budget_outlier"
    subject: str  # the section, form, or the budget figure
    detail: str
    amount: int | None = None  # a budget outlier: the unit's budget (đồng)
    reference: int | None = None  # and the median of the other units' budgets


@dataclass(frozen=True)
class UnitDeviations:
    unit_code: str
    display_name: str
    has_plan: bool
    deviations: tuple[Deviation, ...]
