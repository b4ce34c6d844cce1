"""The figures of a report, as one model: what the PDF prints, what ``--data-out`` writes, what a sync
package carries, what the city adds up (and what a .docx will print).

Every figure is a *flow* (what happened within the period) or a *stock* (the state on the day the
report is computed as of); ``docs/report-layout.md`` defines each. The JSON of a report is
:func:`canonical_json` of :meth:`ProgressData.to_json` (sorted keys, compact, UTF-8): its SHA-256 is
the hash printed in the report's QR code and listed for ``data/report.json`` in the package.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

DATA_FORMAT = "kehoach-report-data"
DATA_VERSION = 1


@dataclass(frozen=True)
class Flows:
    """What happened within the period (from its first day to the day it is computed as of)."""

    tasks_completed: int = 0
    materials_produced: int = 0  # quantities
    materials_installed: int = 0
    materials_removed: int = 0
    materials_cost: int = 0  # cost of the materials produced in the period (đồng)
    events_held: int = 0
    event_participants: int = 0
    events_cost: int = 0
    money_spent: int = 0  # spending recorded on the plan's tasks in the period

    def __add__(self, other: Flows) -> Flows:
        return Flows(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self)})


@dataclass(frozen=True)
class Stocks:
    """The state on the day the report is computed as of (money and events: since 1 January)."""

    tasks_total: int = 0
    tasks_done: int = 0
    tasks_in_progress: int = 0
    tasks_not_started: int = 0
    tasks_overdue: int = 0
    tasks_cancelled: int = 0
    tasks_in_average: int = 0  # tasks whose percentage is known, cancelled ones left out
    percent_sum: int = 0  # of those tasks' percentages: average_percent = percent_sum / tasks_in_average
    indicators_total: int = 0
    indicators_achieved: int = 0
    budget_planned: int = 0
    money_spent_to_date: int = 0
    materials_total: int = 0  # quantities of every material existing on the day
    materials_in_place: int = 0  # installed, damaged or replaced: standing in a public place
    materials_cost_to_date: int = 0
    events_held_to_date: int = 0
    event_participants_to_date: int = 0
    events_cost_to_date: int = 0

    @property
    def average_percent(self) -> int | None:
        return round(self.percent_sum / self.tasks_in_average) if self.tasks_in_average else None

    def __add__(self, other: Stocks) -> Stocks:
        return Stocks(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self)})


def flows_json(flows: Flows) -> dict[str, int]:
    return dataclasses.asdict(flows)


def stocks_json(stocks: Stocks) -> dict[str, Any]:
    return {**dataclasses.asdict(stocks), "average_percent": stocks.average_percent}


def flows_from_json(data: dict[str, Any]) -> Flows:
    return Flows(**{f.name: int(data.get(f.name, 0)) for f in dataclasses.fields(Flows)})


def stocks_from_json(data: dict[str, Any]) -> Stocks:
    return Stocks(**{f.name: int(data.get(f.name, 0)) for f in dataclasses.fields(Stocks)})


@dataclass(frozen=True)
class ThemeLine:
    """One theme of the plan: its tasks' figures."""

    theme: str  # "1.1. Hoạt động chỉ đạo…"
    completed: int  # flow: tasks completed in the period
    spent: int  # flow: spending recorded in the period
    stocks: Stocks  # the task and money fields only


@dataclass(frozen=True)
class MaterialTypeLine:
    type: str  # code (MaterialType)
    label: str  # Vietnamese
    produced: int  # flows (quantities, cost)
    installed: int
    removed: int
    cost: int
    by_status: dict[str, int]  # stock: quantity in each life-cycle step on the day (codes of MaterialStatus)
    in_place: int
    cost_to_date: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class TaskLine:
    theme: str
    content: str
    lead_unit: str
    due_date: dt.date | None
    status: str  # TaskStatus code on the day
    percent_done: int | None  # None: not known on that day (recorded later)
    indicator_unit: str
    indicator_target: int | None
    indicator_achieved: int | None


@dataclass(frozen=True)
class EventLine:
    title: str
    type: str  # EventType code
    starts_on: dt.date
    venue: str
    participants: int | None
    cost: int | None


@dataclass(frozen=True)
class OverdueTaskLine:
    content: str
    lead_unit: str
    due_date: dt.date | None
    days_late: int


@dataclass(frozen=True)
class OverdueRemovalLine:
    type: str  # MaterialType code
    content: str
    place: str
    planned_removal_on: dt.date | None
    days_late: int


@dataclass(frozen=True)
class PlanRef:
    number: str  # "05/KH-UBND", or "" before it is issued with a number
    status: str  # PlanStatus code, or "" without a plan
    issue_date: dt.date | None = None


