"""Flows and stocks of a period, from a unit's records: the one computation behind every report.

A figure is a *flow* (what happened from the period's first day to the day the report is computed
as of) or a *stock* (the state on that day). Each record contributes to a flow on exactly one day,
so the flows of Q1 + Q2 + Q3 + Q4 are the year's and H1 is Q1 + Q2. The definitions, in words, are in
``docs/report-layout.md``; this module is stdlib only and knows nothing of storage.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kehoach_desktop.domain.enums import EventStatus, MaterialStatus, TaskStatus
from kehoach_desktop.domain.periods import Period
from kehoach_desktop.domain.report_data import Flows, Stocks
from kehoach_desktop.domain.rules import effective_task_status

LIFE_CYCLE = ("planned", "produced", "installed", "damaged", "replaced", "removed")
IN_PLACE = (MaterialStatus.INSTALLED.value, MaterialStatus.DAMAGED.value, MaterialStatus.REPLACED.value)
UP = (MaterialStatus.INSTALLED.value, MaterialStatus.REPLACED.value)  # a removal can fall due (domain.lifecycle)
_DONE = TaskStatus.DONE.value
_CANCELLED = TaskStatus.CANCELLED.value


def as_of_day(period: Period, today: dt.date) -> dt.date:
    """A report of a period is computed as of its last day, or ``today`` (the report's day) if it is not over."""
    return min(period.end, today)


@dataclass(frozen=True)
class TaskFacts:
    theme: str  # the key its figures are grouped by (the plan section)
    status: str  # as recorded (TaskStatus)
    percent_done: int
    start_date: dt.date | None
    due_date: dt.date | None
    progress_on: dt.date | None  # "updated on": the day the recorded progress is true as of
    budget: int
    spent: int
    indicator_target: int | None = None
    indicator_achieved: int | None = None

    @property
    def progress_day(self) -> dt.date | None:
        """The day the recorded progress (and a completion, and the spending) is dated: its "updated on" day;
        a task marked done without one, its due date. None: undated (true on any day)."""
        if self.progress_on is not None:
            return self.progress_on
        return self.due_date if self.status == _DONE else None


@dataclass(frozen=True)
class TaskState:
    """A task as it stood on a day."""

    status: str  # TaskStatus, overdue judged on that day
    percent_done: int | None  # None: the recorded percentage is dated later than the day
    spent: int
    indicator_achieved: int | None


def task_on(task: TaskFacts, day: dt.date) -> TaskState:
    """The recorded progress on and after its day; before it, an open task with nothing recorded yet."""
    when = task.progress_day
    if when is None or when <= day:
        return TaskState(effective_task_status(task.status, task.due_date, day), task.percent_done, task.spent,
                         task.indicator_achieved)
    started = task.status != TaskStatus.NOT_STARTED.value and (task.start_date is None or task.start_date <= day)
    status = TaskStatus.IN_PROGRESS.value if started else TaskStatus.NOT_STARTED.value
    return TaskState(effective_task_status(status, task.due_date, day), None, 0, None)


def _within(day: dt.date | None, first: dt.date, last: dt.date) -> bool:
    return day is not None and first <= day <= last


def task_figures(tasks: Iterable[TaskFacts], period: Period, as_of: dt.date) -> tuple[Flows, Stocks]:
    """Flows: tasks completed and spending dated in the period. Stocks: the tasks' states on ``as_of``."""
    completed = spent_in = 0
    counts: Counter[str] = Counter()
    total = in_average = percent_sum = targets = achieved = budget = spent_to_date = 0
    for task in tasks:
        total += 1
        budget += task.budget
        day = task.progress_day
        if _within(day, period.start, as_of):
            spent_in += task.spent
            completed += task.status == _DONE
        state = task_on(task, as_of)
        counts[state.status] += 1
        spent_to_date += state.spent
        if state.status != _CANCELLED and state.percent_done is not None:
            in_average += 1
            percent_sum += state.percent_done
        if task.indicator_target:
            targets += 1
            achieved += state.indicator_achieved is not None and state.indicator_achieved >= task.indicator_target
    flows = Flows(tasks_completed=completed, money_spent=spent_in)
    stocks = Stocks(
        tasks_total=total, tasks_done=counts[_DONE], tasks_in_progress=counts[TaskStatus.IN_PROGRESS.value],
        tasks_not_started=counts[TaskStatus.NOT_STARTED.value], tasks_overdue=counts[TaskStatus.OVERDUE.value],
        tasks_cancelled=counts[_CANCELLED], tasks_in_average=in_average, percent_sum=percent_sum,
        indicators_total=targets, indicators_achieved=achieved, budget_planned=budget,
        money_spent_to_date=spent_to_date)
    return flows, stocks


@dataclass(frozen=True)
class MaterialFacts:
    type: str  # MaterialType
    quantity: int
    cost: int
    status: str  # as recorded
    planned_on: dt.date | None = None
    produced_on: dt.date | None = None
    installed_on: dt.date | None = None
    damaged_on: dt.date | None = None
    replaced_on: dt.date | None = None
    removed_on: dt.date | None = None
    planned_removal_on: dt.date | None = None

    @property
    def dated(self) -> bool:
        return any(getattr(self, f"{step}_on") is not None for step in LIFE_CYCLE)

    @property
    def cost_day(self) -> dt.date | None:
        """Its cost is spent when it is produced (installed, for an item recorded without production)."""
        return self.produced_on or self.installed_on

    def status_on(self, day: dt.date) -> str | None:
        """The life-cycle step reached by ``day``; None when it did not exist yet. Undated: as recorded."""
        reached = [(getattr(self, f"{step}_on"), index, step) for index, step in enumerate(LIFE_CYCLE)
                   if getattr(self, f"{step}_on") is not None and getattr(self, f"{step}_on") <= day]
        if not self.dated:
            return self.status
        return max(reached)[2] if reached else None

    def costs_by(self, day: dt.date) -> bool:
        """Whether its cost counts in a stock on ``day``: produced by then (undated: past "planned")."""
        if self.cost_day is not None:
            return self.cost_day <= day
        return not self.dated and self.status != MaterialStatus.PLANNED.value


@dataclass(frozen=True)
class MaterialTypeFigures:
    produced: int = 0
    installed: int = 0
    removed: int = 0
    cost: int = 0
    by_status: tuple[tuple[str, int], ...] = ()
    in_place: int = 0
    cost_to_date: int = 0


def material_figures(materials: Iterable[MaterialFacts], period: Period,
                     as_of: dt.date) -> tuple[Flows, Stocks, dict[str, MaterialTypeFigures]]:
    """Flows: quantities produced, installed and removed in the period, and the cost of those produced.
    Stocks: every material's step on ``as_of``; the cost of those produced since 1 January."""
    year_start = dt.date(period.year, 1, 1)
    acc: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_status: dict[str, Counter[str]] = defaultdict(Counter)
    for m in materials:
        a = acc[m.type]
        a["produced"] += m.quantity if _within(m.produced_on, period.start, as_of) else 0
        a["installed"] += m.quantity if _within(m.installed_on, period.start, as_of) else 0
        a["removed"] += m.quantity if _within(m.removed_on, period.start, as_of) else 0
        a["cost"] += m.cost if _within(m.cost_day, period.start, as_of) else 0
        status = m.status_on(as_of)
        if status is not None:
            by_status[m.type][status] += m.quantity
            a["in_place"] += m.quantity if status in IN_PLACE else 0
        if m.costs_by(as_of) and (m.cost_day is None or m.cost_day >= year_start):
            a["cost_to_date"] += m.cost
    per_type = {
        kind: MaterialTypeFigures(
            produced=a["produced"], installed=a["installed"], removed=a["removed"], cost=a["cost"],
            by_status=tuple(sorted((s, q) for s, q in by_status[kind].items() if q)), in_place=a["in_place"],
            cost_to_date=a["cost_to_date"])
        for kind, a in acc.items()}
    flows = Flows(materials_produced=sum(t.produced for t in per_type.values()),
                  materials_installed=sum(t.installed for t in per_type.values()),
                  materials_removed=sum(t.removed for t in per_type.values()),
                  materials_cost=sum(t.cost for t in per_type.values()))
    stocks = Stocks(materials_total=sum(q for t in per_type.values() for _s, q in t.by_status),
                    materials_in_place=sum(t.in_place for t in per_type.values()),
                    materials_cost_to_date=sum(t.cost_to_date for t in per_type.values()))
    return flows, stocks, per_type


def removal_overdue(material: MaterialFacts, day: dt.date) -> bool:
    """Still up on ``day`` after its planned removal date."""
    return (material.planned_removal_on is not None and material.planned_removal_on < day
            and material.status_on(day) in UP)


@dataclass(frozen=True)
class EventFacts:
    starts_on: dt.date
    status: str  # EventStatus
    participants: int | None
    cost: int | None


def event_figures(events: Sequence[EventFacts], period: Period, as_of: dt.date) -> tuple[Flows, Stocks, int]:
    """Flows: events held that started in the period, their participants and cost. Stocks: the same since
    1 January. Also the events of the period not cancelled (what "held x of y" counts)."""
    year_start = dt.date(period.year, 1, 1)
    held = [e for e in events if e.status == EventStatus.HELD.value and e.starts_on <= as_of]
    in_period = [e for e in held if e.starts_on >= period.start]
    to_date = [e for e in held if e.starts_on >= year_start]
    planned = sum(1 for e in events if period.start <= e.starts_on <= period.end
                  and e.status != EventStatus.CANCELLED.value)
    flows = Flows(events_held=len(in_period), event_participants=sum(e.participants or 0 for e in in_period),
                  events_cost=sum(e.cost or 0 for e in in_period))
    stocks = Stocks(events_held_to_date=len(to_date),
                    event_participants_to_date=sum(e.participants or 0 for e in to_date),
                    events_cost_to_date=sum(e.cost or 0 for e in to_date))
    return flows, stocks, planned
