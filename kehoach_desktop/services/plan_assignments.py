"""The draft of the plan's section III ("Tổ chức thực hiện") from the tasks' lead and supporting units."""

from __future__ import annotations

from sqlalchemy import select

from kehoach_desktop.domain.enums import SectionKind
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.plan_assignments import LEAD, SUPPORT, Budgets, Party, assignments_text
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.i18n import _
from kehoach_desktop.services.years import current_plan, current_template
from kehoach_desktop.storage.models import PlanSection, ResponsibleUnit, Task, WorkspaceInfo
from kehoach_desktop.storage.uow import UnitOfWorkFactory


def draft_organisation_text(*, uow_factory: UnitOfWorkFactory) -> str:
    """Who leads and who supports the tasks of which sections, one line a unit (the places on one line)."""
    with uow_factory() as uow:
        s = uow.session
        plan = current_plan(s)
        if plan is None:
            raise UserFacingError(_("This workspace has no plan to report on."))
        template = current_template(s)
        text = template.unit_plan
        unit_kind = template.unit(s.scalars(select(WorkspaceInfo)).one().unit_code).kind
        units = list(s.scalars(select(ResponsibleUnit).where(ResponsibleUnit.unit_code == plan.unit_code,
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
        sections = {sec.id: sec for sec in s.scalars(select(PlanSection).where(
            PlanSection.plan_id == plan.id, PlanSection.deleted_at.is_(None)))}
        tasks = s.scalars(select(Task).where(Task.plan_id == plan.id, Task.deleted_at.is_(None)))
        ordered = sorted(tasks, key=lambda t: (sections[t.section_id].position if t.section_id in sections else 0,
                                               t.position))
        roles: list[tuple[Party, str, str]] = []
        own = on_places = unassigned = 0
        for task in ordered:
            if task.lead_unit_id not in parties:
                unassigned += task.budget
            elif parties[task.lead_unit_id] is places_party:
                on_places += task.budget
            else:
                own += task.budget
            number = sections[task.section_id].number if task.section_id in sections else ""
            if task.lead_unit_id in parties:
                roles.append((parties[task.lead_unit_id], LEAD, number))
            roles += [(parties[i], SUPPORT, number) for i in task.supporting_unit_ids or [] if i in parties]
        budgets = Budgets(own_name=f"ngân sách {unit_kind}", own=own,
                          places_name=f"ngân sách các {', '.join(places)}" if places else "", places=on_places,
                          unassigned=unassigned)
        return assignments_text(roles, budgets)


def organisation_section_id(*, uow_factory: UnitOfWorkFactory) -> str | None:
    with uow_factory() as uow:
        plan = current_plan(uow.session)
        if plan is None:
            return None
        return uow.session.scalar(select(PlanSection.id).where(
            PlanSection.plan_id == plan.id, PlanSection.kind == SectionKind.ORGANISATION.value,
            PlanSection.deleted_at.is_(None)))
