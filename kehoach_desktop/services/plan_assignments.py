"""The draft of the plan's section III ("Tổ chức thực hiện") from the tasks' lead and supporting units."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach_desktop.domain import budget_sources
from kehoach_desktop.domain.budget_sources import SourceNames
from kehoach_desktop.domain.enums import SectionKind
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.plan_assignments import LEAD, SUPPORT, Party, assignments_text
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.i18n import _
from kehoach_desktop.services.years import current_plan, current_template
from kehoach_desktop.storage.models import Plan, PlanSection, ResponsibleUnit, Task
from kehoach_desktop.storage.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class _UnitParties:
    parties: dict[str, Party]  # responsible unit id → who section III addresses
    places: Party | None  # the unit's places together
    names: SourceNames


def _unit_parties(s: Session, plan_unit_code: str) -> _UnitParties:
    template = current_template(s)
    text = template.unit_plan
    # the plan's unit, not the workspace's: the city opens its units' plans too
    unit_kind = next((u.kind for u in template.reporting_units if u.code == plan_unit_code), "")
    units = list(s.scalars(select(ResponsibleUnit).where(ResponsibleUnit.unit_code == plan_unit_code,
                                                         ResponsibleUnit.deleted_at.is_(None))))
    place_kind = {p.directory_kind: p.kind for p in text.place_kinds}
    order = [p.kind for p in text.place_kinds]
    places = sorted({place_kind[u.kind] for u in units if u.kind in place_kind}, key=order.index)
    places_party = Party(text.place_committees(places), len(units) + 1) if places else None
    parties: dict[str, Party] = {}
    for unit in units:
        if unit.kind in place_kind and places_party is not None:
            parties[unit.id] = places_party
        else:
            first = nfc(unit.name) == nfc(text.office)
            parties[unit.id] = Party(nfc(unit.name), -1 if first else unit.position)
    place_words = places or order
    names = SourceNames(
        superior=nfc(text.superior_budget) or "ngân sách cấp trên",
        own=f"ngân sách {unit_kind}" if unit_kind else "ngân sách của đơn vị",
        places=f"ngân sách các {', '.join(place_words)}" if place_words else "ngân sách cấp dưới")
    return _UnitParties(parties, places_party, names)


def _source(task: Task, units: _UnitParties) -> str:
    party = units.parties.get(task.lead_unit_id or "")
    return budget_sources.resolve(task.budget_source or "",
                                  lead_is_place=None if party is None else party is units.places)


def source_choices(s: Session, unit_code: str) -> tuple[tuple[str, str], ...]:
    """(code, what the plan calls it) of each budget a task may be paid from."""
    names = _unit_parties(s, unit_code).names
    return tuple((code, names.name(code)) for code in budget_sources.CODES)


def budgets_by_source(s: Session, plan: Plan, tasks: list[Task]) -> list[tuple[str, int]]:
    """The tasks' budgets totalled by the budget that pays: (what the plan calls it, VND), in the sources' order."""
    units = _unit_parties(s, plan.unit_code)
    found = budget_sources.totals((_source(t, units), t.budget) for t in tasks)
    return [(units.names.name(source), amount) for source, amount in found]


def draft_organisation_text(*, uow_factory: UnitOfWorkFactory) -> str:
    """Who leads and who supports the tasks of which sections, one line a unit (the places on one line)."""
    with uow_factory() as uow:
        s = uow.session
        plan = current_plan(s)
        if plan is None:
            raise UserFacingError(_("This workspace has no plan to report on."))
        units = _unit_parties(s, plan.unit_code)
        parties = units.parties
        sections = {sec.id: sec for sec in s.scalars(select(PlanSection).where(
            PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None)))}
        tasks = s.scalars(select(Task).where(Task.plan_id == plan.id, Task.deleted_at.is_(None)))
        ordered = sorted(tasks, key=lambda t: (sections[t.section_id].position if t.section_id in sections else 0,
                                               t.position))
        roles: list[tuple[Party, str, str]] = []
        for task in ordered:
            number = sections[task.section_id].number if task.section_id in sections else ""
            if task.lead_unit_id in parties:
                roles.append((parties[task.lead_unit_id], LEAD, number))
            roles += [(parties[i], SUPPORT, number) for i in task.supporting_unit_ids or [] if i in parties]
        return assignments_text(roles, budgets_by_source(s, plan, ordered))


def organisation_section_id(*, uow_factory: UnitOfWorkFactory) -> str | None:
    with uow_factory() as uow:
        plan = current_plan(uow.session)
        if plan is None:
            return None
        return uow.session.scalar(select(PlanSection.id).where(
            PlanSection.plan_id == plan.id, PlanSection.kind == SectionKind.ORGANISATION.value,
            PlanSection.deleted_at.is_(None)))