@dataclass(frozen=True)
class ProgressData:
    """A unit's progress report of a period: every figure and every listed item it prints."""

    unit: str  # the unit's code
    unit_name: str
    period: str  # "2021-Q3"
    start: dt.date
    end: dt.date
    as_of: dt.date  # the period's last day, or the report's day when the period is not over
    plan: PlanRef
    flows: Flows
    stocks: Stocks
    themes: tuple[ThemeLine, ...] = ()
    material_types: tuple[MaterialTypeLine, ...] = ()
    events_planned: int = 0  # events of the period not cancelled (held or not)
    tasks: tuple[TaskLine, ...] = ()  # the tasks whose timeline meets the period
    events: tuple[EventLine, ...] = ()  # the events held in the period
    overdue_tasks: tuple[OverdueTaskLine, ...] = ()
    overdue_removals: tuple[OverdueRemovalLine, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "format": DATA_FORMAT, "format_version": DATA_VERSION, "kind": "progress",
            "unit": self.unit, "unit_name": self.unit_name, "period": self.period,
            "start": self.start.isoformat(), "end": self.end.isoformat(), "as_of": self.as_of.isoformat(),
            "plan": _plain(dataclasses.asdict(self.plan)),
            "flows": flows_json(self.flows), "stocks": stocks_json(self.stocks),
            "themes": [{"theme": t.theme, "flows": {"tasks_completed": t.completed, "money_spent": t.spent},
                        "stocks": _task_stocks_json(t.stocks)} for t in self.themes],
            "material_types": [{"type": m.type, "label": m.label,
                                "flows": {"produced": m.produced, "installed": m.installed, "removed": m.removed,
                                          "cost": m.cost},
                                "stocks": {"by_status": dict(sorted(m.by_status.items())), "in_place": m.in_place,
                                           "total": m.total, "cost_to_date": m.cost_to_date}}
                               for m in self.material_types],
            "events_planned": self.events_planned,
            "items": {"tasks": [_plain(dataclasses.asdict(t)) for t in self.tasks],
                      "events": [_plain(dataclasses.asdict(e)) for e in self.events],
                      "overdue_tasks": [_plain(dataclasses.asdict(t)) for t in self.overdue_tasks],
                      "overdue_removals": [_plain(dataclasses.asdict(m)) for m in self.overdue_removals]},
        }


_TASK_STOCK_KEYS = ("tasks_total", "tasks_done", "tasks_in_progress", "tasks_not_started", "tasks_overdue",
                    "tasks_cancelled", "tasks_in_average", "percent_sum", "budget_planned", "money_spent_to_date")


def _task_stocks_json(stocks: Stocks) -> dict[str, Any]:
    whole = stocks_json(stocks)
    return {key: whole[key] for key in (*_TASK_STOCK_KEYS, "average_percent")}


@dataclass(frozen=True)
class CityUnitLine:
    """One reporting unit in the city's consolidated report of a period."""

    code: str
    name: str  # "Quận Ba Đình"
    status: str  # REPORTED, LATE or MISSING
    review: str = ""  # the city's decision on the package used: "received" (none yet), "accepted"; or "returned"
    received_on: dt.date | None = None  # the first package of the period (what lateness is judged on)
    sequence: int | None = None  # of the package whose figures are used
    package_sha256: str = ""
    data_sha256: str = ""  # the hash of that package's data/report.json (what a paper copy's QR holds)
    source: str = ""  # "package": its data/report.json; "records": computed here (a package without one)
    as_of: dt.date | None = None
    plan: PlanRef | None = None
    flows: Flows | None = None  # None when missing
    stocks: Stocks | None = None


REPORTED = "reported"
LATE = "late"
MISSING = "missing"


@dataclass(frozen=True)
class CityData:
    """The city's consolidated report of a period: each unit from its package of exactly that period."""

    unit: str  # the city's own code
    unit_name: str
    period: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    units: tuple[CityUnitLine, ...]
    material_types: tuple[tuple[str, str, int, int], ...] = ()  # (code, label, installed in period, in place)
    totals_flows: Flows = field(default_factory=Flows)
    totals_stocks: Stocks = field(default_factory=Stocks)

    @property
    def reported(self) -> tuple[CityUnitLine, ...]:
        return tuple(u for u in self.units if u.status != MISSING)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": DATA_FORMAT, "format_version": DATA_VERSION, "kind": "city",
            "unit": self.unit, "unit_name": self.unit_name, "period": self.period,
            "start": self.start.isoformat(), "end": self.end.isoformat(), "as_of": self.as_of.isoformat(),
            "units": [{
                "code": u.code, "name": u.name, "status": u.status, "review": u.review or None,
                "received_on": _plain(u.received_on), "sequence": u.sequence,
                "package_sha256": u.package_sha256 or None, "data_sha256": u.data_sha256 or None,
                "source": u.source or None, "as_of": _plain(u.as_of),
                "plan": _plain(dataclasses.asdict(u.plan)) if u.plan else None,
                "flows": flows_json(u.flows) if u.flows else None,
                "stocks": stocks_json(u.stocks) if u.stocks else None} for u in self.units],
            "units_reported": len(self.reported),
            "units_late": sum(1 for u in self.units if u.status == LATE),
            "units_missing": sum(1 for u in self.units if u.status == MISSING),
            "material_types": [{"type": code, "label": label, "installed": installed, "in_place": in_place}
                               for code, label, installed, in_place in self.material_types],
            "totals": {"flows": flows_json(self.totals_flows), "stocks": stocks_json(self.totals_stocks)},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def canonical_json(data: dict[str, Any]) -> bytes:
    """Sorted keys, no blanks, UTF-8: the same bytes the sync package writes for a data file."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def data_sha256(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()
