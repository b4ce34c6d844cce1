"""The directory of responsible units: view, add, edit, deactivate.

Units are never deleted: a deactivated unit keeps its place in the tasks that name it and
is no longer offered for new choices.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kehoach_desktop.domain.enums import ResponsibleUnitKind
from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.domain.text import fold, nfc
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services import audit
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.edit_guards import control_problems, length_problems
from kehoach_desktop.services.plan_dto import ResponsibleUnitInput, ResponsibleUnitRow
from kehoach_desktop.services.plan_editing import Created
from kehoach_desktop.services.unit_view import workspace_unit
from kehoach_desktop.storage.models import ResponsibleUnit, Task, utcnow
from kehoach_desktop.storage.uow import UnitOfWorkFactory


def _unit_code(session: Session) -> str:
    return workspace_unit(session)


def list_responsible_units(*, uow_factory: UnitOfWorkFactory, include_inactive: bool = True
                           ) -> tuple[ResponsibleUnitRow, ...]:
    with uow_factory() as uow:
        s = uow.session
        unit_code = _unit_code(s)
        uses: dict[str, int] = {}
        for lead, supporting in s.execute(select(Task.lead_unit_id, Task.supporting_unit_ids).where(
                Task.unit_code == unit_code, Task.deleted_at.is_(None))):
            for unit_id in {lead, *(supporting or ())} - {None}:
                uses[unit_id] = uses.get(unit_id, 0) + 1
        query = select(ResponsibleUnit).where(ResponsibleUnit.unit_code == unit_code,
                                              ResponsibleUnit.deleted_at.is_(None))
        if not include_inactive:
            query = query.where(ResponsibleUnit.active.is_(True))
        return tuple(
            ResponsibleUnitRow(id=u.id, code=u.code, name=u.name, kind=u.kind, active=u.active, position=u.position,
                               tasks=uses.get(u.id, 0))
            for u in s.scalars(query.order_by(ResponsibleUnit.position, ResponsibleUnit.name)))


def _check(session: Session, unit_code: str, data: ResponsibleUnitInput, *, exclude_id: str | None = None
           ) -> tuple[str, str, str]:
    code, name = nfc(data.code), nfc(data.name)
    if not name:
        raise ValidationError(_("Give the unit's name."))
    if not code:
        code = fold(name).replace(" ", "-").upper()[:32]
    if len(code) > 32:
        raise ValidationError(_("The code is too long: at most 32 characters."))
    too_long = length_problems(ResponsibleUnit, {"name": name}, {"name": N_("The unit's name")})
    too_long += control_problems({"name": name, "code": code}, {"name": N_("The unit's name"), "code": N_("Code")})
    if too_long:
        raise ValidationError(too_long[0])
    if data.kind not in {k.value for k in ResponsibleUnitKind}:
        raise ValidationError(_("Choose the kind of unit."))
    clash = session.scalar(select(ResponsibleUnit).where(
        ResponsibleUnit.unit_code == unit_code, func.lower(ResponsibleUnit.code) == code.lower()))
    if clash is not None and clash.id != exclude_id:
        raise ValidationError(_("The code {code} is already used by “{name}”.").format(code=code, name=clash.name))
    return code, name, data.kind


def create_responsible_unit(*, uow_factory: UnitOfWorkFactory, data: ResponsibleUnitInput) -> Created:
    with uow_factory() as uow:
        s = uow.session
        unit_code = _unit_code(s)
        code, name, kind = _check(s, unit_code, data)
        position = (s.scalar(select(func.max(ResponsibleUnit.position)).where(
            ResponsibleUnit.unit_code == unit_code)) or 0) + 1
        unit = ResponsibleUnit(unit_code=unit_code, code=code, name=name, kind=kind, position=position)
        s.add(unit)
        s.flush()
        audit.record(s, unit_code=unit_code, action="unit.create", entity="responsible_unit", entity_id=unit.id,
                     summary=name, details={"code": code, "kind": kind})
        uow.commit()
        return Created(unit.id, Changes(units=True))


def _own_unit(session: Session, unit_id: str) -> tuple[ResponsibleUnit, str]:
    unit_code = _unit_code(session)
    unit = session.get(ResponsibleUnit, unit_id)
    if unit is None or unit.deleted_at is not None or unit.unit_code != unit_code:
        raise ValidationError(_("This unit is no longer in the directory."))
    return unit, unit_code


def update_responsible_unit(*, uow_factory: UnitOfWorkFactory, unit_id: str, data: ResponsibleUnitInput) -> Changes:
    with uow_factory() as uow:
        s = uow.session
        unit, unit_code = _own_unit(s, unit_id)
        code, name, kind = _check(s, unit_code, data, exclude_id=unit.id)
        changed = {k: [getattr(unit, k), v] for k, v in (("code", code), ("name", name), ("kind", kind))
                   if getattr(unit, k) != v}
        if not changed:
            return Changes()
        unit.code, unit.name, unit.kind = code, name, kind
        unit.version += 1
        unit.updated_at = utcnow()
        audit.record(s, unit_code=unit_code, action="unit.update", entity="responsible_unit", entity_id=unit.id,
                     summary=name, details=changed)
        uow.commit()
    return Changes(units=True, tasks=True)


def set_responsible_unit_active(*, uow_factory: UnitOfWorkFactory, unit_id: str, active: bool) -> Changes:
    with uow_factory() as uow:
        s = uow.session
        unit, unit_code = _own_unit(s, unit_id)
        if unit.active == active:
            return Changes()
        unit.active = active
        unit.version += 1
        unit.updated_at = utcnow()
        audit.record(s, unit_code=unit_code, action="unit.activate" if active else "unit.deactivate",
                     entity="responsible_unit", entity_id=unit.id, summary=unit.name)
        uow.commit()
    return Changes(units=True)
