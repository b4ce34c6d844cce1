"""A unit's progress data of a period (``domain.report_data.ProgressData``), read from its records.

One reading for everything that shows a period's figures: the progress report (PDF), its
``--data-out`` JSON, the ``data/report.json`` of the period's sync package, and the city's
figures of a unit whose package carries none. Works on a district's own records and on a unit's
records in a city workspace alike (everything is selected by ``unit_code``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import MaterialType, PlanStatus
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.period_figures import (
    EventFacts,
    MaterialFacts,
    TaskFacts,
    as_of_day,
    event_figures,
    material_figures,
    removal_overdue,
    task_figures,
    task_on,
)
from kehoach_desktop.domain.periods import Period, parse_period
from kehoach_desktop.domain.report_data import (
    EventLine,
    MaterialTypeLine,
    OverdueRemovalLine,
    OverdueTaskLine,
    PlanRef,
    ProgressData,
    TaskLine,
    ThemeLine,
)
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.formats import format_date
from kehoach_desktop.i18n import _
from kehoach_desktop.storage.models import Event, Material, Plan, PlanSection, ResponsibleUnit, Task, WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory

MATERIAL_TYPE_VI = {t.value: t.vietnamese for t in MaterialType}  # the interface's Vietnamese labels


def plan_of_year(session: Session, unit_code: str, year: int) -> Plan | None:
    """The unit's plan of ``year`` (the latest created if there are several)."""
    return session.scalars(select(Plan).where(Plan.unit_code == unit_code, Plan.year == year,
                                              Plan.deleted_at.is_(None))
                           .order_by(Plan.created_at.desc())).first()


def _theme(section: PlanSection) -> str:
    return f"{section.number} {section.title}".strip()


def _in_period(task: Task, period: Period) -> bool:
    """A task belongs to the period's list when its timeline meets it; a task without dates, always."""
    if task.start_date is None and task.due_date is None:
        return True
    return period.overlaps(task.start_date, task.due_date)


def _task_facts(task: Task) -> TaskFacts:
    return TaskFacts(theme=task.section_id, status=task.status, percent_done=task.percent_done,
                     start_date=task.start_date, due_date=task.due_date, progress_on=task.progress_updated_on,
                     budget=task.budget, spent=task.spent, indicator_target=task.indicator_target,
                     indicator_achieved=task.indicator_achieved)


def _material_facts(m: Material) -> MaterialFacts:
    return MaterialFacts(type=m.type, quantity=m.quantity, cost=m.cost, status=m.status, planned_on=m.planned_on,
                         produced_on=m.produced_on, installed_on=m.installed_on, damaged_on=m.damaged_on,
                         replaced_on=m.replaced_on, removed_on=m.removed_on, planned_removal_on=m.planned_removal_on)


def require_begun(span: Period, today: dt.date) -> None:
    """A period's report is made from its first day on: before it, "trong kỳ" would run from a day after its end."""
    if today < span.start:
        raise ValidationError(_("The period {period} has not begun yet (it begins on {start}): its report can be made "
                                "from that day on.").format(period=span.label, start=format_date(span.start)))


