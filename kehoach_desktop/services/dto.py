"""Frozen read models handed to the UI and the CLI (never ORM objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkspaceSummary:
    id: str
    path: str
    mode: str  # WorkspaceMode value
    unit_code: str
    unit_kind: str
    unit_name: str
    unit_full_name: str
    template_code: str
    template_year: int
    signer_name: str
    signer_title: str
    key_fingerprint: str
    is_demo: bool
    app_version: str
    export_folder: str = ""  # the documents folder chosen at set-up or in the settings ("" = the default)
    officer_name: str = ""  # the officer in charge, named in the history of every change


@dataclass(frozen=True)
class CountByLabel:
    code: str
    count: int
    amount: int = 0  # quantity or money, as the context says


@dataclass(frozen=True)
class ThemeProgress:
    section_id: str
    number: str
    title: str
    tasks: int
    done: int
    in_progress: int
    overdue: int
    budget: int
    spent: int


@dataclass(frozen=True)
class UpcomingEvent:
    id: str
    title: str
    type: str
    starts_on: dt.date
    venue: str
    status: str


@dataclass(frozen=True)
class Overview:
    """The figures of the Tổng quan page."""

    today: dt.date
    plan_id: str | None
    plan_status: str | None
    plan_revision: int
    plan_year: int | None
    plan_number: str
    tasks_total: int
    tasks_by_status: tuple[CountByLabel, ...]
    tasks_overdue: int
    tasks_due_soon: int
    budget_planned: int
    budget_spent: int
    theme_progress: tuple[ThemeProgress, ...]
    materials_total: int
    materials_quantity: int
    materials_cost: int
    materials_by_type: tuple[CountByLabel, ...]
    materials_by_status: tuple[CountByLabel, ...]
    removals_overdue: int
    materials_damaged: int
    events_total: int
    events_by_status: tuple[CountByLabel, ...]
    events_participants: int
    events_next_7_days: tuple[UpcomingEvent, ...]
    events_without_results: int
    events_by_month: tuple[CountByLabel, ...] = ()  # code "2021-03"; cancelled events left out


@dataclass(frozen=True)
class OutlineTask:
    id: str
    content: str
    form: str
    lead_unit: str
    start_date: dt.date | None
    due_date: dt.date | None
    budget: int
    status: str


@dataclass(frozen=True)
class OutlineSection:
    id: str
    template_key: str | None
    number: str
    title: str
    kind: str
    depth: int
    locked: bool
    inferred: bool
    text: str
    local_text: str
    changed_from_template: bool
    tasks: tuple[OutlineTask, ...] = field(default=())


@dataclass(frozen=True)
class PlanOutline:
    plan_id: str
    year: int
    status: str
    revision: int
    title: str
    summary: str
    number: str
    symbol: str
    place: str
    issue_date: dt.date | None
    issuing_agency: str
    preamble: str
    sections: tuple[OutlineSection, ...]


@dataclass(frozen=True)
class PeriodDeadline:
    period: str
    deadline: dt.date
    units_reported: int


@dataclass(frozen=True)
class CityOverview:
    """The figures of the city's Tổng quan page."""

    today: dt.date
    template_code: str
    template_year: int
    unit_term: str
    units_total: int
    units_by_kind: tuple[CountByLabel, ...]
    packages_received: int
    units_reported: int
    periods: tuple[PeriodDeadline, ...]
