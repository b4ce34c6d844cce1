"""What a new unit's workspace still needs before its first package goes to the city, read from its data.

Each step is done when the workspace holds its trace: the plan's details saved (or the plan issued,
which asks for them), a task in the draft, the directory of responsible units changed, the plan
issued, a material and an event recorded, a progress workbook exported, a package exported.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import exists, select

from kehoach_desktop.domain.enums import PlanStatus
from kehoach_desktop.services.unit_view import workspace_unit
from kehoach_desktop.storage.models import AuditEntry, Event, Material, Plan, SentPackage, Setting, Task
from kehoach_desktop.storage.uow import UnitOfWorkFactory

HIDDEN_SETTING = "first_steps.hidden"  # "1" once the officer hid the list before every step was done


@dataclass(frozen=True)
class FirstSteps:
    plan_details: bool
    draft: bool
    responsible_units: bool
    issued: bool
    materials: bool
    events: bool
    workbooks: bool
    package: bool
    hidden: bool = False  # the officer hid the list (some units never use a step, e.g. the workbooks)

    @property
    def done(self) -> int:
        return sum(getattr(self, name) for name in self.step_names())

    @property
    def total(self) -> int:
        return len(self.step_names())

    @classmethod
    def step_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name != "hidden")

    @property
    def all_done(self) -> bool:
        return self.done == self.total


def get_first_steps(*, uow_factory: UnitOfWorkFactory) -> FirstSteps:
    with uow_factory() as uow:
        s = uow.session
        unit_code = workspace_unit(s)

        def logged(*actions: str) -> bool:
            return bool(s.scalar(select(exists().where(AuditEntry.unit_code == unit_code,
                                                       AuditEntry.action.in_(actions)))))

        plan = s.execute(select(Plan.id, Plan.status, Plan.revision).where(
            Plan.unit_code == unit_code, Plan.deleted_at.is_(None))
            .order_by(Plan.year.desc(), Plan.created_at.desc())).first()
        issued = plan is not None and (plan.status == PlanStatus.ISSUED.value or plan.revision > 0)
        has_task = plan is not None and bool(s.scalar(select(exists().where(
            Task.plan_id == plan.id, Task.deleted_at.is_(None)))))
        return FirstSteps(
            plan_details=issued or logged("plan.update"),
            draft=has_task,
            responsible_units=logged("unit.create", "unit.update", "unit.activate", "unit.deactivate"),
            issued=issued,
            materials=bool(s.scalar(select(exists().where(Material.unit_code == unit_code,
                                                          Material.deleted_at.is_(None))))),
            events=bool(s.scalar(select(exists().where(Event.unit_code == unit_code, Event.deleted_at.is_(None))))),
            workbooks=logged("excel.export"),
            package=bool(s.scalar(select(exists().where(SentPackage.id.is_not(None))))),
            hidden=getattr(s.get(Setting, HIDDEN_SETTING), "value", "") == "1",
        )


def set_first_steps_hidden(*, uow_factory: UnitOfWorkFactory, hidden: bool) -> None:
    """Hide the list of first steps on Tổng quan, or show it again (Trợ giúp → Các bước đầu tiên)."""
    with uow_factory() as uow:
        uow.session.merge(Setting(key=HIDDEN_SETTING, value="1" if hidden else ""))
        uow.commit()