def read_progress_data(session: Session, *, unit_code: str, unit_name: str, period: str,
                       today: dt.date) -> ProgressData:
    """The figures of ``unit_code`` for ``period``, computed as of the period's last day (or ``today``)."""
    span = parse_period(period)
    require_begun(span, today)
    as_of = as_of_day(span, today)
    plan = plan_of_year(session, unit_code, span.year)
    sections: list[PlanSection] = []
    tasks: list[Task] = []
    names: dict[str, str] = {}
    if plan is not None:
        sections = list(session.scalars(select(PlanSection).where(
            PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None)).order_by(PlanSection.position)))
        order = {s.id: i for i, s in enumerate(sections)}
        tasks = sorted(session.scalars(select(Task).where(Task.plan_id == plan.id, Task.deleted_at.is_(None))),
                       key=lambda t: (order.get(t.section_id, 0), t.position))
        names = dict(session.execute(select(ResponsibleUnit.id, ResponsibleUnit.name)
                                     .where(ResponsibleUnit.unit_code == unit_code)).all())
    facts = [_task_facts(t) for t in tasks]
    task_flows, task_stocks = task_figures(facts, span, as_of)

    by_section: dict[str, list[TaskFacts]] = defaultdict(list)
    for fact in facts:
        by_section[fact.theme].append(fact)
    themes = []
    for section in sections:
        if by_section[section.id]:
            flows, stocks = task_figures(by_section[section.id], span, as_of)
            themes.append(ThemeLine(_theme(section), flows.tasks_completed, flows.money_spent, stocks))
    section_of = {s.id: s for s in sections}
    task_lines, overdue = [], []
    for task, fact in zip(tasks, facts, strict=True):
        state = task_on(fact, as_of)
        lead = nfc(names.get(task.lead_unit_id or "", ""))
        if _in_period(task, span):
            task_lines.append(TaskLine(
                theme=_theme(section_of[task.section_id]) if task.section_id in section_of else "",
                content=nfc(task.content), lead_unit=lead, due_date=task.due_date, status=state.status,
                percent_done=state.percent_done, indicator_unit=nfc(task.indicator_unit),
                indicator_target=task.indicator_target, indicator_achieved=state.indicator_achieved))
        if state.status == "overdue":
            late = (as_of - task.due_date).days if task.due_date else 0
            overdue.append(OverdueTaskLine(nfc(task.content), lead, task.due_date, late))

    materials = list(session.scalars(select(Material).where(
        Material.unit_code == unit_code, Material.deleted_at.is_(None))
        .order_by(Material.planned_removal_on, Material.created_at)))
    material_facts = [_material_facts(m) for m in materials]
    material_flows, material_stocks, per_type = material_figures(material_facts, span, as_of)
    type_lines = tuple(
        MaterialTypeLine(type=t.value, label=MATERIAL_TYPE_VI[t.value], produced=f.produced, installed=f.installed,
                         removed=f.removed, cost=f.cost, by_status=dict(f.by_status), in_place=f.in_place,
                         cost_to_date=f.cost_to_date)
        for t in MaterialType if (f := per_type.get(t.value)) is not None
        and (f.by_status or f.produced or f.installed or f.removed or f.cost or f.cost_to_date))
    removals = tuple(
        OverdueRemovalLine(type=m.type, content=nfc(m.content),
                           place=", ".join(p for p in (nfc(m.address), nfc(m.ward)) if p),
                           planned_removal_on=m.planned_removal_on,
                           days_late=(as_of - m.planned_removal_on).days if m.planned_removal_on else 0)
        for m, fact in zip(materials, material_facts, strict=True) if removal_overdue(fact, as_of))

    events = list(session.scalars(select(Event).where(
        Event.unit_code == unit_code, Event.deleted_at.is_(None), Event.starts_on <= span.end)
        .order_by(Event.starts_on, Event.created_at)))
    event_facts = [EventFacts(e.starts_on, e.status, e.actual_participants, e.actual_cost) for e in events]
    event_flows, event_stocks, planned = event_figures(event_facts, span, as_of)
    held = tuple(EventLine(title=nfc(e.title), type=e.type, starts_on=e.starts_on, venue=nfc(e.venue),
                           participants=e.actual_participants, cost=e.actual_cost)
                 for e in events if e.status == "held" and span.start <= e.starts_on <= as_of)

    plan_ref = PlanRef(
        number=f"{plan.number}/{plan.symbol}" if plan is not None and plan.number else "",
        status=plan.status if plan is not None else "",
        issue_date=plan.issue_date if plan is not None and plan.status == PlanStatus.ISSUED.value else None)
    return ProgressData(
        unit=unit_code, unit_name=nfc(unit_name), period=span.code, start=span.start, end=span.end, as_of=as_of,
        plan=plan_ref, flows=task_flows + material_flows + event_flows,
        stocks=task_stocks + material_stocks + event_stocks, themes=tuple(themes), material_types=type_lines,
        events_planned=planned, tasks=tuple(task_lines), events=held, overdue_tasks=tuple(overdue),
        overdue_removals=removals)


def get_progress_data(*, uow_factory: UnitOfWorkFactory, period: str, today: dt.date) -> ProgressData:
    """The workspace's own unit's progress data of ``period``."""
    with uow_factory() as uow:
        info = uow.session.scalars(select(WorkspaceInfo)).one()
        return read_progress_data(uow.session, unit_code=info.unit_code, unit_name=info.unit_full_name,
                                  period=period, today=today)
