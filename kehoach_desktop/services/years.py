"""The plan year a workspace works in: the one place that says which template and which plan are current.

A workspace keeps every template it has known, one per year (or more), and a reporting unit keeps the
plan of each year it started. ``WorkspaceInfo.template_code`` names the template in use: the city's
board, reports and imports follow it, and so do a unit's plan, registers and packages. Earlier years
stay in the workspace; choosing one again (:func:`use_template`) shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.template import Template
from kehoach_desktop.i18n import _
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.templates import template_of
from kehoach_desktop.services.unit_view import workspace_unit
from kehoach_desktop.storage.models import Plan, TemplateRecord, WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class PlanYear:
    """A template the workspace knows, and (for a reporting unit) whether its plan was started."""

    code: str
    year: int
    summary: str
    origin: str  # "builtin", "imported", "edited"
    in_use: bool
    units: int  # how many reporting units it names
    unit_term: str
    has_plan: bool  # a unit's own plan made from it (always False in a city workspace)


@dataclass(frozen=True)
class YearChange:
    code: str
    year: int
    plan_created: bool
    changes: Changes


def workspace_info(session: Session) -> WorkspaceInfo:
    return session.scalars(select(WorkspaceInfo)).one()


def current_template_record(session: Session) -> TemplateRecord:
    info = workspace_info(session)
    return session.scalars(select(TemplateRecord).where(TemplateRecord.code == info.template_code)).one()


def current_template(session: Session) -> Template:
    return template_of(current_template_record(session))


def current_year(session: Session) -> int:
    """The year in use (read alone: the template's document is not needed, nor decoded)."""
    info = workspace_info(session)
    return int(session.scalar(select(TemplateRecord.year).where(TemplateRecord.code == info.template_code)) or 0)


def current_plan(session: Session, unit_code: str | None = None) -> Plan | None:
    """The unit's plan of the year in use (the latest made that year), else its latest plan.

    ``unit_code`` defaults to the unit the services work on (``unit_view.workspace_unit``).
    """
    unit_code = unit_code or workspace_unit(session)
    year = current_year(session)
    plans = list(session.scalars(select(Plan).where(Plan.unit_code == unit_code, Plan.deleted_at.is_(None))
                                 .order_by(Plan.year.desc(), Plan.created_at.desc())))
    return next((p for p in plans if p.year == year), plans[0] if plans else None)


def current_plan_id(session: Session, unit_code: str | None = None) -> str | None:
    plan = current_plan(session, unit_code)
    return plan.id if plan is not None else None


def plans_of_year(session: Session, unit_codes: list[str] | None = None) -> dict[str, Plan]:
    """Each unit's plan of the year in use (the city's view of the units it received)."""
    year = current_year(session)
    stmt = (select(Plan).where(Plan.deleted_at.is_(None), Plan.year == year)
            .order_by(Plan.unit_code, Plan.created_at))
    if unit_codes is not None:
        stmt = stmt.where(Plan.unit_code.in_(list(unit_codes)))
    plans: dict[str, Plan] = {}
    for plan in session.scalars(stmt):
        plans[plan.unit_code] = plan  # the latest made that year wins
    return plans


def template_for_report(session: Session, unit_code: str, period: str) -> TemplateRecord | None:
    """The template a unit's report for ``period`` belongs to: the one in use, else any known that names both."""
    def names_both(record: TemplateRecord) -> bool:
        template = template_of(record)
        return any(u.code == unit_code for u in template.reporting_units) and \
            any(p.period == period for p in template.reporting_periods)

    current = current_template_record(session)
    if names_both(current):
        return current
    return next((r for r in session.scalars(select(TemplateRecord).where(TemplateRecord.id != current.id)
                                            .order_by(TemplateRecord.year.desc())) if names_both(r)), None)


def list_years(*, uow_factory: UnitOfWorkFactory) -> list[PlanYear]:
    with uow_factory() as uow:
        s = uow.session
        info = workspace_info(s)
        own = info.mode == WorkspaceMode.DISTRICT.value
        planned = set(s.scalars(select(Plan.template_id).where(Plan.unit_code == info.unit_code,
                                                               Plan.deleted_at.is_(None)))) if own else set()
        result = []
        for record in s.scalars(select(TemplateRecord).order_by(TemplateRecord.year, TemplateRecord.code)):
            template = template_of(record)
            result.append(PlanYear(code=record.code, year=record.year, summary=record.summary, origin=record.origin,
                                   in_use=record.code == info.template_code, units=len(template.reporting_units),
                                   unit_term=template.unit_term, has_plan=record.id in planned))
        return result


def follow_agency(session: Session, info: WorkspaceInfo, template: Template) -> None:
    """A city workspace is the receiving agency its template names: its code and name follow it.

    The full name follows too unless the officer wrote another one. The signing key stays: the
    units recognise it under the new code (``services/sync.py``).
    """
    agency = template.receiving_agency
    if info.unit_code == agency.code and info.unit_name == agency.name:
        return
    before = {"code": info.unit_code, "name": info.unit_name}
    if info.unit_full_name in ("", info.unit_name):
        info.unit_full_name = agency.name
    info.unit_code, info.unit_name = agency.code, agency.name
    audit.record(session, unit_code=agency.code, action="workspace.agency", entity="workspace", entity_id=info.id,
                 summary=f"{before['code']} → {agency.code}", details={"before": before,
                                                                       "after": {"code": agency.code,
                                                                                 "name": agency.name}})


def set_template_in_use(session: Session, record: TemplateRecord) -> bool:
    """Make ``record`` the template in use; a unit starts its plan of that year if it has none.

    Returns whether a plan was created. Runs inside the caller's unit of work.
    """
    from kehoach_desktop.services.plans import create_plan_from_template
    from kehoach_desktop.services.units import seed_responsible_units

    info = workspace_info(session)
    template = template_of(record)
    created = False
    if info.mode == WorkspaceMode.CITY.value:
        follow_agency(session, info, template)
    else:
        try:
            unit = template.unit(info.unit_code)
        except KeyError:
            raise ValidationError(_("The template {code} names no reporting unit with the code {unit}: it is not a "
                                    "template for this unit.").format(code=record.code, unit=info.unit_code)) from None
        has_plan = session.scalar(select(Plan.id).where(Plan.unit_code == info.unit_code,
                                                        Plan.template_id == record.id,
                                                        Plan.deleted_at.is_(None)).limit(1)) is not None
        if not has_plan:
            seed_responsible_units(session, template, unit)
            create_plan_from_template(session, workspace=info, template_record=record, template=template)
            created = True
    if info.template_code != record.code:
        previous = info.template_code
        info.template_code = record.code
        audit.record(session, unit_code=info.unit_code, action="template.use", entity="template",
                     entity_id=record.code, summary=f"{previous} → {record.code}",
                     details={"from": previous, "to": record.code, "year": record.year, "plan_created": created})
    return created


def use_template(*, uow_factory: UnitOfWorkFactory, code: str) -> YearChange:
    """Work in the year of the template ``code``: the city's board and reports, or the unit's plan."""
    with uow_factory() as uow:
        s = uow.session
        record = s.scalar(select(TemplateRecord).where(TemplateRecord.code == code))
        if record is None:
            raise ValidationError(_("This workspace has no template with the code {code}.").format(code=code))
        created = set_template_in_use(s, record)
        uow.commit()
        return YearChange(code=record.code, year=record.year, plan_created=created, changes=Changes.everything())
