"""Read models of the pages: the overview figures and the plan outline."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import String, func, select

from kehoach_desktop.domain.enums import EventStatus, MaterialStatus, TaskStatus
from kehoach_desktop.domain.lifecycle import UP_STATUSES
from kehoach_desktop.domain.rules import effective_task_status, is_task_due_soon
from kehoach_desktop.services.dto import (
    CityOverview,
    CountByLabel,
    OutlineSection,
    OutlineTask,
    Overview,
    PeriodDeadline,
    PlanOutline,
    ThemeProgress,
    UpcomingEvent,
)
from kehoach_desktop.services.unit_view import workspace_unit
from kehoach_desktop.services.years import current_plan
from kehoach_desktop.storage.models import (
    Event,
    Material,
    PlanSection,
    ReceivedPackage,
    ResponsibleUnit,
    Task,
    TemplateRecord,
    WorkspaceInfo,
)
from kehoach_desktop.storage.uow import UnitOfWorkFactory


def get_overview(*, uow_factory: UnitOfWorkFactory, today: dt.date) -> Overview:
    with uow_factory() as uow:
        s = uow.session
        unit_code = workspace_unit(s)
        plan = current_plan(s, unit_code)

        task_rows = []
        sections: list[PlanSection] = []
        if plan is not None:
            task_rows = s.execute(
                select(Task.section_id, Task.status, Task.due_date, Task.budget, Task.spent)
                .where(Task.plan_id == plan.id, Task.deleted_at.is_(None))).all()
            sections = list(s.scalars(select(PlanSection).where(
                PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None)).order_by(PlanSection.position)))
        by_status: Counter[str] = Counter()
        per_section: dict[str, Counter[str]] = defaultdict(Counter)
        money: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        due_soon = 0
        for section_id, status, due_date, budget, spent in task_rows:
            shown = effective_task_status(status, due_date, today)
            by_status[shown] += 1
            per_section[section_id][shown] += 1
            per_section[section_id]["*"] += 1
            money[section_id][0] += budget
            money[section_id][1] += spent
            due_soon += is_task_due_soon(status, due_date, today) and shown != TaskStatus.OVERDUE.value
        theme_progress = tuple(
            ThemeProgress(section_id=sec.id, number=sec.number, title=sec.title,
                          tasks=per_section[sec.id]["*"], done=per_section[sec.id][TaskStatus.DONE.value],
                          in_progress=per_section[sec.id][TaskStatus.IN_PROGRESS.value],
                          overdue=per_section[sec.id][TaskStatus.OVERDUE.value],
                          budget=money[sec.id][0], spent=money[sec.id][1])
            for sec in sections if per_section[sec.id]["*"])

        live_materials = (Material.unit_code == unit_code, Material.deleted_at.is_(None))
        m_total, m_quantity, m_cost = s.execute(select(
            func.count(), func.coalesce(func.sum(Material.quantity), 0), func.coalesce(func.sum(Material.cost), 0)
        ).where(*live_materials)).one()
        m_by_type = s.execute(select(Material.type, func.count(), func.sum(Material.quantity))
                              .where(*live_materials).group_by(Material.type)).all()
        m_by_status = s.execute(select(Material.status, func.count(), func.sum(Material.quantity))
                                .where(*live_materials).group_by(Material.status)).all()
        removals_overdue = s.scalar(select(func.count()).where(
            *live_materials, Material.status.in_(UP_STATUSES), Material.planned_removal_on < today)) or 0
        damaged = s.scalar(select(func.count()).where(
            *live_materials, Material.status == MaterialStatus.DAMAGED.value)) or 0

        live_events = (Event.unit_code == unit_code, Event.deleted_at.is_(None))
        e_by_status = s.execute(select(Event.status, func.count()).where(*live_events)
                                .group_by(Event.status)).all()
        participants = s.scalar(select(func.coalesce(func.sum(Event.actual_participants), 0)).where(
            *live_events, Event.status == EventStatus.HELD.value)) or 0
        upcoming = s.scalars(select(Event).where(
            *live_events, Event.starts_on >= today, Event.starts_on <= today + dt.timedelta(days=7),
            Event.status.not_in([EventStatus.CANCELLED.value, EventStatus.HELD.value]))
            .order_by(Event.starts_on)).all()
        month = func.substr(func.cast(Event.starts_on, String), 1, 7)
        e_by_month = s.execute(select(month, func.count()).where(
            *live_events, Event.status != EventStatus.CANCELLED.value).group_by(month).order_by(month)).all()
        without_results = s.scalar(select(func.count()).where(
            *live_events, Event.status == EventStatus.HELD.value, Event.result_notes == "")) or 0

        return Overview(
            today=today,
            plan_id=plan.id if plan else None,
            plan_status=plan.status if plan else None,
            plan_revision=plan.revision if plan else 0,
            plan_year=plan.year if plan else None,
            plan_number=f"{plan.number}/{plan.symbol}" if plan and plan.number else "",
            tasks_total=len(task_rows),
            tasks_by_status=tuple(CountByLabel(status.value, by_status[status.value]) for status in TaskStatus),
            tasks_overdue=by_status[TaskStatus.OVERDUE.value],
            tasks_due_soon=int(due_soon),
            budget_planned=sum(row[3] for row in task_rows),
            budget_spent=sum(row[4] for row in task_rows),
            theme_progress=theme_progress,
            materials_total=m_total, materials_quantity=m_quantity, materials_cost=m_cost,
            materials_by_type=tuple(CountByLabel(t, c, q or 0) for t, c, q in sorted(m_by_type)),
            materials_by_status=tuple(CountByLabel(st, c, q or 0) for st, c, q in sorted(m_by_status)),
            removals_overdue=removals_overdue, materials_damaged=damaged,
            events_total=sum(c for _, c in e_by_status),
            events_by_status=tuple(CountByLabel(st, c) for st, c in sorted(e_by_status)),
            events_participants=participants,
            events_next_7_days=tuple(UpcomingEvent(e.id, e.title, e.type, e.starts_on, e.venue, e.status)
                                     for e in upcoming),
            events_without_results=without_results,
            events_by_month=tuple(CountByLabel(str(m), c) for m, c in e_by_month),
        )


def get_plan_outline(*, uow_factory: UnitOfWorkFactory, today: dt.date) -> PlanOutline | None:
    """The current plan: its sections in order with their text and local tasks."""
    with uow_factory() as uow:
        s = uow.session
        unit_code = workspace_unit(s)
        plan = current_plan(s, unit_code)
        if plan is None:
            return None
        unit_names = dict(s.execute(select(ResponsibleUnit.id, ResponsibleUnit.name)
                                    .where(ResponsibleUnit.unit_code == unit_code)).all())
        tasks: dict[str, list[OutlineTask]] = defaultdict(list)
        for task in s.scalars(select(Task).where(Task.plan_id == plan.id, Task.deleted_at.is_(None))
                              .order_by(Task.section_id, Task.position)):
            tasks[task.section_id].append(OutlineTask(
                id=task.id, content=task.content, form=task.form,
                lead_unit=unit_names.get(task.lead_unit_id or "", ""), start_date=task.start_date,
                due_date=task.due_date, budget=task.budget,
                status=effective_task_status(task.status, task.due_date, today)))
        sections = tuple(
            OutlineSection(
                id=sec.id, template_key=sec.template_key, number=sec.number, title=sec.title, kind=sec.kind,
                depth=sec.depth, locked=sec.locked, inferred=sec.inferred, text=sec.text,
                local_text=sec.local_text, changed_from_template=sec.text != sec.template_text,
                tasks=tuple(tasks[sec.id]))
            for sec in s.scalars(select(PlanSection).where(
                PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None)).order_by(PlanSection.position)))
        return PlanOutline(
            plan_id=plan.id, year=plan.year, status=plan.status, revision=plan.revision, title=plan.title,
            summary=plan.summary, number=plan.number, symbol=plan.symbol, place=plan.place,
            issue_date=plan.issue_date, issuing_agency=plan.issuing_agency, preamble=plan.preamble,
            sections=sections)


def get_city_overview(*, uow_factory: UnitOfWorkFactory, today: dt.date) -> CityOverview:
    from kehoach_desktop.services.templates import template_of

    with uow_factory() as uow:
        s = uow.session
        info = s.scalars(select(WorkspaceInfo)).one()
        template = template_of(s.scalars(select(TemplateRecord).where(
            TemplateRecord.code == info.template_code)).one())
        received = s.execute(select(ReceivedPackage.unit_code, ReceivedPackage.period).where(
            ReceivedPackage.kind == "district-report", ReceivedPackage.status != "refused")).all()
        kinds = Counter(unit.kind for unit in template.reporting_units)
        return CityOverview(
            today=today, template_code=template.code, template_year=template.year, unit_term=template.unit_term,
            units_total=len(template.reporting_units),
            units_by_kind=tuple(CountByLabel(kind, count) for kind, count in sorted(kinds.items())),
            packages_received=len(received),
            units_reported=len({unit for unit, _period in received}),
            periods=tuple(PeriodDeadline(p.period, p.deadline, len({u for u, per in received if per == p.period}))
                          for p in template.reporting_periods),
        )
